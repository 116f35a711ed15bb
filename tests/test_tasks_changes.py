"""The task journal's change feed: what other writers inserted or changed since a mark, read by index."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.app import PriceWatch
from pricewatch.models import TaskRecord, TaskState, utcnow
from pricewatch.storage import Database, TaskRepository
from pricewatch.storage.migrations import migrate


@pytest.fixture
def two() -> Iterator[tuple[TaskRepository, TaskRepository]]:
    """Two facades on one database file, as the window and a ``pricewatch check`` process have."""
    mine, other = PriceWatch(), PriceWatch()
    try:
        yield mine.task_records, other.task_records
    finally:
        other.close()
        mine.close()


def _task(**fields: object) -> TaskRecord:
    return TaskRecord(id=uuid.uuid4().hex, name="t.x", **fields)  # type: ignore[arg-type]


def test_only_other_writers_changes_since_the_mark(two: tuple[TaskRepository, TaskRepository]) -> None:
    mine, other = two
    assert mine.changed_since(0, mine.writer) == ([], 0)
    own = mine.insert(_task())
    mark = mine.change_mark()
    assert mark > 0
    assert mine.changed_since(mark, mine.writer) == ([], mark)

    theirs, child = _task(), _task()
    other.insert(theirs)
    child.parent_id = theirs.id
    other.insert_many([child])
    mine.insert(_task())  # our own engine's change: its signals report it
    ids, mark = mine.changed_since(mark, mine.writer)
    assert ids == [theirs.id, child.id]

    other.claim_many([theirs.id, child.id], utcnow(), owner="them")
    other.set_state(own.id, [TaskState.PENDING], state=TaskState.REVOKED)  # they cancelled our queued task
    other.finish_successes([(child.id, {"ok": True}, utcnow(), {"progress_current": 1})])
    other.set_state(theirs.id, [TaskState.STARTED], progress_current=1, progress_total=1)  # after its child
    ids, mark = mine.changed_since(mark, mine.writer)
    assert ids == [own.id, theirs.id, child.id]  # each once, however often it changed; in queue order
    mine.set_state(own.id, [TaskState.REVOKED], error="x")
    assert mine.changed_since(mark, mine.writer)[0] == []
    assert mine.changed_since(0, None)[0] == mine.changed_since(0)[0]  # no filter: everything


def test_every_journal_write_moves_the_row_past_the_mark(two: tuple[TaskRepository, TaskRepository]) -> None:
    mine, other = two
    task = _task()
    other.insert(task)
    writes = [
        lambda: other.claim(task.id, utcnow(), owner="them"),
        lambda: other.set_state(task.id, [TaskState.STARTED], progress_current=3, progress_total=9),
        lambda: other.take(task.id, TaskState.STARTED, "them", "someone", None, state=TaskState.PENDING),
        lambda: other.update(task.id, priority=5),
        lambda: other.set_states([(task.id, [TaskState.PENDING], {"state": TaskState.RETRY})]),
    ]
    for write in writes:
        mark = mine.change_mark()
        write()
        assert mine.changed_since(mark, mine.writer)[0] == [task.id], write
    mark = mine.change_mark()
    other.renew("someone", utcnow())  # a lease renewal changes nothing a window shows
    assert mine.changed_since(mark, mine.writer)[0] == []


def test_the_feed_reads_through_the_index(two: tuple[TaskRepository, TaskRepository]) -> None:
    mine, _ = two
    conn = mine._db.conn()
    plans = [
        " ".join(str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args))
        for sql, args in (
            ("SELECT coalesce(max(changed_seq), 0) FROM tasks", ()),
            (
                "SELECT id FROM tasks WHERE changed_seq > ? AND changed_seq <= ? AND changed_by IS NOT ?"
                " ORDER BY queued_at, id",
                (0, 1, "w"),
            ),
        )
    ]
    # SEARCH by the index on changed_seq, never a SCAN of the whole journal
    for plan in plans:
        assert plan.startswith("SEARCH tasks USING") and "INDEX tasks_changed" in plan, plan


def test_migration_keeps_old_rows_and_numbers_new_changes(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=6)
    conn.execute(
        "INSERT INTO tasks (id, name, state, queued_at) VALUES ('old', 't.x', 'SUCCESS', ?)",
        ("2026-01-01T00:00:00.000000Z",),
    )
    conn.close()
    db = Database(path)
    try:
        repo = TaskRepository(db)
        assert repo.change_mark() == 0
        old = repo.get("old")
        assert old is not None and old.state is TaskState.SUCCESS
        repo.insert(_task())
        assert repo.change_mark() == 1
    finally:
        db.close()
