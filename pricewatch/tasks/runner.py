"""Running one task: claim its row, call the function, journal the outcome, and finish batch parents.

Every transition is a conditional UPDATE (only from the states it may come from), so a cancel racing a finish,
or a child and its parent finishing at once, can never both win.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from pricewatch.errors import ScrapeError
from pricewatch.models import TaskRecord, TaskState, utcnow
from pricewatch.storage.codec import json_to_db
from pricewatch.tasks import registry
from pricewatch.tasks.context import ContextHost, TaskContext
from pricewatch.tasks.events import ProgressThrottle
from pricewatch.tasks.retry import Outcome, classify

if TYPE_CHECKING:
    from pricewatch.storage import TaskRepository
    from pricewatch.tasks.owner import Lease
    from pricewatch.tasks.retry import RetryPolicy

log = logging.getLogger(__name__)

STARTED = (TaskState.STARTED,)
MAX_ERROR_CHARS = 2000
WAITING = "waiting_for_children"  # key in a parent's result while its function has returned and children run
GROUP_COMMIT_WINDOW = 0.002  # seconds: successes finishing within this window share one commit


class RunnerHost(ContextHost, Protocol):
    """What running a task needs from the engine (the TaskManager): its journal, identity and events."""

    records: TaskRepository
    owner: str
    lease: Lease
    retry_policy: RetryPolicy
    parents: set[str]
    running: dict[str, TaskContext]
    stopping: bool

    def emit_changed(self, task_id: str, state: TaskState) -> None: ...

    def cancel_children(self, task_id: str) -> None: ...

    def defers(self, delay: float) -> bool: ...

    def schedule_retry(self, queue: str, priority: int, task_id: str, delay: float) -> None: ...

    def take_rerun(self, task_id: str) -> bool: ...


def error_facts(exc: BaseException) -> dict[str, Any]:
    """The row's structured error: kind, HTTP status and the shop's Retry-After (what front ends read)."""
    status, retry_after = getattr(exc, "status", None), getattr(exc, "retry_after", None)
    return {
        "error_kind": str(getattr(exc, "kind", "") or type(exc).__name__)[:100],
        "error_status": status if isinstance(status, int) else None,
        "error_retry_after": float(retry_after) if isinstance(retry_after, int | float) else None,
    }


def short_error(exc: BaseException) -> str:
    """The row's message: an expected scrape fault says it alone (its kind is in ``error_kind``); anything
    else is named by its class, which ``error_kind`` repeats."""
    if isinstance(exc, ScrapeError) and str(exc):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else "?" for ch in text)
    return text[:MAX_ERROR_CHARS]


class Runner:
    """The executor-independent part of running a task (called on a pool thread or inline)."""

    def __init__(self, manager: RunnerHost) -> None:
        self.m = manager
        self._parent_throttles: dict[str, tuple[ProgressThrottle, ProgressThrottle]] = {}
        self._progress_lock = threading.Lock()

    # -- tries ----------------------------------------------------------------------------------------------
    def run(self, task_ids: list[str]) -> None:
        """Claim the tasks (one statement) and run them one after another on this thread.

        Successes of quick tasks are journaled together (one commit per ~2 ms of work instead of one per
        task); a slow task's success is written as soon as it returns. Waiters and events hear of a success
        only after its row is committed.
        """
        m = self.m
        now = utcnow()
        records = m.records.claim_many(task_ids, now, m.owner, m.lease.until(now))
        contexts = []
        for record in records:
            # Registered before running, so a cancel of a claimed task that has not started yet reaches it.
            ctx = TaskContext(
                m, record.id, record.name, queue=record.queue, retries=record.retries,
                priority=record.priority, rerun=record.retries > 0 or m.take_rerun(record.id),
            )  # fmt: skip
            m.running[record.id] = ctx
            contexts.append(ctx)
            m.emit_changed(record.id, TaskState.STARTED)
        pending: list[tuple[TaskRecord, dict[str, Any]]] = []
        since = 0.0
        try:
            for record, ctx in zip(records, contexts, strict=True):
                began = time.monotonic()
                success = self._run_one(record, ctx)
                if success is not None:
                    if not pending:
                        since = began
                    pending.append((record, success))
                if pending and (success is None or time.monotonic() - since > GROUP_COMMIT_WINDOW):
                    self._flush(pending)
        finally:
            self._flush(pending)
            for record in records:
                m.running.pop(record.id, None)

    def _run_one(self, record: TaskRecord, ctx: TaskContext) -> dict[str, Any] | None:
        """Run a claimed task; returns the row values of a plain success (to be written by the caller)."""
        m = self.m
        try:
            spec = registry.lookup(record.name)
        except ValueError as exc:
            self._fail(record, str(exc), None, {"error_kind": "unknown_task"})
            return None
        try:
            if m.stopping:
                ctx.cancel("shutdown")
            ctx.raise_if_cancelled()
            result = spec.fn(ctx, **record.kwargs)
        except BaseException as exc:  # a task's fault of any kind is journaled
            m.running.pop(record.id, None)
            self._after_error(record, ctx, exc, spec.max_retries)
            if not isinstance(exc, Exception):
                raise  # KeyboardInterrupt / SystemExit keep propagating after the row is written
            return None
        m.running.pop(record.id, None)
        return self._after_return(record, ctx, result, spec.follow_ups)

    def _flush(self, pending: list[tuple[TaskRecord, dict[str, Any]]]) -> None:
        if not pending:
            return
        batch = pending[:]
        pending.clear()
        written = self.m.records.finish_successes(
            [
                (record.id, values["result"], values["finished_at"], values["progress"])
                for record, values in batch
            ],
            held_by=self.m.owner,
        )
        for (record, _), ok in zip(batch, written, strict=True):
            if not ok:
                self._changed_elsewhere(record)
            else:
                self._finished(record, TaskState.SUCCESS)

    def _after_return(
        self, record: TaskRecord, ctx: TaskContext, result: Any, follow_ups: bool = False
    ) -> dict[str, Any] | None:
        m = self.m
        try:
            json_to_db(result)
        except (TypeError, ValueError) as exc:
            self._fail(
                record,
                f"the task returned a value that is not JSON: {exc}",
                None,
                {"error_kind": "bad_result"},
            )
            return None
        progress = self._progress_fields(ctx)
        has_children = (
            ctx.children or record.id in m.parents or (ctx.rerun and m.records.children_counts(record.id))
        )
        if has_children and ctx.cancelled and ctx.cancel_reason == "user":
            m.cancel_children(record.id)  # any queued in the instant between the cancel and its check
            if m.records.set_state(
                record.id,
                STARTED,
                held_by=m.owner,
                state=TaskState.REVOKED,
                error="cancelled",
                error_kind="cancelled",
                finished_at=utcnow(),
            ):
                self._finished(record, TaskState.REVOKED)
            return None
        if has_children and not follow_ups:
            # A batch: its function returned after queueing children; it ends when they do.
            if m.records.set_state(
                record.id, STARTED, held_by=m.owner, result={WAITING: True, "value": result}, **progress
            ):
                self.maybe_finish_parent(record.id)
            return None
        return {"result": result, "finished_at": utcnow(), "progress": progress}

    def _after_error(
        self, record: TaskRecord, ctx: TaskContext, exc: BaseException, spec_max: int | None
    ) -> None:
        m = self.m
        outcome = classify(exc)
        if not isinstance(exc, Exception):
            ctx.cancel("shutdown")  # Ctrl+C or exit in the middle of an inline task: run it again next start
        if ctx.cancelled and ctx.cancel_reason == "shutdown":
            # Not the user's wish: the row goes back to PENDING and the next start runs it again.
            if m.records.set_state(
                record.id, STARTED, held_by=m.owner, state=TaskState.PENDING, started_at=None
            ):
                m.emit_changed(record.id, TaskState.PENDING)
            return
        if outcome is Outcome.REVOKED or ctx.cancelled:
            if ctx.children:
                m.cancel_children(record.id)  # any queued in the instant between the cancel and its check
            if m.records.set_state(
                record.id,
                STARTED,
                held_by=m.owner,
                state=TaskState.REVOKED,
                error="cancelled",
                error_kind="cancelled",
                finished_at=utcnow(),
            ):
                self._finished(record, TaskState.REVOKED)
            else:
                self._changed_elsewhere(record)
            return
        if outcome is Outcome.RETRY:
            limit = record.max_retries if spec_max is None else spec_max
            if record.retries < limit:
                self._retry(record, exc)
                return
            message = f"gave up after {record.retries} retries: {short_error(exc)}"
            self._fail(record, message, None, error_facts(exc))
            return
        self._fail(record, short_error(exc), traceback.format_exc()[-20_000:], error_facts(exc))

    def _retry(self, record: TaskRecord, exc: BaseException) -> None:
        m = self.m
        delay = m.retry_policy.delay(record.retries, getattr(exc, "retry_after", None))
        eta = utcnow() + timedelta(seconds=delay)
        if m.records.set_state(
            record.id, STARTED, held_by=m.owner, state=TaskState.RETRY, retries=record.retries + 1, eta=eta,
            error=short_error(exc), started_at=None, **error_facts(exc),
        ):  # fmt: skip
            if m.defers(delay):
                # Due later than this (one-shot) engine waits: hand it back for the next engine to run.
                m.records.take(record.id, TaskState.RETRY, m.owner, None, None)
                m.emit_changed(record.id, TaskState.RETRY)
                return
            m.emit_changed(record.id, TaskState.RETRY)
            m.schedule_retry(record.queue, record.priority, record.id, delay)

    def _fail(self, record: TaskRecord, message: str, tb: str | None, facts: dict[str, Any]) -> None:
        if self.m.records.set_state(
            record.id, STARTED, held_by=self.m.owner, state=TaskState.FAILURE, error=message, traceback=tb,
            finished_at=utcnow(),
            **facts,
        ):  # fmt: skip
            self._finished(record, TaskState.FAILURE)

    def _changed_elsewhere(self, record: TaskRecord) -> None:
        """Our final write lost: another process (the CLI, the API) revoked the row. Tell our listeners."""
        state = self.m.records.state_of(record.id)
        if state is not None and state.is_final:
            self.m.emit_changed(record.id, state)

    def _finished(self, record: TaskRecord, state: TaskState) -> None:
        self.forget(record.id)
        self.m.emit_changed(record.id, state)
        if record.parent_id:
            self.child_finished(record.parent_id)

    def forget(self, task_id: str) -> None:
        """Drop the in-memory notes about a task that is final."""
        self.m.parents.discard(task_id)
        self._parent_throttles.pop(task_id, None)

    @staticmethod
    def _progress_fields(ctx: TaskContext) -> dict[str, Any]:
        if ctx.last_progress is None:
            return {}
        current, total, message = ctx.last_progress
        return {"progress_current": current, "progress_total": total, "progress_message": message}

    # -- batches ------------------------------------------------------------------------------------------
    def child_finished(self, parent_id: str) -> None:
        """Update the parent's progress (finished children / total) and finish it when all are final.

        The children are counted only when a progress event is due (about ten a second) or none is open
        any more (a seek): counting 10,000 children per finished child made a big check quadratic.
        """
        m = self.m
        parent_state = m.records.state_of(parent_id)
        if parent_state is None or parent_state.is_final:
            return  # the follow-ups of a finished task (a check's notifications) leave it as it ended
        # Serialised, so progress never goes backwards when two children finish at once.
        with self._progress_lock:
            signal_gate, write_gate = self._parent_throttles.setdefault(
                parent_id, (ProgressThrottle(0.1), ProgressThrottle(1.0))
            )
            last = not m.records.has_open_child(parent_id)
            if not (last or signal_gate.due() or write_gate.due()):
                return
            counts = m.records.children_counts(parent_id)
            total = sum(counts.values())
            done = sum(n for s, n in counts.items() if s.is_final)
            last = done >= total
            message = f"{done} of {total} finished"
            if signal_gate.ready(force=last):
                m.emit_progress(parent_id, done, total, message)
            if write_gate.ready(force=last):
                m.write_progress(parent_id, done, total, message)
        if last:
            self.maybe_finish_parent(parent_id)

    def maybe_finish_parent(self, parent_id: str) -> None:
        m = self.m
        parent = m.records.get(parent_id)
        if parent is None or parent.state is not TaskState.STARTED:
            return
        if not (isinstance(parent.result, dict) and parent.result.get(WAITING)):
            return  # its function is still running; it checks again when it returns
        counts = m.records.children_counts(parent_id)
        total = sum(counts.values())
        if any(not s.is_final for s in counts):
            return
        summary = {
            "value": parent.result.get("value"),
            "total": total,
            "succeeded": counts.get(TaskState.SUCCESS, 0),
            "failed": counts.get(TaskState.FAILURE, 0),
            "revoked": counts.get(TaskState.REVOKED, 0),
        }
        # Documented rule: a batch fails only when every child failed; otherwise it succeeds, with counts.
        state = TaskState.FAILURE if total and summary["failed"] == total else TaskState.SUCCESS
        failed = state is TaskState.FAILURE
        if m.records.set_state(
            parent_id, STARTED, state=state, result=summary, finished_at=utcnow(),
            error=f"all {total} child tasks failed" if failed else None,
            error_kind="children_failed" if failed else None,
            progress_current=total, progress_total=total, progress_message=f"{total} of {total} finished",
        ):  # fmt: skip
            self._parent_throttles.pop(parent_id, None)
            m.parents.discard(parent_id)
            self._finished(parent, state)
