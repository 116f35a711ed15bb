"""The journal methods the engine relies on: conditional transitions, claims, grouped successes, children."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pricewatch.models import TaskRecord, TaskState, utcnow
from pricewatch.storage import TaskRepository
from pricewatch.storage.codec import time_to_db
from pricewatch.storage.tasks import _time_to_db
from tests.support.app import open_pricewatch


@pytest.fixture
def repo() -> Iterator[TaskRepository]:
    app = open_pricewatch()
    try:
        yield app.task_records
    finally:
        app.close()


def _task(state: TaskState = TaskState.PENDING, **fields: object) -> TaskRecord:
    return TaskRecord(id=uuid.uuid4().hex, name="t.x", state=state, **fields)  # type: ignore[arg-type]


def test_fast_time_text_matches_the_codec() -> None:
    times = [
        utcnow(),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),  # zero microseconds keep the fixed width
        datetime(2026, 6, 1, 23, 30, 0, 5, tzinfo=timezone(timedelta(hours=-7))),
    ]
    for value in times:
        assert _time_to_db(value) == time_to_db(value)
    with pytest.raises(ValueError, match="naive"):
        _time_to_db(datetime(2026, 1, 1))


def test_claim_takes_only_open_tasks_once(repo: TaskRepository) -> None:
    pending, retry, done = _task(kwargs={"a": 1}), _task(TaskState.RETRY, retries=2), _task(TaskState.SUCCESS)
    for task in (pending, retry, done):
        repo.insert(task)
    now = utcnow()
    claimed = repo.claim_many([done.id, retry.id, "missing", pending.id], now)
    assert [c.id for c in claimed] == [retry.id, pending.id]  # order given, only open ones
    assert claimed[1].kwargs == {"a": 1} and claimed[0].retries == 2
    assert repo.claim(pending.id, now) is None  # a second worker gets nothing
    row = repo.get(pending.id)
    assert row is not None and row.state is TaskState.STARTED and row.started_at == now


def test_conditional_state_change(repo: TaskRepository) -> None:
    task = _task()
    repo.insert(task)
    assert not repo.set_state(task.id, [TaskState.STARTED], state=TaskState.SUCCESS)
    assert repo.set_state(task.id, [TaskState.PENDING, TaskState.RETRY], state=TaskState.REVOKED)
    assert repo.state_of(task.id) is TaskState.REVOKED
    assert repo.set_states(
        [(task.id, [TaskState.REVOKED], {"error": "x"}), ("nope", [], {"error": "y"})]
    ) == [
        True,
        False,
    ]


def test_grouped_successes_skip_rows_changed_meanwhile(repo: TaskRepository) -> None:
    tasks = [_task() for _ in range(3)]
    for task in tasks:
        repo.insert(task)
    repo.claim_many([t.id for t in tasks], utcnow())
    repo.set_state(tasks[1].id, [TaskState.STARTED], state=TaskState.REVOKED)  # another process revoked it
    finished = utcnow()
    written = repo.finish_successes(
        [
            (t.id, {"n": i}, finished, {"progress_current": 5, "progress_total": 5})
            for i, t in enumerate(tasks)
        ]
    )
    assert written == [True, False, True]
    rows = [repo.get(t.id) for t in tasks]
    assert [r.state for r in rows if r] == [TaskState.SUCCESS, TaskState.REVOKED, TaskState.SUCCESS]
    assert rows[2] is not None and rows[2].result == {"n": 2} and rows[2].progress_current == 5
    single = _task()
    repo.insert(single)
    repo.claim(single.id, utcnow())
    assert repo.finish_successes([(single.id, None, finished, {})]) == [True]


def test_children_and_descendants(repo: TaskRepository) -> None:
    parent = _task(TaskState.STARTED)
    child = _task(parent_id=parent.id, kwargs={"url": "u"})
    grandchild = _task(parent_id=child.id)
    done = _task(TaskState.SUCCESS, parent_id=parent.id)
    for task in (parent, child, grandchild, done):
        repo.insert(task)
    assert repo.find_child(parent.id, "t.x", {"url": "u"}) == child.id
    assert repo.find_child(parent.id, "t.x", {"url": "other"}) is None
    assert {i for i, _ in repo.open_children(parent.id)} == {child.id}
    assert repo.open_descendants(parent.id) == 2
    repo.set_state(grandchild.id, [TaskState.PENDING], state=TaskState.SUCCESS)
    assert repo.open_descendants(parent.id) == 1


def test_dedup_insert_returns_the_open_task(repo: TaskRepository) -> None:
    first = repo.insert(_task(unique_key="check:product:1"))
    again = repo.insert(_task(unique_key="check:product:1"))
    assert again.id == first.id
    repo.set_state(first.id, [TaskState.PENDING], state=TaskState.SUCCESS)
    assert repo.insert(_task(unique_key="check:product:1")).id != first.id


def test_journal_writes_join_an_outer_transaction(repo: TaskRepository) -> None:
    """Inside db.transaction() the journal neither waits for its own lock nor commits on its own."""
    db = repo._db
    task = _task()
    with pytest.raises(RuntimeError), db.transaction():
        repo.insert(task)
        assert repo.claim(task.id, utcnow()) is not None
        raise RuntimeError("roll back")
    assert repo.get(task.id) is None
    with db.transaction():
        repo.insert(task)
        repo.set_state(task.id, [TaskState.PENDING], state=TaskState.REVOKED)
    assert repo.state_of(task.id) is TaskState.REVOKED


def test_every_journal_write_is_refused_once_a_newer_pricewatch_migrated_it(repo: TaskRepository) -> None:
    """Not only inserts and transactions: single-statement writes (claim, lease renewal) are refused too."""
    from pricewatch.storage.migrations import LATEST_VERSION, SchemaTooNewError
    from tests.support.schema import bump_schema

    queued = repo.insert(_task())
    owner = "engine/1"
    bump_schema(repo._db.path, LATEST_VERSION + 1)  # another process, as a newer PriceWatch would
    with pytest.raises(SchemaTooNewError):
        repo.claim(queued.id, utcnow(), owner, utcnow())
    with pytest.raises(SchemaTooNewError):
        repo.renew(owner, utcnow())
    with pytest.raises(SchemaTooNewError):
        repo.insert(_task())
    assert repo.state_of(queued.id) is TaskState.PENDING  # nothing was written


def test_journal_lookups_use_the_partial_indexes(repo: TaskRepository) -> None:
    """Rows without a parent or a finish time stay out of those indexes; the lookups still seek in them."""
    conn = repo._db.conn()
    indexes = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'tasks'").fetchall())
    assert "WHERE parent_id IS NOT NULL" in indexes["tasks_parent"]
    assert "WHERE finished_at IS NOT NULL" in indexes["tasks_finished"]
    for sql, index in (
        ("SELECT state, count(*) FROM tasks WHERE parent_id = ? GROUP BY state", "tasks_parent"),
        ("SELECT id FROM tasks WHERE finished_at IS NOT NULL AND finished_at < ?", "tasks_finished"),
    ):
        plan = " ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}", ("x",)))
        assert f"INDEX {index}" in plan, plan


def test_has_open_child_sees_only_unfinished_children(repo: TaskRepository) -> None:
    parent = _task(TaskState.STARTED)
    repo.insert(parent)
    assert not repo.has_open_child(parent.id)
    children = [_task(state, parent_id=parent.id) for state in (TaskState.SUCCESS, TaskState.RETRY)]
    repo.insert_many(children)
    assert repo.has_open_child(parent.id)
    assert repo.set_state(children[1].id, (TaskState.RETRY,), state=TaskState.FAILURE)
    assert not repo.has_open_child(parent.id)
    assert repo.children_counts(parent.id) == {TaskState.SUCCESS: 1, TaskState.FAILURE: 1}
