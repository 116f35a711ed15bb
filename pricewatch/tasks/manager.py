"""The TaskManager: submit, cancel, retry, wait, recover on start, shut down cleanly.

It owns the events (plain hub and Qt signals), the executor, and the timer thread for delayed retries. Task
rows live in SQLite from the moment they are queued (``services.task_records``); the manager keeps in memory
only what is running now (their contexts, for cancel) and the executor's queues, which recovery can rebuild
from the rows.

Semantics chosen here:
- Ownership: every unfinished row names the engine (process) that queued or runs it, with a lease the engine
  renews every heartbeat (one UPDATE for all its rows; ``[tasks] lease_seconds`` and ``heartbeat_seconds``);
  see :mod:`pricewatch.tasks.owner` for when an owner counts as gone (its process ended, or its lease expired
  on another host). A row of a live owner is never run by another engine; a row whose owner is gone, or that
  was handed back (no owner), is taken over by the next engine that looks.
- Dedup: a submit with the unique key of an open (PENDING/STARTED/RETRY) task returns that task's id while
  its owner lives. When the owner is gone the submitter adopts the row (it becomes the new submitter's task,
  a child of its batch) and runs it; a RETRY row keeps its time.
- Cancel: PENDING/RETRY -> REVOKED at once; STARTED -> the cancel flag (REVOKED when the task notices; a task
  run by another process is marked REVOKED in the row; that process notices within a second, or at its next
  progress write); a parent's open children are cancelled with it. Cancelled tasks are never retried.
- Retry of a FAILURE/REVOKED task queues a new task (new id, same name, arguments, priority and unique key),
  so the failed row stays as a record of what happened.
- Batches: a task that queued children ends when they all have: FAILURE if every child failed, otherwise
  SUCCESS with ``{"value", "total", "succeeded", "failed", "revoked"}``; its progress is finished/total
  children. A re-run parent (retry, recovery) does not queue a child again that it queued before (same name
  and arguments).
- Recovery on start, and every heartbeat while a started engine runs: rows whose owner is gone are taken
  over: PENDING and STARTED rows run again (STARTED goes back to PENDING first), RETRY rows keep their eta,
  a parent whose function had returned just waits for its children. Rows of live owners (another engine, a
  ``pricewatch check`` in progress) are left to them, so several engines can share one database.
- Retry wait cap (``retry_wait_cap``, set by one-shot commands): a retry due later than the cap is not
  waited for; the row stays RETRY with its eta and no owner, for the next engine (serve, the window, the
  next ``check``) to run when it is due.
- Shutdown: no new work starts; running tasks get the cancel flag and, when they stop for it, go back to
  PENDING (not REVOKED: the user did not ask); then the engine hands back its unfinished rows (no owner), so
  the next engine runs them at once (after Ctrl+C of ``pricewatch check`` too).
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pricewatch.errors import NotFoundError
from pricewatch.models import TaskRecord, TaskState, utcnow
from pricewatch.storage.codec import json_to_db
from pricewatch.tasks import builtin as _builtin  # noqa: F401 - registers the built-in tasks
from pricewatch.tasks import owner as ownership
from pricewatch.tasks import registry
from pricewatch.tasks.context import TaskContext
from pricewatch.tasks.events import EventHub, TaskEvent
from pricewatch.tasks.executors import Executor, SyncExecutor
from pricewatch.tasks.retry import RetryPolicy
from pricewatch.tasks.runner import WAITING, Runner
from pricewatch.tasks.signals import TaskSignals
from pricewatch.tasks.threadpool import ThreadExecutor
from pricewatch.tasks.timer import DelayTimer

if TYPE_CHECKING:
    from pricewatch.tasks.services import TaskServices

log = logging.getLogger(__name__)

# "celery": the engine runs tasks on its threads as with "threads"; the page reads of checks go to Celery
# workers (the facade hands the tasks a reader that sends them, see pricewatch.tasks.celery).
EXECUTORS = ("threads", "sync", "celery")
OPEN = (TaskState.PENDING, TaskState.RETRY)
REVOKE_POLL = 1.0  # seconds; how soon a running task notices that another process cancelled it
WAIT_POLL = 0.5  # seconds; a wait also re-reads the row this often (another process may run the task)


class TaskManager:
    """Runs registered tasks through an executor and journals every step.

    Attributes:
        signals: the one :class:`TaskSignals` QObject (GUI).
        hub: the plain-Python :class:`EventHub` (API, CLI).
    """

    def __init__(self, services: TaskServices, executor: str | None = None) -> None:
        self.services = services
        self.records = services.task_records
        options = services.settings.tasks
        self.executor_name = executor or options.executor
        if self.executor_name not in EXECUTORS:
            raise ValueError(f"unknown executor {self.executor_name!r} (use threads, sync or celery)")
        self.retry_policy = RetryPolicy(
            options.max_retries, options.retry_base_delay, options.retry_max_delay
        )
        self.default_max_retries = options.max_retries
        self.hub = EventHub()
        self.signals = TaskSignals()
        self.running: dict[str, TaskContext] = {}
        self.stopping = False
        self._started = False
        self._rerun: set[str] = set()
        # Tasks whose run failed before or after their body (the journal was locked, the disk full): their
        # rows may still say STARTED under our name, which no sweep takes over while we live, and their
        # unique key would merge every later check into them. The heartbeat queues them again.
        self._stranded: set[str] = set()
        # Ids: 64 random bits per manager + a counter (32 hex digits like a UUID): unique across runs and
        # processes without a system call per task (os.urandom per id showed up in the profile).
        self._id_prefix = os.urandom(8).hex()
        self._id_counter = itertools.count(int.from_bytes(os.urandom(4), "big") << 16)
        self.parents: set[str] = set()  # tasks given children in this process (until they finish)
        self._change = threading.Condition()
        # Who waits for what, so a finishing task wakes only the waiters it concerns (registered under
        # _change, read without it: a waiter registers before it reads the row, so no wake-up is lost).
        self._watched: dict[str, int] = {}
        self._watch_any = 0
        self._lock = threading.Lock()
        self._timer: DelayTimer | None = None
        self._runner = Runner(self)
        self.owner = ownership.new_owner()
        self.lease = ownership.Lease.from_settings(options)  # how long our hold on rows lasts, renewal period
        # None: retries are waited for; seconds: a retry due later is left for the next engine (one-shot CLI).
        self.retry_wait_cap: float | None = None
        self._beat: threading.Thread | None = None
        self._beat_stop = threading.Event()
        self.executor: Executor
        if self.executor_name == "sync":
            self.executor = SyncExecutor(self)
        else:
            scraping = options.scraping_concurrency
            if self.executor_name == "celery":  # checks wait on workers: as many in flight as they may take
                scraping = max(scraping, options.celery_in_flight)
            self.executor = ThreadExecutor(
                self,
                {
                    "default": options.default_concurrency,
                    "scraping": scraping,
                    "notifications": options.notifications_concurrency,
                },
            )

    @property
    def threaded(self) -> bool:
        """Whether tasks run on the engine's thread pools (threads, celery), not inline."""
        return self.executor_name != "sync"

    # -- events -------------------------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[TaskEvent], Any]) -> Callable[[], None]:
        return self.hub.subscribe(callback)

    def emit_changed(self, task_id: str, state: TaskState) -> None:
        """Tell listeners, then wake waiters (so a returning wait_for_task finds the listeners told)."""
        if self.hub.active:
            self.hub.publish(TaskEvent("changed", task_id, str(state)))
        if self.signals.listened("task_changed"):
            self.signals.task_changed.emit(task_id, str(state))
        if (state.is_final or state is TaskState.RETRY) and (self._watch_any or task_id in self._watched):
            with self._change:
                self._change.notify_all()

    def emit_progress(self, task_id: str, current: int, total: int, message: str) -> None:
        if self.hub.active:
            self.hub.publish(TaskEvent("progress", task_id, "", current, total, message))
        if self.signals.listened("task_progress"):
            self.signals.task_progress.emit(task_id, current, total, message)

    def write_progress(self, task_id: str, current: int, total: int, message: str) -> bool:
        """Journal progress of a running task; False when the row is no longer STARTED."""
        return self.records.set_state(
            task_id, (TaskState.STARTED,),
            progress_current=current, progress_total=total, progress_message=message,
        )  # fmt: skip

    def note_worker(self, task_id: str, worker: str) -> None:
        """Journal the worker that runs part of a task (the row must still be ours and STARTED)."""
        if self.records.set_state(task_id, (TaskState.STARTED,), held_by=self.owner, worker=worker[:200]):
            if self.hub.active:
                self.hub.publish(TaskEvent("changed", task_id, str(TaskState.STARTED)))
            if self.signals.listened("task_changed"):
                self.signals.task_changed.emit(task_id, str(TaskState.STARTED))

    def wait_for_change(self, timeout: float, still: Callable[[], bool] = lambda: True) -> None:
        """Sleep until a task becomes final or RETRY, or ``timeout``; returns at once unless ``still()``.

        ``still`` is checked under the condition's lock, so a change made just before cannot be missed.
        """
        with self._change:
            self._watch_any += 1
            try:
                if still() and not self.stopping:
                    self._change.wait(max(0.0, timeout))
            finally:
                self._watch_any -= 1

    # -- life cycle ---------------------------------------------------------------------------------------
    def start(self) -> int:
        """Queue again what an earlier run left unfinished (once); returns how many tasks were recovered."""
        with self._lock:
            if self._started:
                return 0
            self._started = True
        count = self.sweep()
        self._start_heartbeat()
        return count

    def sweep(self) -> int:
        """Take over the unfinished rows whose owner is gone; returns how many."""
        count = 0
        now = utcnow()
        lease = self.lease.until(now)
        alive: dict[str | None, bool] = {}  # per owner (one process lookup each, not one per row)
        for record, holder, held_until in self.records.unfinished_owned(besides=self.owner):
            if record.id in self.running:
                continue
            if holder not in alive:  # an owner renews all its leases at once: one answer per owner
                alive[holder] = ownership.is_alive(holder, held_until, now)
            if alive[holder]:
                continue  # another engine runs it (never run a live process's task twice)
            waiting = isinstance(record.result, dict) and record.result.get(WAITING)
            changes: dict[str, Any] = {}
            if record.state is TaskState.STARTED and not waiting:
                changes = {"state": TaskState.PENDING, "started_at": None}
            if not self.records.take(record.id, record.state, holder, self.owner, lease, **changes):
                continue  # someone else was quicker
            count += 1
            if record.state is TaskState.RETRY:
                self._resume_retry(record)
                continue
            if waiting:
                self._runner.maybe_finish_parent(record.id)  # its children are recovered on their own
                continue
            log.info("recovering task %s %s", record.id, record.name)
            self._rerun.add(record.id)
            self.executor.dispatch(record.queue, record.priority, record.id)
        return count

    def _resume_retry(self, record: TaskRecord) -> None:
        delay = 0.0 if record.eta is None else (record.eta - utcnow()).total_seconds()
        self._rerun.add(record.id)
        if self.defers(delay):
            self.records.take(record.id, TaskState.RETRY, self.owner, None, None)
            self.emit_changed(record.id, TaskState.RETRY)
            return
        self.schedule_retry(record.queue, record.priority, record.id, max(0.0, delay))

    def defers(self, delay: float) -> bool:
        """Whether a retry ``delay`` seconds away is left to the next engine (one-shot commands)."""
        return self.retry_wait_cap is not None and delay > self.retry_wait_cap

    # -- leases ---------------------------------------------------------------------------------------------
    def _start_heartbeat(self) -> None:
        with self._lock:
            if self._beat is not None or self.stopping:
                return
            self._beat = threading.Thread(target=self._heartbeat, name="pricewatch-task-lease", daemon=True)
        self._beat.start()

    def _heartbeat(self) -> None:
        """Renew our leases; a started (long-running) engine also takes over rows whose owner died.

        Between beats, every ``REVOKE_POLL`` seconds, running tasks whose rows another process revoked (a
        cancel from the window while ``serve`` runs them) get their cancel flag: a task that reports no
        progress would otherwise finish its work before noticing.
        """
        next_beat = time.monotonic() + self.lease.heartbeat
        while not self._beat_stop.wait(min(REVOKE_POLL, self.lease.heartbeat)):
            try:
                self._notice_outside_cancels()
                if self._stranded and not self.stopping:
                    self.requeue_stranded()
                if time.monotonic() < next_beat:
                    continue
                next_beat = time.monotonic() + self.lease.heartbeat
                self.records.renew(self.owner, self.lease.until(utcnow()))
                if self._started and not self.stopping and self.threaded:
                    self.sweep()  # (a sync engine would run what it finds on this thread)
            except Exception:
                log.exception("task lease renewal failed")

    def _notice_outside_cancels(self) -> None:
        running = list(self.running.items())
        if not running:
            return
        revoked = self.records.revoked_among([task_id for task_id, _ in running])
        for task_id, ctx in running:
            if task_id in revoked:
                ctx.cancel("user")

    def take_rerun(self, task_id: str) -> bool:
        with self._lock:
            if task_id in self._rerun:
                self._rerun.discard(task_id)
                return True
        return False

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Stop accepting work, ask running tasks to stop, wait for them (up to ``timeout`` seconds).

        Running tasks that stop because of the shutdown go back to PENDING; queued and waiting rows stay as
        they are; the next start recovers all of them. Returns True when every worker thread ended.
        """
        self.stopping = True
        for ctx in list(self.running.values()):
            ctx.cancel("shutdown")
        with self._change:
            self._change.notify_all()
        done = self.executor.shutdown(timeout)
        if self._timer is not None:
            self._timer.stop(timeout)
        self._beat_stop.set()
        if self._beat is not None and self._beat is not threading.current_thread():
            self._beat.join(timeout)
        # Hand our rows back (tasks still running on a stuck worker stay ours until this process ends).
        try:
            self.records.release(self.owner, keep=list(self.running))
        except Exception:
            log.exception("could not hand back the unfinished tasks")
        ownership.retire(self.owner)
        if not done:
            log.warning(
                "task workers still running after %.0f s; their rows are recovered next start", timeout
            )
        return done

    # -- submitting ---------------------------------------------------------------------------------------
    def submit(
        self,
        name: str,
        *,
        kwargs: dict[str, Any] | None = None,
        priority: int = 0,
        unique_key: str | None = None,
        parent_id: str | None = None,
        reuse_child: bool = False,
    ) -> str:
        """Journal a task and queue it; returns its id (or the id of the open task with ``unique_key``)."""
        spec = registry.lookup(name)
        kwargs = dict(kwargs or {})
        if kwargs:
            try:
                json_to_db(kwargs)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"task arguments must be JSON: {exc}") from None
        if reuse_child and parent_id:
            existing = self.records.find_child(parent_id, name, kwargs)
            if existing is not None:
                return existing
        record = TaskRecord(
            id=f"{self._id_prefix}{next(self._id_counter):016x}", name=name, kwargs=kwargs, queue=spec.queue,
            priority=int(priority),
            parent_id=parent_id, unique_key=unique_key or None,
            max_retries=self.default_max_retries if spec.max_retries is None else spec.max_retries,
        )  # fmt: skip
        if parent_id:
            self.parents.add(parent_id)
        self._start_heartbeat()
        while True:
            stored = self.records.insert(record, self.owner, self.lease.until(utcnow()))
            if stored.id == record.id:
                break
            adopted = self._adopt(stored, parent_id)
            if adopted is not None:
                return stored.id  # dedup: the open task with this unique key (ours now if adopted)
        if self.hub.active:
            self.hub.publish(TaskEvent("added", record.id, str(TaskState.PENDING)))
        if self.signals.listened("task_added"):
            self.signals.task_added.emit(record.id)
        if not self.stopping:  # after shutdown the row waits for the next start
            self.executor.dispatch(spec.queue, record.priority, record.id)
        return record.id

    def _adopt(self, record: TaskRecord, parent_id: str | None) -> bool | None:
        """Dedup met ``record``: True when we took it over (its owner is gone), False when its owner lives,
        None when it changed meanwhile (insert again)."""
        holder, held_until = self.records.ownership(record.id)
        now = utcnow()
        if holder == self.owner or ownership.is_alive(holder, held_until, now):
            return False
        waiting = isinstance(record.result, dict) and record.result.get(WAITING)
        changes: dict[str, Any] = {}
        if parent_id and parent_id != record.parent_id:
            changes["parent_id"] = parent_id  # it becomes a child of the batch that asked for it
        if record.state is TaskState.STARTED and not waiting:
            changes.update(state=TaskState.PENDING, started_at=None)
        if not self.records.take(
            record.id, record.state, holder, self.owner, self.lease.until(now), **changes
        ):
            return None
        log.info("taking over task %s %s (its process ended)", record.id, record.name)
        self._rerun.add(record.id)
        old_parent = record.parent_id
        if "parent_id" in changes and old_parent:
            self._orphan_parent_lost_child(old_parent)
        if record.state is TaskState.RETRY:
            self._resume_retry(record)
        elif waiting:
            self._runner.maybe_finish_parent(record.id)
        elif not self.stopping:
            self.executor.dispatch(record.queue, record.priority, record.id)
        return True

    def _orphan_parent_lost_child(self, parent_id: str) -> None:
        """A child moved to a new batch: its old batch, when its process is gone, does not run it again."""
        parent = self.records.get(parent_id)
        if parent is None or parent.state.is_final:
            return
        holder, held_until = self.records.ownership(parent_id)
        if holder == self.owner or ownership.is_alive(holder, held_until, utcnow()):
            self._runner.child_finished(parent_id)
            return
        waiting = isinstance(parent.result, dict) and parent.result.get(WAITING)
        if waiting and self.records.children_counts(parent_id):
            self._runner.child_finished(parent_id)  # finishes with the children it still has
            return
        # All its children moved, or its function died half-way (re-running it would queue them again).
        if self.records.set_state(
            parent_id, (TaskState.STARTED, TaskState.PENDING), state=TaskState.REVOKED,
            error="its process ended; its checks were taken over by a later run", error_kind="orphaned",
            finished_at=utcnow(),
        ):  # fmt: skip
            self.emit_changed(parent_id, TaskState.REVOKED)

    def step_aside(self, queue: str) -> bool:
        """See :meth:`TaskContext.off_queue`."""
        return self.executor.step_aside(queue)

    def step_back(self, queue: str) -> None:
        self.executor.step_back(queue)

    def run(self, task_ids: list[str]) -> None:
        """Run queued tasks now, one after another on this thread (executors call this)."""
        try:
            self._runner.run(task_ids)
        except Exception:
            log.exception("the journal failed around tasks %s; they run again shortly", task_ids)
            with self._lock:
                self._stranded.update(task_ids)
            self._start_heartbeat()

    def requeue_stranded(self) -> int:
        """Queue again the tasks whose run failed outside their body; returns how many were queued.

        A row left STARTED goes back to PENDING; a row that ended meanwhile (or that another engine took)
        is let go. A task whose row cannot be read now stays for the next beat.
        """
        with self._lock:
            stranded, self._stranded = self._stranded, set()
        queued = 0
        for task_id in stranded:
            try:
                record = self.records.get(task_id)
                if record is None or record.state.is_final or task_id in self.running:
                    continue
                if record.state is TaskState.STARTED and not self.records.take(
                    task_id, TaskState.STARTED, self.owner, self.owner, self.lease.until(utcnow()),
                    state=TaskState.PENDING, started_at=None,
                ):  # fmt: skip
                    continue
                if not self.threaded:
                    # An inline engine would run it on the heartbeat thread: hand it to the next engine.
                    self.records.take(task_id, TaskState.PENDING, self.owner, None, None)
                elif record.state is TaskState.RETRY:
                    self._resume_retry(record)
                elif not self.stopping:
                    self._rerun.add(task_id)
                    self.executor.dispatch(record.queue, record.priority, task_id)
                queued += 1
            except Exception:
                log.exception("task %s could not be queued again yet", task_id)
                with self._lock:
                    self._stranded.add(task_id)
        return queued

    def schedule_retry(self, queue: str, priority: int, task_id: str, delay: float) -> None:
        if self.stopping or self.executor.dispatch_later(queue, priority, task_id, delay):
            return
        with self._lock:
            if self._timer is None:
                self._timer = DelayTimer(self._timer_fired)
            timer = self._timer
        timer.schedule(task_id, delay)

    def _timer_fired(self, task_id: str) -> None:
        record = self.records.get(task_id)
        if record is not None and record.state is TaskState.RETRY and not self.stopping:
            self.executor.dispatch(record.queue, record.priority, task_id)

    def holds(self, task_id: str) -> bool:
        """Whether this engine still runs the task (another may have taken it over after our lease lapsed)."""
        return self.records.holds(task_id, self.owner)

    def awaits_retry(self, task_id: str) -> bool:
        return self.records.state_of(task_id) is TaskState.RETRY

    # -- control ------------------------------------------------------------------------------------------
    def get(self, task_id: str) -> TaskRecord:
        record = self.records.get(task_id)
        if record is None:
            raise NotFoundError(f"no task with id {task_id}")
        return record

    def cancel(self, task_id: str) -> TaskRecord:
        """Queued or waiting -> REVOKED at once; running -> cooperative cancel flag; children go too."""
        record = self.get(task_id)
        if record.state.is_final:
            return record
        if record.state in OPEN and self.records.set_state(
            task_id,
            OPEN,
            state=TaskState.REVOKED,
            error="cancelled",
            error_kind="cancelled",
            finished_at=utcnow(),
        ):
            if self._timer is not None:
                self._timer.cancel(task_id)
            self._revoked(record)
        else:
            ctx = self.running.get(task_id)
            if ctx is not None:
                ctx.cancel("user")
            elif self.records.set_state(
                task_id,
                (TaskState.STARTED,),
                state=TaskState.REVOKED,
                error="cancelled",
                error_kind="cancelled",
                finished_at=utcnow(),
            ):
                # A batch waiting for its children, or a task another process runs (its heartbeat thread
                # sees the revoked row within REVOKE_POLL and sets the cancel flag).
                self._revoked(record)
        self.cancel_children(task_id)
        return self.get(task_id)

    def cancel_children(self, task_id: str) -> None:
        for child_id, _ in self.records.open_children(task_id):
            self.cancel(child_id)

    def _revoked(self, record: TaskRecord) -> None:
        self._runner.forget(record.id)
        self.take_rerun(record.id)
        self.emit_changed(record.id, TaskState.REVOKED)
        if record.parent_id:
            self._runner.child_finished(record.parent_id)

    def retry(self, task_id: str) -> str:
        """Queue a failed or revoked task again, as a new task with the same name and arguments."""
        record = self.get(task_id)
        if record.state not in (TaskState.FAILURE, TaskState.REVOKED):
            raise ValueError(f"only failed or revoked tasks can be retried; {task_id} is {record.state}")
        return self.submit(
            record.name, kwargs=record.kwargs, priority=record.priority, unique_key=record.unique_key
        )

    def wait(
        self, task_id: str, timeout: float | None = None, include_descendants: bool = True
    ) -> TaskRecord:
        """Block until the task (and, by default, every task below it) is final or ``timeout`` passes.

        Returns the record as it is then; check ``record.state.is_final`` after a timeout.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._change:
            # The task itself first: until it is final, its descendants' changes cannot end the wait, and a
            # batch's waiter woken by each of 10,000 finishing children read the batch's row 10,000 times.
            self._watch(task_id, +1)
            watching_all = False  # every task's change too: the task is final, some descendant is not
            try:
                while True:
                    # The state alone until it is final: the whole record (its arguments and result: 10,000
                    # product ids for a big check) is read once, at the end.
                    state = self.records.state_of(task_id)
                    if state is None:
                        raise NotFoundError(f"no task with id {task_id}")
                    if state.is_final:
                        if not include_descendants:
                            return self.get(task_id)  # a final state is the last one
                        if not watching_all:  # registered before the count, so no wake-up is lost
                            self._watch_any += 1
                            watching_all = True
                        if self.records.open_descendants(task_id) == 0:
                            return self.get(task_id)
                    remaining = WAIT_POLL if deadline is None else min(WAIT_POLL, deadline - time.monotonic())
                    if remaining <= 0:
                        return self.get(task_id)
                    self._change.wait(remaining)
            finally:
                self._watch(task_id, -1)
                if watching_all:
                    self._watch_any -= 1

    def _watch(self, task_id: str, delta: int) -> None:
        count = self._watched.get(task_id, 0) + delta
        if count:
            self._watched[task_id] = count
        else:
            self._watched.pop(task_id, None)
