"""A Qt-free timer thread that hands tasks back to the executor when their retry time comes.

Qt timers need an event loop on their thread; the engine also runs headless (CLI, ``serve`` before the loop
starts, tests), so delayed retries use a plain thread with a heap and a condition variable.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class DelayTimer:
    """Calls ``callback(key)`` on its own thread once ``delay`` seconds have passed (unless cancelled)."""

    def __init__(self, callback: Callable[[str], None], name: str = "pricewatch-retry-timer") -> None:
        self._callback = callback
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, str]] = []
        self._cancelled: set[str] = set()
        self._seq = itertools.count()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def schedule(self, key: str, delay: float) -> None:
        with self._cond:
            if self._stopped:
                return
            self._cancelled.discard(key)
            heapq.heappush(self._heap, (time.monotonic() + max(0.0, delay), next(self._seq), key))
            self._cond.notify()

    def cancel(self, key: str) -> None:
        with self._cond:
            if any(k == key for _, _, k in self._heap):
                self._cancelled.add(key)

    def pending(self) -> list[str]:
        with self._cond:
            return [k for _, _, k in sorted(self._heap) if k not in self._cancelled]

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._cond.notify()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                _, _, key = heapq.heappop(self._heap)
                if key in self._cancelled:
                    self._cancelled.discard(key)
                    continue
            try:
                self._callback(key)
            except Exception:
                log.exception("delayed task %s could not be queued", key)
