"""Task events for the API and CLI: a plain-Python subscriber hub (Qt-free; GUI signals: signals.py).

Subscribers are called on whatever thread changed the task (a pool worker, the retry timer, the caller of the
synchronous executor), so they must be quick and thread-safe.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TaskEvent:
    """``kind`` is ``added``, ``changed`` or ``progress``; progress fields are set for ``progress``."""

    kind: str
    task_id: str
    state: str = ""
    current: int = 0
    total: int = 0
    message: str = ""


Subscriber = Callable[[TaskEvent], Any]


class EventHub:
    """Thread-safe subscriber list; a failing subscriber is logged and never breaks the task."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: tuple[Subscriber, ...] = ()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers = (*self._subscribers, callback)

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = tuple(s for s in self._subscribers if s is not callback)

        return unsubscribe

    @property
    def active(self) -> bool:
        """Whether anyone subscribed (publishers skip building events otherwise)."""
        return bool(self._subscribers)

    def publish(self, event: TaskEvent) -> None:
        for callback in self._subscribers:  # the tuple is replaced, never mutated: no lock needed here
            try:
                callback(event)
            except Exception:
                log.exception("task event subscriber %r failed", callback)


class ProgressThrottle:
    """Lets through at most one event per ``interval`` seconds per task, and always the final one."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last = float("-inf")

    def due(self) -> bool:
        """Whether :meth:`ready` would let an event through now (without counting it as sent)."""
        return time.monotonic() - self._last >= self.interval

    def ready(self, *, force: bool = False) -> bool:
        now = time.monotonic()
        if force or now - self._last >= self.interval:
            self._last = now
            return True
        return False
