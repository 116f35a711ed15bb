"""WAL checkpoints on the Database's own thread: commits reach the database file without a writer stopping."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path

from pricewatch.models import TaskRecord
from pricewatch.storage import Database, TaskRepository
from pricewatch.storage.checkpoints import BACKSTOP_PAGES
from tests.support.poll import until


def _in_file_alone(path: Path) -> int:
    """Tasks in the database file itself, the write-ahead log ignored (what a checkpoint has copied)."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM tasks").fetchone()[0])
    except sqlite3.OperationalError:  # not even the schema copied yet
        return -1
    finally:
        conn.close()


def _checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "pricewatch-checkpoint"]


def test_journal_commits_are_checkpointed_by_the_background_thread(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    db = Database(path)
    try:
        conn = db.conn()
        # A commit checkpoints by itself only past the backstop, far beyond these few pages.
        assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == BACKSTOP_PAGES
        repo = TaskRepository(db)
        for _ in range(3):
            repo.insert(TaskRecord(id=uuid.uuid4().hex, name="t.x"))
        until(lambda: _in_file_alone(path) == 3, message="the three tasks in the database file")
        assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 3
    finally:
        db.close()
    assert not _checkpoint_threads()


def test_transactions_are_checkpointed_too(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    db = Database(path)
    try:
        TaskRepository(db).insert_many(TaskRecord(id=uuid.uuid4().hex, name="t.x") for _ in range(5))
        until(lambda: _in_file_alone(path) == 5, message="the batch in the database file")
    finally:
        db.close()


def test_no_thread_before_the_first_write_and_none_after_close(tmp_path: Path) -> None:
    before = len(_checkpoint_threads())
    db = Database(tmp_path / "journal.sqlite3")
    try:
        assert len(_checkpoint_threads()) == before  # reading alone starts nothing
        TaskRepository(db).insert(TaskRecord(id=uuid.uuid4().hex, name="t.x"))
        assert len(_checkpoint_threads()) == before + 1
    finally:
        db.close()
    assert len(_checkpoint_threads()) == before
    db.close()  # twice is harmless
