"""The clean-up of old task records: everything past the cutoff goes, in small transactions, and nothing that
is still open (or the child of an open batch) goes with it."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pricewatch.models import TaskRecord, TaskState
from pricewatch.storage import Database, TaskRepository

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _finished(tasks: TaskRepository, task_id: str, at: datetime, parent: str | None = None) -> None:
    tasks.insert(TaskRecord(id=task_id, name="x", parent_id=parent))
    tasks.update(task_id, state=TaskState.SUCCESS, finished_at=at)


def test_old_tasks_go_in_batches_and_open_work_stays(tmp_path: Path) -> None:
    db = Database(tmp_path / "pw.sqlite3")
    tasks = TaskRepository(db)
    for n in range(25):
        _finished(tasks, f"old{n}", T0 + timedelta(minutes=n))
    _finished(tasks, "recent", T0 + timedelta(days=5))
    tasks.insert(TaskRecord(id="open-batch", name="x"))  # still running: its finished children stay
    _finished(tasks, "child", T0, parent="open-batch")
    tasks.insert(TaskRecord(id="queued", name="x"))
    statements: list[str] = []
    db.conn().set_trace_callback(statements.append)  # the clean-up runs on this thread's connection

    assert tasks.delete_finished_before(T0 + timedelta(days=1), batch=10) == 25

    db.conn().set_trace_callback(None)
    assert sum(1 for s in statements if s.startswith("BEGIN")) == 3  # 10 + 10 + 5
    left = {t.id for t in tasks.list(limit=100)}
    assert left == {"recent", "open-batch", "child", "queued"}


def test_other_writers_get_in_between_batches(tmp_path: Path) -> None:
    db = Database(tmp_path / "pw.sqlite3")
    tasks = TaskRepository(db)
    for n in range(40):
        _finished(tasks, f"old{n}", T0 + timedelta(minutes=n))
    written = threading.Event()
    wrote_during: list[int] = []

    def writer() -> None:
        conn = sqlite3.connect(tmp_path / "pw.sqlite3", timeout=10)
        conn.execute("CREATE TABLE IF NOT EXISTS probe (n INTEGER)")
        left = conn.execute("SELECT count(*) FROM tasks").fetchone()[0]
        conn.execute("INSERT INTO probe VALUES (1)")
        conn.commit()
        wrote_during.append(left)
        conn.close()
        written.set()

    statements: list[str] = []

    def trace(sql: str) -> None:  # called as each statement starts
        statements.append(sql)
        if sql.startswith("BEGIN") and "COMMIT" in statements and not written.is_set():
            # the first batch is committed, the second not begun: another writer can get in
            thread = threading.Thread(target=writer)
            thread.start()
            thread.join()

    db.conn().set_trace_callback(trace)
    assert tasks.delete_finished_before(T0 + timedelta(days=1), batch=10) == 40
    db.conn().set_trace_callback(None)
    assert written.is_set()
    assert wrote_during == [30]  # it wrote between two batches, not after all of them
