"""The task journal: every task is a row from the moment it is queued until clean-up removes it."""

from __future__ import annotations

import builtins
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pricewatch.models import FINAL_TASK_STATES, UNFINISHED_TASK_STATES, TaskRecord, TaskState
from pricewatch.storage.codec import json_from_db, json_to_db, time_from_db, time_to_db
from pricewatch.storage.db import Database

_TIMES = ("queued_at", "started_at", "finished_at", "eta")
_JSON = ("kwargs", "result")
_COLUMNS = (
    "id", "name", "kwargs", "state", "queue", "priority", "parent_id", "unique_key", "retries", "max_retries",
    "result", "error", "traceback", "progress_current", "progress_total", "progress_message",
    "queued_at", "started_at", "finished_at", "eta",
)  # fmt: skip


def _to_db(name: str, value: Any) -> Any:
    if name in _TIMES:
        return time_to_db(value)
    if name in _JSON:
        return json_to_db(value)
    if name == "state":
        return str(TaskState(value))
    return value


def task_from_row(row: sqlite3.Row) -> TaskRecord:
    values = {name: row[name] for name in _COLUMNS}
    for name in _TIMES:
        values[name] = time_from_db(values[name])
    values["kwargs"] = json_from_db(values["kwargs"]) or {}
    values["result"] = json_from_db(values["result"])
    values["state"] = TaskState(values["state"])
    return TaskRecord(**values)


class TaskRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def insert(self, task: TaskRecord) -> TaskRecord:
        """Insert a task; with a unique key already open, return the open task instead (dedup)."""
        with self._db.transaction() as conn:
            if task.unique_key:
                row = conn.execute(
                    "SELECT * FROM tasks WHERE unique_key = ? AND state IN ('PENDING', 'STARTED', 'RETRY')",
                    (task.unique_key,),
                ).fetchone()
                if row:
                    return task_from_row(row)
            conn.execute(
                f"INSERT INTO tasks ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                [_to_db(n, getattr(task, n)) for n in _COLUMNS],
            )
        return task

    def insert_many(self, tasks: Iterable[TaskRecord]) -> None:
        """Insert many tasks in one transaction (a batch's children)."""
        with self._db.transaction() as conn:
            conn.executemany(
                f"INSERT INTO tasks ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                [[_to_db(n, getattr(t, n)) for n in _COLUMNS] for t in tasks],
            )

    def get(self, task_id: str) -> TaskRecord | None:
        row = self._db.conn().execute("SELECT * FROM tasks WHERE id = ?", (task_id,)).fetchone()
        return task_from_row(row) if row else None

    def update(self, task_id: str, **values: Any) -> None:
        assignments = ", ".join(f"{n} = ?" for n in values)
        with self._db.transaction() as conn:
            conn.execute(
                f"UPDATE tasks SET {assignments} WHERE id = ?",
                [*(_to_db(n, v) for n, v in values.items()), task_id],
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
                f"SELECT * FROM tasks{where} ORDER BY queued_at DESC, id LIMIT ? OFFSET ?",
                [*args, limit, offset],
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
                f"SELECT * FROM tasks WHERE state IN ({', '.join('?' * len(states))}) ORDER BY queued_at, id",
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

    def delete_finished_before(self, cutoff: datetime) -> int:
        """Remove final tasks finished before ``cutoff`` (children go with their parent)."""
        with self._db.transaction() as conn:
            cur = conn.execute(
                "DELETE FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?"
                " AND state IN ('SUCCESS', 'FAILURE', 'REVOKED')"
                " AND (parent_id IS NULL OR parent_id NOT IN"
                " (SELECT id FROM tasks WHERE state IN ('PENDING', 'STARTED', 'RETRY')))",
                (time_to_db(cutoff),),
            )
        return cur.rowcount

    # -- engine helpers: conditional transitions, so two threads (or processes) never both finish a task
    def claim(self, task_id: str, started_at: datetime) -> TaskRecord | None:
        """PENDING/RETRY -> STARTED in one statement; None when the task is gone, revoked or taken already."""
        with self._db.transaction() as conn:
            row = conn.execute(
                "UPDATE tasks SET state = 'STARTED', started_at = ?, eta = NULL"
                " WHERE id = ? AND state IN ('PENDING', 'RETRY') RETURNING *",
                (time_to_db(started_at), task_id),
            ).fetchone()
        return task_from_row(row) if row else None

    def set_state(self, task_id: str, from_states: Iterable[TaskState | str], **values: Any) -> bool:
        """Update the row only while it is in one of ``from_states``; returns whether it was."""
        states = [str(TaskState(s)) for s in from_states]
        assignments = ", ".join(f"{n} = ?" for n in values)
        with self._db.transaction() as conn:
            cur = conn.execute(
                f"UPDATE tasks SET {assignments} WHERE id = ? AND state IN ({', '.join('?' * len(states))})",
                [*(_to_db(n, v) for n, v in values.items()), task_id, *states],
            )
        return cur.rowcount > 0

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
