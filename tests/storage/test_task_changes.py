"""The task journal's change feed: what other writers inserted or changed since the last read, by index."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.app import PriceWatch
from pricewatch.models import TaskRecord, TaskState, utcnow
from pricewatch.storage import Database, TaskRepository, task_changes
from pricewatch.storage.migrations import migrate
from pricewatch.storage.task_changes import ChangeCursor, newest_stamp
from tests.support.app import open_pricewatch


@pytest.fixture
def two() -> Iterator[tuple[PriceWatch, PriceWatch]]:
    """Two facades on one database file, as the window and a ``pricewatch check`` process have."""
    mine, other = open_pricewatch(), open_pricewatch()
    try:
        yield mine, other
    finally:
        other.close()
        mine.close()


def _task(**fields: object) -> TaskRecord:
    return TaskRecord(id=uuid.uuid4().hex, name="t.x", **fields)  # type: ignore[arg-type]


def test_only_other_writers_changes_each_once(two: tuple[PriceWatch, PriceWatch]) -> None:
    me, them = two
    mine, other = me.task_records, them.task_records
    own = mine.insert(_task())
    cursor = ChangeCursor(me.db, besides=mine.writer)
    assert cursor.read() == []  # our own insert: our engine's signals report it

    theirs, child = _task(), _task()
    other.insert(theirs)
    child.parent_id = theirs.id
    other.insert_many([child])
    mine.insert(_task())
    assert cursor.read() == [theirs.id, child.id]
    assert cursor.read() == []  # nothing new: nothing twice

    other.claim_many([theirs.id, child.id], utcnow(), owner="them")
    other.set_state(own.id, [TaskState.PENDING], state=TaskState.REVOKED)  # they cancelled our queued task
    other.finish_successes([(child.id, {"ok": True}, utcnow(), {"progress_current": 1})])
    other.set_state(theirs.id, [TaskState.STARTED], progress_current=1, progress_total=1)  # after its child
    assert cursor.read() == [own.id, theirs.id, child.id]  # in queue order: a parent before its children
    mine.set_state(own.id, [TaskState.REVOKED], error="ours again")
    assert cursor.read() == []
    assert ChangeCursor(me.db).read() == []  # a new cursor starts now


def test_every_journal_write_is_reported(two: tuple[PriceWatch, PriceWatch]) -> None:
    me, them = two
    other = them.task_records
    task = _task()
    other.insert(task)
    cursor = ChangeCursor(me.db, besides=me.task_records.writer)
    cursor.read()
    writes = [
        lambda: other.claim(task.id, utcnow(), owner="them"),
        lambda: other.set_state(task.id, [TaskState.STARTED], progress_current=3, progress_total=9),
        lambda: other.take(task.id, TaskState.STARTED, "them", "someone", None, state=TaskState.PENDING),
        lambda: other.set_states([(task.id, [TaskState.PENDING], {"state": TaskState.RETRY})]),
        lambda: other.update(task.id, retries=2),
    ]
    for write in writes:  # each within the same millisecond as the last, often: still reported
        write()
        assert cursor.read() == [task.id], write
    other.renew("someone", utcnow())  # a lease renewal changes nothing a window shows
    assert cursor.read() == []


def test_a_clock_step_back_does_not_hide_changes(two: tuple[PriceWatch, PriceWatch]) -> None:
    me, them = two
    cursor = ChangeCursor(me.db, besides=me.task_records.writer)
    # When the cursor last read, the wall clock ran an hour ahead; it has been set right since.
    hour = 3_600_000
    cursor._mark = task_changes._now_ms() + hour
    cursor._offset += hour
    task = them.task_records.insert(_task())
    assert cursor.read() == [task.id]


def test_stamps_from_a_clock_that_ran_ahead_do_not_hide_later_changes(
    two: tuple[PriceWatch, PriceWatch],
) -> None:
    me, them = two
    early = them.task_records.insert(_task())
    them.db.conn().execute("UPDATE tasks SET changed_at = changed_at + 3600000 WHERE id = ?", (early.id,))
    cursor = ChangeCursor(me.db, besides=me.task_records.writer)
    later = them.task_records.insert(_task())
    assert cursor.read() == [later.id]
    again = them.task_records.insert(_task())
    assert cursor.read() == [again.id]


def test_the_feed_reads_through_the_index(two: tuple[PriceWatch, PriceWatch]) -> None:
    conn = two[0].db.conn()
    states = task_changes._STATES
    plans = [
        " ".join(str(r[-1]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args))
        for sql, args in ((task_changes._NEWEST, states), (task_changes._SINCE, (*states, 0, "w")))
    ]
    for plan in plans:  # index seeks, never a scan of the whole journal
        assert "SCAN tasks" not in plan and "INDEX tasks_state_changed" in plan, plan


def test_migration_keeps_old_rows_and_stamps_new_changes(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=7)
    conn.execute(
        "INSERT INTO tasks (id, name, state, queued_at, changed_seq) VALUES ('old', 't.x', 'SUCCESS', ?, 5)",
        ("2026-01-01T00:00:00.000000Z",),
    )
    conn.close()
    db = Database(path)
    try:
        repo = TaskRepository(db)
        assert newest_stamp(db) == 5
        old = repo.get("old")
        assert old is not None and old.state is TaskState.SUCCESS
        before = task_changes._now_ms()
        repo.insert(_task())
        assert before - 5 <= newest_stamp(db) <= task_changes._now_ms() + 5  # the clock, in milliseconds
        indexes = {r[0] for r in db.conn().execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "tasks_state_changed" in indexes and not {"tasks_state", "tasks_changed"} & indexes
    finally:
        db.close()
