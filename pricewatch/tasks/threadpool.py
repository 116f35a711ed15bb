"""The QThreadPool executor: one pool per queue, each with the queue's concurrency limit."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time

from PySide6.QtCore import QRunnable, QThreadPool

from pricewatch.storage.journal_lock import mark_background
from pricewatch.tasks.executors import Dispatcher, _Item
from pricewatch.tasks.timer import DelayTimer

log = logging.getLogger(__name__)

MAX_TAKE = 32  # tasks a worker takes at once from a queue of quick tasks
QUICK_TASK = 0.01  # seconds: quicker tasks are bookkeeping, not network work
BACKLOG = 64  # queued quick tasks that justify waking another worker
LINGER = 0.005  # seconds a worker of a quick queue waits for more work before it returns to the pool
# Seconds a worker of a quick queue that finds fewer tasks than it would take waits for more. Without it a
# worker keeping pace with a submitter runs one or two tasks per claim+commit and slows the submitter too
# (the two alternate on the journal lock and the GIL): half the throughput of one taking them in groups.
GATHER = 0.002


class _QueueRunnable(QRunnable):
    """Drains one queue's heap on a pool thread. Holds only the queue name and its executor.

    One instance per queue, never auto-deleted, started up to ``concurrency`` times at once (Qt allows a
    runnable that is not auto-deleted to run several times); the executor keeps it for its whole life, so
    Python never frees it while a pool thread is inside ``run``.
    """

    def __init__(self, executor: ThreadExecutor, queue: str) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self._executor = executor
        self._queue = queue

    def run(self) -> None:
        self._executor.drain(self._queue)


class ThreadExecutor:
    """One QThreadPool per queue, each with the queue's concurrency limit.

    Waking workers: a queue whose tasks are slow (network) gets a worker per queued task up to its limit.
    A queue whose recent tasks were quick (under a millisecond, e.g. bookkeeping) is served by the workers
    already awake, which take them in groups; more wake only when a backlog builds up. Under the GIL, extra
    threads for sub-millisecond tasks only add contention.
    """

    name = "threads"

    def __init__(self, manager: Dispatcher, concurrency: dict[str, int]) -> None:
        self._manager = manager
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._limits = {q: max(1, n) for q, n in concurrency.items()}
        self._heaps: dict[str, list[_Item]] = {q: [] for q in concurrency}
        self._active: dict[str, int] = dict.fromkeys(concurrency, 0)
        self._seconds_per_task: dict[str, float | None] = dict.fromkeys(concurrency)  # moving average
        # A worker of a quick queue lingers a moment when the queue runs dry; new work then wakes it with a
        # notify instead of a pool.start, which costs the submitting thread far more under the GIL.
        self._more = {q: threading.Condition(self._lock) for q in concurrency}
        self._lingering: dict[str, int] = dict.fromkeys(concurrency, 0)
        # Queued tasks that wake a lingering worker (more than one while a worker gathers a group).
        self._wake_at: dict[str, int] = dict.fromkeys(concurrency, 1)
        # Workers inside a batch (thread id -> when it began): a quick queue whose every worker has been
        # stuck in one task for long gets another worker; a timer re-checks soon after a dispatch that
        # did not wake one, so a task queued just as a slow one began does not wait for it.
        self._busy: dict[str, dict[int, float]] = {q: {} for q in concurrency}
        self._recheck_due: set[str] = set()
        self._timer: DelayTimer | None = None
        # Workers standing aside: waiting for work that needs no slot of their queue (step_aside).
        self._aside: dict[str, int] = dict.fromkeys(concurrency, 0)
        self._pools: dict[str, QThreadPool] = {}
        self._runnables: dict[str, _QueueRunnable] = {}
        self._stopping = False

    def _pool(self, queue: str) -> QThreadPool:
        pool = self._pools.get(queue)
        if pool is None:
            pool = QThreadPool()
            pool.setObjectName(f"pricewatch-{queue}")
            pool.setMaxThreadCount(self._limits[queue])
            # Idle threads are kept (never expire): each holds one SQLite connection, and a thread that
            # expired would leave its connection open until Database.close(); this bounds them to the limit.
            pool.setExpiryTimeout(-1)
            self._pools[queue] = pool
            self._runnables[queue] = _QueueRunnable(self, queue)
        return pool

    def dispatch(self, queue: str, priority: int, task_id: str) -> None:
        with self._lock:
            if self._stopping:
                return  # the row stays PENDING and is recovered on the next start
            heap = self._heaps[queue]
            heapq.heappush(heap, (-priority, next(self._seq), task_id))
            if self._lingering[queue]:
                if len(heap) >= self._wake_at[queue]:
                    self._more[queue].notify()
                return
            worker = self._another_worker(queue, len(heap))
        if worker is not None:
            worker[0].start(worker[1])

    def _another_worker(self, queue: str, queued: int) -> tuple[QThreadPool, _QueueRunnable] | None:
        """With the lock held: count in one more worker for ``queue`` when it should have one (the caller
        starts it after releasing the lock), or look again in a moment."""
        if not self._wake_another(queue, queued):
            self._recheck_later(queue)
            return None
        self._active[queue] += 1
        return self._pool(queue), self._runnables[queue]

    def _recheck_later(self, queue: str) -> None:
        """With the lock held: look again in a moment if every worker of the queue is inside a batch."""
        if queue in self._recheck_due or not self._active[queue]:
            return
        if len(self._busy[queue]) < self._active[queue]:
            return  # a worker between batches takes the new task
        self._recheck_due.add(queue)
        if self._timer is None:
            self._timer = DelayTimer(self._recheck, name="pricewatch-wake-timer")
        self._timer.schedule(queue, QUICK_TASK)

    def _recheck(self, queue: str) -> None:
        with self._lock:
            self._recheck_due.discard(queue)
            if self._stopping or not self._heaps[queue]:
                return
            worker = self._another_worker(queue, len(self._heaps[queue]))
        if worker is not None:
            worker[0].start(worker[1])

    def _quick(self, queue: str) -> bool:
        average = self._seconds_per_task[queue]
        return average is not None and average < QUICK_TASK

    def _surplus(self, queue: str, queued: int) -> bool:
        """Whether a worker (between batches) should retire: quick tasks, a short queue, and another worker
        awake that is not stuck in a slow task."""
        if not (self._quick(queue) and self._active[queue] > 1 and queued <= BACKLOG):
            return False
        return len(self._busy[queue]) < self._active[queue] - 1 or not self._stuck(queue)

    def _stuck(self, queue: str) -> bool:
        """Whether every worker inside a batch has been there longer than a quick task takes."""
        now = time.monotonic()
        return all(now - began >= QUICK_TASK for began in self._busy[queue].values())

    def _wake_another(self, queue: str, queued: int) -> bool:
        """Whether to start one more worker (called with the lock held)."""
        active = self._active[queue]
        if active >= self._limits[queue]:
            return False
        if active == 0 or not self._quick(queue) or queued > BACKLOG:
            return True
        if len(self._busy[queue]) < active:
            return False  # a worker between batches (or lingering) takes it
        return self._stuck(queue)

    def dispatch_later(self, queue: str, priority: int, task_id: str, delay: float) -> bool:
        return False  # the manager's timer thread calls dispatch() when the time comes

    def step_aside(self, queue: str) -> bool:
        """The calling worker of ``queue`` waits for work that takes no slot of the queue (a page's
        extraction in another process, while the slot stands for a connection): count it out, so the queue's
        next task starts meanwhile. Returns whether it did; then call :meth:`step_back` when the wait ends.

        At most the queue's limit of workers stand aside at once (so at most twice the limit run): beyond,
        a worker keeps its slot and the queue waits for the work it hands on.
        """
        with self._lock:
            pool = self._pools.get(queue)
            if pool is None or self._stopping or self._aside[queue] >= self._limits[queue]:
                return False
            self._aside[queue] += 1
            self._active[queue] -= 1
            heap = self._heaps[queue]
            worker = self._another_worker(queue, len(heap)) if heap else None
        pool.releaseThread()  # room for one more thread while this one waits
        if worker is not None:
            worker[0].start(worker[1])
        return True

    def step_back(self, queue: str) -> None:
        """The end of a :meth:`step_aside`: the worker counts again (for a moment one over the limit: it
        leaves after its task when the queue is full)."""
        with self._lock:
            self._aside[queue] -= 1
            self._active[queue] += 1
            pool = self._pools[queue]
        pool.reserveThread()

    def drain(self, queue: str) -> None:
        """Run the queue's tasks until it is empty.

        Quick tasks are taken several at a time (claimed in one statement, successes committed together):
        the take doubles while tasks finish in under a millisecond and drops back to one as soon as one does
        not, so slow tasks are taken singly and priorities stay exact for them.
        """
        heap = self._heaps[queue]
        me = threading.get_ident()
        mark_background()  # journal writes of pool threads give way to the API's and the window's
        take = 1
        while True:
            with self._lock:
                woken = False
                if not heap and not self._stopping and self._quick(queue):
                    self._lingering[queue] += 1
                    woken = self._more[queue].wait(LINGER)
                    self._lingering[queue] -= 1
                if 0 < len(heap) < take and self._wake_at[queue] == 1 and self._quick(queue):
                    # Fewer quick tasks than it would take: wait a moment for more, to take them as a group
                    # (a stopping executor has emptied its heaps: no wait then).
                    self._wake_at[queue] = take
                    self._lingering[queue] += 1
                    self._more[queue].wait(GATHER)
                    self._lingering[queue] -= 1
                    self._wake_at[queue] = 1
                # A worker woken for new work takes it (dispatch started no other for it). One back from
                # standing aside while another took its slot leaves.
                over = self._active[queue] > self._limits[queue]
                if self._stopping or not heap or over or (not woken and self._surplus(queue, len(heap))):
                    self._active[queue] -= 1
                    return
                count = min(take, len(heap))
                task_ids = [heapq.heappop(heap)[2] for _ in range(count)]
                began = time.monotonic()
                self._busy[queue][me] = began
            try:
                self._manager.run(task_ids)
            except Exception:  # run() records failures itself; this is a bug in the engine
                log.exception("tasks %s crashed the worker", task_ids)
            per_task = (time.monotonic() - began) / count
            quick = per_task < QUICK_TASK
            take = min(MAX_TAKE, take * 2) if quick else 1
            with self._lock:
                self._busy[queue].pop(me, None)
                average = self._seconds_per_task[queue]
                self._seconds_per_task[queue] = (
                    per_task if average is None else 0.8 * average + 0.2 * per_task
                )
                # Tasks turned slow while others wait: wake the workers the quick tasks did not need.
                helpers = 0
                while heap and self._wake_another(queue, len(heap) - helpers) and helpers < len(heap):
                    self._active[queue] += 1
                    helpers += 1
            for _ in range(helpers):
                self._pool(queue).start(self._runnables[queue])

    def queued(self, queue: str) -> int:
        with self._lock:
            return len(self._heaps[queue])

    def shutdown(self, timeout: float) -> bool:
        """Stop handing out work, then wait for running tasks; True when every pool thread has exited."""
        with self._lock:
            self._stopping = True
            for heap in self._heaps.values():
                heap.clear()
            for more in self._more.values():
                more.notify_all()
            timer, self._timer = self._timer, None
        if timer is not None:
            timer.stop(timeout)
        deadline = time.monotonic() + timeout
        done = True
        for pool in self._pools.values():
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            # waitForDone also removes the pool's idle threads, so none is left behind.
            done = pool.waitForDone(remaining) and done
        return done
