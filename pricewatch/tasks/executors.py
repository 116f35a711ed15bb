"""Executors hand queued task ids to :meth:`TaskManager.run`: the protocol and the inline executor.

Both executors keep their own priority heap per queue, so a higher-priority task waiting in a queue runs
before a lower one however they arrived. Work items are plain data ``(priority, sequence, task_id)``. The
QThreadPool executor is in :mod:`pricewatch.tasks.threadpool`.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Protocol

_Item = tuple[int, int, str]  # (-priority, sequence, task_id): heapq pops the highest priority, then FIFO


class Dispatcher(Protocol):
    """What an executor needs from the engine (the TaskManager) to run what it queued."""

    def run(self, task_ids: list[str]) -> None: ...

    def awaits_retry(self, task_id: str) -> bool: ...

    def wait_for_change(self, timeout: float, still: Callable[[], bool] = ...) -> None: ...


class Executor(Protocol):
    name: str

    def dispatch(self, queue: str, priority: int, task_id: str) -> None: ...

    def dispatch_later(self, queue: str, priority: int, task_id: str, delay: float) -> bool:
        """Run the task after ``delay`` seconds if this executor handles delays itself (else False)."""
        ...

    def step_aside(self, queue: str) -> bool:
        """Let the queue's next task start while the calling task waits for work off the queue (True: done;
        then call step_back)."""
        ...

    def step_back(self, queue: str) -> None: ...

    def shutdown(self, timeout: float) -> bool: ...


class SyncExecutor:
    """Runs tasks inline on the calling thread, still through the journal.

    A task submitted while this thread is already running one (a batch's children) joins this thread's
    queue and runs after the current task returns, in priority order. A retry due later is waited for in
    the caller when the caller is draining; otherwise the manager's timer thread runs it.
    """

    name = "sync"

    def __init__(self, manager: Dispatcher) -> None:
        self._manager = manager
        self._local = threading.local()
        self._seq = itertools.count()
        self._stopping = False

    def _state(self) -> tuple[list[_Item], list[tuple[float, int, int, str]]]:
        local = self._local
        if not hasattr(local, "ready"):
            local.ready, local.delayed, local.draining = [], [], False
        return local.ready, local.delayed

    def dispatch(self, queue: str, priority: int, task_id: str) -> None:
        if self._stopping:
            return
        ready, _ = self._state()
        heapq.heappush(ready, (-priority, next(self._seq), task_id))
        if not self._local.draining:
            self._drain()

    def step_aside(self, queue: str) -> bool:
        return False  # one task at a time on the caller's thread: no other can start meanwhile

    def step_back(self, queue: str) -> None:
        pass

    def dispatch_later(self, queue: str, priority: int, task_id: str, delay: float) -> bool:
        _, delayed = self._state()
        if not self._local.draining or self._stopping:
            return False
        heapq.heappush(delayed, (time.monotonic() + delay, -priority, next(self._seq), task_id))
        return True

    def _drain(self) -> None:
        ready, delayed = self._state()
        self._local.draining = True
        try:
            while not self._stopping and (ready or delayed):
                now = time.monotonic()
                while delayed and delayed[0][0] <= now:
                    _, neg_priority, seq, task_id = heapq.heappop(delayed)
                    heapq.heappush(ready, (neg_priority, seq, task_id))
                if ready:
                    _, _, task_id = heapq.heappop(ready)
                    self._manager.run([task_id])
                elif delayed:
                    # Wakes early on any task change (a cancel), so a revoked retry is not waited for.
                    waiting = [d[3] for d in delayed]
                    self._manager.wait_for_change(delayed[0][0] - now, self._still_waiting(waiting))
                    delayed[:] = [d for d in delayed if self._manager.awaits_retry(d[3])]
                    heapq.heapify(delayed)
        finally:
            self._local.draining = False
            ready.clear()
            delayed.clear()

    def _still_waiting(self, task_ids: list[str]) -> Callable[[], bool]:
        return lambda: all(map(self._manager.awaits_retry, task_ids))

    def shutdown(self, timeout: float) -> bool:
        self._stopping = True
        return True
