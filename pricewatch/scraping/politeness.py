"""Per-host politeness: at most N requests in flight to one host, and a minimum gap between their starts.

Every wait here watches the caller's cancel flag and the fetch deadline, so a cancelled task never sits in a
queue for a busy shop.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pricewatch.errors import CancelledError, TransientError

# How often a thread waiting for a free slot looks at its cancel flag (slots free up with a notify).
_POLL = 0.05


@dataclass(slots=True)
class _Host:
    active: int = 0
    waiting: int = 0
    next_start: float = 0.0
    delay: float | None = None  # per-host override (robots.txt Crawl-delay)
    paused_until: float = 0.0  # the shop said Retry-After: nobody asks it again before this


class HostGate:
    """Thread-safe per-host concurrency limit and minimum delay between request starts.

    Args:
        concurrency: requests in flight per host at most.
        delay: seconds between the starts of two requests to one host at least.
        clock: a monotonic clock (tests may pass their own).
    """

    def __init__(self, concurrency: int, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        if concurrency < 1:
            raise ValueError("per-host concurrency must be at least 1")
        self.concurrency = concurrency
        self.delay = max(0.0, delay)
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._cond = threading.Condition()

    def set_host_delay(self, host: str, delay: float) -> None:
        """A longer gap for one host (from its robots.txt ``Crawl-delay``); never shorter than the default."""
        with self._cond:
            self._hosts.setdefault(host, _Host()).delay = max(self.delay, delay)

    def host_delay(self, host: str) -> float:
        with self._cond:
            state = self._hosts.get(host)
            return self.delay if state is None or state.delay is None else state.delay

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to ``host`` for ``seconds`` (its 429/503 ``Retry-After``), not just this one."""
        with self._cond:
            state = self._hosts.setdefault(host, _Host())
            state.paused_until = max(state.paused_until, self._clock() + seconds)

    def paused_for(self, host: str) -> float:
        """Seconds until ``host`` may be asked again after a Retry-After (0 when not paused)."""
        with self._cond:
            state = self._hosts.get(host)
            return 0.0 if state is None else max(0.0, state.paused_until - self._clock())

    @contextlib.contextmanager
    def slot(
        self, host: str, cancel: threading.Event | None = None, deadline: float | None = None
    ) -> Iterator[None]:
        """Hold one of ``host``'s slots; waits for a free slot, then for the host's delay to pass.

        Raises:
            CancelledError: ``cancel`` was set while waiting.
            TransientError: the wait would pass ``deadline`` (kind ``timeout``).
        """
        cancel = cancel or threading.Event()
        with self._cond:
            state = self._hosts.setdefault(host, _Host())
            state.waiting += 1
        try:
            wait = self._reserve(state, host, cancel, deadline)
            if wait > 0 and cancel.wait(wait):
                self._release(state)
                raise CancelledError()
        finally:
            with self._cond:
                state.waiting -= 1
        try:
            yield
        finally:
            self._release(state)

    def _reserve(self, state: _Host, host: str, cancel: threading.Event, deadline: float | None) -> float:
        """Take a slot and a start time; returns the seconds to wait until that start."""
        with self._cond:
            while state.active >= self.concurrency:
                self._check(cancel, deadline, host, state)
                self._cond.wait(_POLL)
            self._check(cancel, deadline, host, state)
            now = self._clock()
            start = max(now, state.next_start, state.paused_until)
            if deadline is not None and start > deadline:
                raise TransientError(f"{host} is busy; gave up waiting for our turn", kind="timeout")
            # Reserve the start time now so concurrent callers queue up behind it.
            state.next_start = start + (self.delay if state.delay is None else state.delay)
            state.active += 1
            return start - now

    def _release(self, state: _Host) -> None:
        with self._cond:
            state.active -= 1
            self._cond.notify_all()

    def _check(self, cancel: threading.Event, deadline: float | None, host: str, state: _Host) -> None:
        if cancel.is_set():
            raise CancelledError()
        now = self._clock()
        if deadline is not None and state.paused_until > deadline:
            wait = state.paused_until - now
            raise TransientError(
                f"{host} asked us to wait {wait:.0f} s before asking again",
                kind="rate_limited",
                retry_after=wait,
            )
        if deadline is not None and now >= deadline:
            raise TransientError(f"{host} is busy; gave up waiting for our turn", kind="timeout")

    def waiting(self, host: str) -> int:
        """Callers of ``slot(host)`` not yet let through (waiting for a slot or for the delay)."""
        with self._cond:
            state = self._hosts.get(host)
            return 0 if state is None else state.waiting

    def in_flight(self, host: str) -> int:
        with self._cond:
            state = self._hosts.get(host)
            return 0 if state is None else state.active
