"""The task journal: every task is a row from the moment it is queued until clean-up removes it."""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import os
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from pricewatch.models import FINAL_TASK_STATES, UNFINISHED_TASK_STATES, TaskRecord, TaskState
from pricewatch.storage.codec import json_from_db, json_to_db, time_to_db
from pricewatch.storage.db import Database
from pricewatch.storage.journal_lock import JournalLock

_TIMES = ("queued_at", "started_at", "finished_at", "eta")
_JSON = ("kwargs", "result")
_COLUMNS = (
    "id", "name", "kwargs", "state", "queue", "priority", "parent_id", "unique_key", "retries", "max_retries",
    "result", "error", "traceback", "progress_current", "progress_total", "progress_message",
    "queued_at", "started_at", "finished_at", "eta", "error_kind", "error_status", "error_retry_after",
    "worker",
)  # fmt: skip
# Every write that a window should show stamps the row with the database clock (milliseconds since the epoch,
# read while the writer holds SQLite's write lock, so later commits carry later or equal stamps) and the
# writing repository's token: a reader asks "what did others change since T" through the (state, changed_at)
# index (see pricewatch.storage.task_changes). A clock, not a counter: the next counter value would cost a
# max() look-up per write and its own index, about 10% of the journal's throughput; the stamp costs nothing.
_NOW_MS = "CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER)"
_STAMP = f"changed_at = {_NOW_MS}, changed_by = ?"
_INSERT = (
    f"INSERT INTO tasks ({', '.join(_COLUMNS)}, owner, lease_until, changed_by, changed_at)"
    f" VALUES ({', '.join('?' * (len(_COLUMNS) + 3))}, {_NOW_MS})"
)
_OPEN_SQL = "('PENDING', 'STARTED', 'RETRY')"
CLEANUP_BATCH = 500  # tasks deleted per transaction by the clean-up (tens of ms of write lock each)
_CLAIMED = ("id", "name", "kwargs", "queue", "priority", "parent_id", "retries", "max_retries")


def _to_db(name: str, value: Any) -> Any:
    if name in _TIMES:
        return _time_to_db(value)
    if name in _JSON:
        return json_to_db(value)
    if name == "state":
        return str(TaskState(value))
    return value


def _time_to_db(value: datetime | None) -> str | None:
    """codec.time_to_db's exact text, without strftime (which imports ``time`` on every call: slow here)."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = datetime.fromisoformat(time_to_db(value) or "")  # validates and converts like the codec
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031 - % does no import, unlike strftime
        value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond,
    )  # fmt: skip


def _time(value: str | None) -> datetime | None:
    # The stored form is fixed-width ISO 8601 with "Z" (codec.time_to_db); fromisoformat reads it 50x faster
    # than strptime, which matters when the engine reads thousands of rows a second.
    return None if value is None else datetime.fromisoformat(value)


def _values(task: TaskRecord) -> tuple[Any, ...]:
    """The row for ``task`` in _COLUMNS order (the hot path of every submit: no per-column dispatch)."""
    return (
        task.id, task.name, json_to_db(task.kwargs) or "{}", str(TaskState(task.state)), task.queue,
        task.priority, task.parent_id, task.unique_key, task.retries, task.max_retries,
        json_to_db(task.result), task.error, task.traceback, task.progress_current, task.progress_total,
        task.progress_message, _time_to_db(task.queued_at), _time_to_db(task.started_at),
        _time_to_db(task.finished_at), _time_to_db(task.eta), task.error_kind, task.error_status,
        task.error_retry_after, task.worker,
    )  # fmt: skip


# The columns every read of whole records selects, in _COLUMNS order (then the owner and its lease), so a row
# is decoded by position: a name look-up in sqlite3.Row compares the name with each column's in turn.
_RECORD = f"SELECT {', '.join(_COLUMNS)}, owner, lease_until FROM tasks"
_KWARGS, _STATE, _RESULT = (_COLUMNS.index(n) for n in ("kwargs", "state", "result"))
_TIME_AT = tuple(_COLUMNS.index(n) for n in _TIMES)
_OWNER = len(_COLUMNS)
# Where each TaskRecord field is in _COLUMNS (the record's fields come in another order).
_FIELD_AT = tuple(_COLUMNS.index(f.name) for f in dataclasses.fields(TaskRecord))


def task_from_row(row: sqlite3.Row | tuple[Any, ...]) -> TaskRecord:
    """The record of a row read with ``_RECORD``."""
    values = list(row[:_OWNER])
    for i in _TIME_AT:
        if values[i] is not None:
            values[i] = datetime.fromisoformat(values[i])  # see _time
    values[_KWARGS] = json_from_db(values[_KWARGS]) or {}
    values[_RESULT] = json_from_db(values[_RESULT])
    values[_STATE] = TaskState(values[_STATE])
    return TaskRecord(*map(values.__getitem__, _FIELD_AT))


class TaskRepository:
    """The ``tasks`` table.

    Journal writes from this repository take a process-wide lock first: SQLite admits one writer at a time
    and a writer that finds the database locked sleeps in its busy handler (1, 2, 5, 10 ms...), which at
    thousands of task transitions a second would cost more than the writes; a lock hands over without sleeps.
    Task workers line up behind one another for it (see :mod:`pricewatch.storage.journal_lock`).
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._write = JournalLock()
        # Stamped on the rows this repository writes (changed_by), so a window can tell its own engine's
        # changes, which its signals report, from other processes' (the CLI, ``serve``, the API).
        self.writer = os.urandom(8).hex()

    def _lock(self) -> contextlib.AbstractContextManager[Any]:
        """The journal write lock, unless this thread is inside a transaction already.

        A thread in ``db.transaction()`` holds SQLite's write lock; waiting for ours there could deadlock
        with a thread that holds ours and waits for SQLite's, so it goes straight on.
        """
        if self._db.conn().in_transaction:
            return contextlib.nullcontext()
        return self._write

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """The journal write lock and a transaction (which refuses a schema newer than this code)."""
        with self._lock(), self._db.transaction() as conn:
            yield conn

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """The journal write lock for single statements (each its own transaction): refused, as a
        transaction is, when a newer PriceWatch migrated the file (a transaction was checked already).

        The schema is read before the wait for the lock, not under it: a statement of its own either way
        (this lock is not SQLite's), and each SQLite call made while holding the lock makes everyone behind
        wait for the holder to win the interpreter lock back once more.
        """
        if not self._db.conn().in_transaction:
            self._db.refuse_newer_schema()
        with self._lock():
            yield
        self._db.wrote()

    def insert(self, task: TaskRecord, owner: str | None = None, lease: datetime | None = None) -> TaskRecord:
        """Insert a task; with a unique key already open, return the open task instead (dedup).

        ``owner`` is the engine that will run it, holding it until ``lease`` (renewed while it lives).
        """
        values = (*_values(task), owner, _time_to_db(lease), self.writer)
        if not task.unique_key:  # one statement is its own transaction: no BEGIN/COMMIT round trips
            with self._writing():
                self._db.conn().execute(_INSERT, values)
            return task
        with self._transaction() as conn:
            row = conn.execute(
                f"{_RECORD} WHERE unique_key = ? AND state IN ('PENDING', 'STARTED', 'RETRY')",
                (task.unique_key,),
            ).fetchone()
            if row:
                return task_from_row(row)
            conn.execute(_INSERT, values)
        return task

    def insert_many(self, tasks: Iterable[TaskRecord]) -> None:
        """Insert many tasks in one transaction (a batch's children)."""
        with self._transaction() as conn:
            conn.executemany(_INSERT, [(*_values(t), None, None, self.writer) for t in tasks])

    def get(self, task_id: str) -> TaskRecord | None:
        row = self._db.conn().execute(f"{_RECORD} WHERE id = ?", (task_id,)).fetchone()
        return task_from_row(row) if row else None

    def get_many(self, task_ids: Iterable[str]) -> builtins.list[TaskRecord]:
        """The records of those of ``task_ids`` that exist, in no particular order (one query)."""
        ids = builtins.list(task_ids)
        if not ids:
            return []
        rows = self._db.conn().execute(f"{_RECORD} WHERE id IN ({', '.join('?' * len(ids))})", ids)
        return [task_from_row(r) for r in rows]

    def update(self, task_id: str, **values: Any) -> None:
        assignments = "".join(f"{n} = ?, " for n in values)
        with self._transaction() as conn:
            conn.execute(
                f"UPDATE tasks SET {assignments}{_STAMP} WHERE id = ?",
                [*(_to_db(n, v) for n, v in values.items()), self.writer, task_id],
            )

    def list(
        self,
        *,
        state: TaskState | str | None = None,
        name: str | None = None,
        queue: str | None = None,
        parent_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[TaskRecord]:
        """Newest first."""
        clauses: list[str] = []
        args: list[Any] = []
        for column, value in (("state", state), ("name", name), ("queue", queue), ("parent_id", parent_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(str(value))
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = (
            self._db.conn()
            .execute(
                f"{_RECORD}{where} ORDER BY queued_at DESC, id LIMIT ? OFFSET ?",
                [*args, limit, offset],
            )
            .fetchall()
        )
        return [task_from_row(r) for r in rows]

    def with_argument(
        self, name: str, key: str, value: object, *, limit: int = 20
    ) -> builtins.list[TaskRecord]:
        """Tasks named ``name`` whose argument ``key`` equals ``value``, newest first (scans that name)."""
        if not key.isidentifier():
            raise ValueError(f"not an argument name: {key!r}")
        rows = (
            self._db.conn()
            .execute(
                f"{_RECORD} WHERE name = ? AND json_valid(kwargs)"
                " AND json_extract(kwargs, ?) = ? ORDER BY queued_at DESC, id LIMIT ?",
                (name, f"$.{key}", value, limit),
            )
            .fetchall()
        )
        return [task_from_row(r) for r in rows]

    def unfinished(self) -> builtins.list[TaskRecord]:
        """Tasks an earlier run left PENDING, STARTED or RETRY, oldest first (for recovery on start)."""
        states = tuple(str(s) for s in UNFINISHED_TASK_STATES)
        rows = (
            self._db.conn()
            .execute(
                f"{_RECORD} WHERE state IN ({', '.join('?' * len(states))}) ORDER BY queued_at, id",
                states,
            )
            .fetchall()
        )
        return [task_from_row(r) for r in rows]

    def children_counts(self, parent_id: str) -> dict[TaskState, int]:
        rows = (
            self._db.conn()
            .execute("SELECT state, count(*) FROM tasks WHERE parent_id = ? GROUP BY state", (parent_id,))
            .fetchall()
        )
        return {TaskState(r[0]): int(r[1]) for r in rows}

    def delete_finished_before(self, cutoff: datetime, *, batch: int = CLEANUP_BATCH) -> int:
        """Remove final tasks finished before ``cutoff`` (children go with their parent).

        In transactions of at most ``batch`` tasks, oldest first, so the write lock is never held for long:
        a clean-up of a history of millions of tasks lets checks and the API write in between.
        """
        removed = 0
        while True:
            with self._transaction() as conn:
                cur = conn.execute(
                    "DELETE FROM tasks WHERE rowid IN (SELECT rowid FROM tasks"
                    " WHERE finished_at IS NOT NULL AND finished_at < ?"
                    # "+state": walk the finished_at index from the oldest and stop after a batch; on the
                    # state index SQLite would read and sort every finished task for each batch
                    " AND +state IN ('SUCCESS', 'FAILURE', 'REVOKED')"
                    " AND (parent_id IS NULL OR parent_id NOT IN"
                    " (SELECT id FROM tasks WHERE state IN ('PENDING', 'STARTED', 'RETRY')))"
                    " ORDER BY finished_at LIMIT ?)",
                    (_time_to_db(cutoff), batch),
                )
            removed += cur.rowcount
            if cur.rowcount < batch:
                return removed

    # -- engine helpers: conditional transitions, so two threads (or processes) never both finish a task
    def claim(
        self, task_id: str, started_at: datetime, owner: str | None = None, lease: datetime | None = None
    ) -> TaskRecord | None:
        """PENDING/RETRY -> STARTED in one statement; None when the task is gone, revoked or taken already.

        The record carries only what running needs (id, name, kwargs, queue, priority, parent_id, retries,
        max_retries); the other fields keep their defaults.
        """
        with self._writing():
            rows = (
                self._db.conn()
                .execute(
                    "UPDATE tasks SET state = 'STARTED', started_at = ?, eta = NULL, worker = NULL,"
                    f" owner = ?, lease_until = ?, {_STAMP}"
                    " WHERE id = ? AND state IN ('PENDING', 'RETRY') AND (owner IS NULL OR owner = ?)"
                    f" RETURNING {', '.join(_CLAIMED)}",
                    (_time_to_db(started_at), owner, _time_to_db(lease), self.writer, task_id, owner),
                )
                .fetchall()  # to the end, so the statement (and its implicit transaction) completes
            )
        if not rows:
            return None
        values = dict(zip(_CLAIMED, rows[0], strict=True))
        values["kwargs"] = json_from_db(values["kwargs"]) or {}
        return TaskRecord(**values, state=TaskState.STARTED, started_at=started_at)

    def claim_many(
        self,
        task_ids: builtins.list[str],
        started_at: datetime,
        owner: str | None = None,
        lease: datetime | None = None,
    ) -> builtins.list[TaskRecord]:
        """:meth:`claim` for several tasks in one statement; returns those claimed, in the order given.

        A row another (live) engine owns is not claimed: it runs there.
        """
        if len(task_ids) == 1:
            one = self.claim(task_ids[0], started_at, owner, lease)
            return [one] if one else []
        with self._writing():
            rows = (
                self._db.conn()
                .execute(
                    "UPDATE tasks SET state = 'STARTED', started_at = ?, eta = NULL, worker = NULL,"
                    f" owner = ?, lease_until = ?, {_STAMP}"
                    f" WHERE id IN ({', '.join('?' * len(task_ids))}) AND state IN ('PENDING', 'RETRY')"
                    f" AND (owner IS NULL OR owner = ?) RETURNING {', '.join(_CLAIMED)}",
                    (_time_to_db(started_at), owner, _time_to_db(lease), self.writer, *task_ids, owner),
                )
                .fetchall()
            )
        by_id = {}
        for row in rows:
            values = dict(zip(_CLAIMED, row, strict=True))
            values["kwargs"] = json_from_db(values["kwargs"]) or {}
            by_id[values["id"]] = TaskRecord(**values, state=TaskState.STARTED, started_at=started_at)
        return [by_id[i] for i in task_ids if i in by_id]

    def finish_successes(
        self, rows: builtins.list[tuple[str, Any, datetime, dict[str, Any]]], *, held_by: str | None = None
    ) -> builtins.list[bool]:
        """STARTED -> SUCCESS for several tasks in one transaction: ``(id, result, finished_at, progress)``.

        ``progress`` may hold progress_current/progress_total/progress_message. Returns, per task, whether its
        row was still STARTED (a task revoked meanwhile by another process keeps REVOKED). With ``held_by``,
        only rows that owner still holds change: a run another engine took over cannot overwrite its result.
        """
        fence = "" if held_by is None else " AND owner = ?"
        args = [
            (
                json_to_db(result), _time_to_db(finished_at), progress.get("progress_current"),
                progress.get("progress_total"), progress.get("progress_message"), self.writer, task_id,
                *(() if held_by is None else (held_by,)),
            )
            for task_id, result, finished_at, progress in rows
        ]  # fmt: skip
        sql = (
            "UPDATE tasks SET state = 'SUCCESS', result = ?, error = NULL, traceback = NULL,"
            " error_kind = NULL, error_status = NULL, error_retry_after = NULL,"
            " finished_at = ?, progress_current = coalesce(?, progress_current),"
            " progress_total = coalesce(?, progress_total),"
            f" progress_message = coalesce(?, progress_message), {_STAMP} WHERE id = ? AND state = 'STARTED'"
            + fence
        )
        if len(args) == 1:  # one statement is its own transaction
            with self._writing():
                return [self._db.conn().execute(sql, args[0]).rowcount > 0]
        with self._transaction() as conn:
            cur = conn.executemany(sql, args)
            if cur.rowcount == len(args):
                return [True] * len(args)
            # Rare: some row changed under us; ask which ones are ours now.
            ids = [a[6] for a in args]
            mine = {
                r[0]
                for r in conn.execute(
                    f"SELECT id FROM tasks WHERE id IN ({', '.join('?' * len(ids))})"
                    " AND state = 'SUCCESS' AND finished_at IN"
                    f" ({', '.join('?' * len(args))})",
                    [*ids, *(a[1] for a in args)],
                )
            }
        return [i in mine for i in ids]

    def set_states(
        self, changes: Iterable[tuple[str, Iterable[TaskState | str], dict[str, Any]]]
    ) -> builtins.list[bool]:
        """Several :meth:`set_state` calls in one transaction (one commit); returns each one's outcome."""
        done = []
        with self._transaction():
            for task_id, from_states, values in changes:
                done.append(self.set_state(task_id, from_states, **values))
        return done

    def set_state(
        self,
        task_id: str,
        from_states: Iterable[TaskState | str],
        *,
        held_by: str | None = None,
        **values: Any,
    ) -> bool:
        """Update the row only while it is in one of ``from_states`` (and, with ``held_by``, held by that
        owner: the final writes of a run are fenced so a run another engine took over changes nothing)."""
        states = [str(TaskState(s)) for s in from_states]
        assignments = "".join(f"{n} = ?, " for n in values)
        args = [*(_to_db(n, v) for n, v in values.items()), self.writer, task_id, *states]
        fence = ""
        if held_by is not None:
            fence = " AND owner = ?"
            args.append(held_by)
        with self._writing():
            cur = self._db.conn().execute(  # a single statement: atomic on its own
                f"UPDATE tasks SET {assignments}{_STAMP}"
                f" WHERE id = ? AND state IN ({', '.join('?' * len(states))}){fence}",
                args,
            )
        return cur.rowcount > 0

    def holds(self, task_id: str, owner: str) -> bool:
        """Whether ``owner`` still runs the task (STARTED under its name)."""
        row = (
            self._db.conn()
            .execute("SELECT 1 FROM tasks WHERE id = ? AND state = 'STARTED' AND owner = ?", (task_id, owner))
            .fetchone()
        )
        return row is not None

    def find_child(self, parent_id: str, name: str, kwargs: dict[str, Any]) -> str | None:
        """The id of a child with this name and these arguments (a re-run parent must not duplicate it)."""
        row = (
            self._db.conn()
            .execute(
                "SELECT id FROM tasks WHERE parent_id = ? AND name = ? AND kwargs = ?"
                " ORDER BY queued_at LIMIT 1",
                (parent_id, name, json_to_db(kwargs) or "{}"),
            )
            .fetchone()
        )
        return str(row[0]) if row else None

    def open_children(self, parent_id: str) -> builtins.list[tuple[str, TaskState]]:
        rows = (
            self._db.conn()
            .execute(
                "SELECT id, state FROM tasks"
                " WHERE parent_id = ? AND state IN ('PENDING', 'STARTED', 'RETRY')",
                (parent_id,),
            )
            .fetchall()
        )
        return [(str(r[0]), TaskState(r[1])) for r in rows]

    def has_open_child(self, parent_id: str) -> bool:
        """Whether a child of ``parent_id`` is not final yet (a seek in the (parent_id, state) index)."""
        row = (
            self._db.conn()
            .execute(
                f"SELECT 1 FROM tasks WHERE parent_id = ? AND state IN {_OPEN_SQL} LIMIT 1", (parent_id,)
            )
            .fetchone()
        )
        return row is not None

    def open_descendants(self, task_id: str) -> int:
        """How many tasks below ``task_id`` (children, grandchildren, ...) are not final yet."""
        final = tuple(str(s) for s in FINAL_TASK_STATES)
        row = (
            self._db.conn()
            .execute(
                "WITH RECURSIVE below(id, state) AS ("
                " SELECT id, state FROM tasks WHERE parent_id = ?"
                " UNION ALL SELECT t.id, t.state FROM tasks t JOIN below b ON t.parent_id = b.id)"
                f" SELECT count(*) FROM below WHERE state NOT IN ({', '.join('?' * len(final))})",
                (task_id, *final),
            )
            .fetchone()
        )
        return int(row[0])

    def state_of(self, task_id: str) -> TaskState | None:
        row = self._db.conn().execute("SELECT state FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return TaskState(row[0]) if row else None

    def revoked_among(self, task_ids: Iterable[str]) -> set[str]:
        """Which of ``task_ids`` are REVOKED in their rows (cancelled, perhaps by another process)."""
        ids = builtins.list(task_ids)
        if not ids:
            return set()
        marks = ", ".join("?" * len(ids))
        rows = (
            self._db.conn()
            .execute(f"SELECT id FROM tasks WHERE id IN ({marks}) AND state = 'REVOKED'", ids)
            .fetchall()
        )
        return {str(r[0]) for r in rows}

    # -- ownership (leases): which engine runs an unfinished row; see pricewatch.tasks.owner
    def ownership(self, task_id: str) -> tuple[str | None, datetime | None]:
        row = (
            self._db.conn()
            .execute("SELECT owner, lease_until FROM tasks WHERE id = ?", (task_id,))
            .fetchone()
        )
        return (None, None) if row is None else (row[0], _time(row[1]))

    def unfinished_owned(
        self, besides: str | None = None
    ) -> builtins.list[tuple[TaskRecord, str | None, datetime | None]]:
        """:meth:`unfinished` with each row's owner and lease (but the rows ``besides`` holds)."""
        rows = (
            self._db.conn()
            .execute(
                f"{_RECORD} WHERE state IN {_OPEN_SQL} AND owner IS NOT ? ORDER BY queued_at, id",
                (besides,),
            )
            .fetchall()
        )
        return [(task_from_row(r), r[_OWNER], _time(r[_OWNER + 1])) for r in rows]

    def take(
        self,
        task_id: str,
        from_state: TaskState,
        old_owner: str | None,
        owner: str | None,
        lease: datetime | None,
        **values: Any,
    ) -> bool:
        """Change the owner (and ``values``) only while the row is in ``from_state`` held by ``old_owner``."""
        assignments = "".join(f", {n} = ?" for n in values)
        with self._writing():
            cur = self._db.conn().execute(
                f"UPDATE tasks SET owner = ?, lease_until = ?{assignments}, {_STAMP}"
                " WHERE id = ? AND state = ? AND owner IS ?",
                [
                    owner, _time_to_db(lease), *(_to_db(n, v) for n, v in values.items()),
                    self.writer, task_id, str(from_state), old_owner,
                ],
            )  # fmt: skip
        return cur.rowcount > 0

    def renew(self, owner: str, lease: datetime) -> int:
        """Extend the lease of every unfinished row ``owner`` holds (the heartbeat: one statement)."""
        with self._writing():
            cur = self._db.conn().execute(
                f"UPDATE tasks SET lease_until = ? WHERE owner = ? AND state IN {_OPEN_SQL}",
                (_time_to_db(lease), owner),
            )
        return cur.rowcount

    def owned(self, owner: str) -> builtins.list[tuple[str, TaskState]]:
        rows = (
            self._db.conn()
            .execute(f"SELECT id, state FROM tasks WHERE owner = ? AND state IN {_OPEN_SQL}", (owner,))
            .fetchall()
        )
        return [(str(r[0]), TaskState(r[1])) for r in rows]

    def release(self, owner: str, keep: Iterable[str] = ()) -> int:
        """Hand back the unfinished rows of ``owner`` (but ``keep``): the next engine takes them at once."""
        kept = builtins.list(keep)
        with self._writing():
            cur = self._db.conn().execute(
                f"UPDATE tasks SET owner = NULL, lease_until = NULL WHERE owner = ? AND state IN {_OPEN_SQL}"
                f" AND id NOT IN ({', '.join('?' * len(kept))})",
                (owner, *kept),
            )
        return cur.rowcount

    def open_below(self, task_id: str) -> builtins.list[tuple[str, TaskState, str | None]]:
        """``(id, state, owner)`` of every unfinished task below ``task_id`` (children, grandchildren...)."""
        rows = (
            self._db.conn()
            .execute(
                "WITH RECURSIVE below(id) AS ("
                " SELECT id FROM tasks WHERE parent_id = ?"
                " UNION ALL SELECT t.id FROM tasks t JOIN below b ON t.parent_id = b.id)"
                f" SELECT id, state, owner FROM tasks WHERE id IN below AND state IN {_OPEN_SQL}",
                (task_id,),
            )
            .fetchall()
        )
        return [(str(r[0]), TaskState(r[1]), r[2]) for r in rows]
