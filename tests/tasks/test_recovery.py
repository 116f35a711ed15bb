"""Recovery: rows an earlier run left PENDING, STARTED or RETRY run again on start, without duplicates.

The rows are written as a crashed run leaves them (the real kill -9 of a ``pricewatch serve`` lives in the
checks tests); then a new facade is built on the same database and started.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from pricewatch.models import TaskRecord, TaskState, utcnow
from pricewatch.tasks.runner import WAITING
from tests.support.app import open_pricewatch
from tests.support.tasks import Lab, make_app, wait_final


def _row(name: str, state: TaskState, **fields: Any) -> TaskRecord:
    fields.setdefault("started_at", utcnow() if state is TaskState.STARTED else None)
    return TaskRecord(id=uuid.uuid4().hex, name=name, state=state, **fields)


def _leave(*records: TaskRecord) -> None:
    """Write rows as a crashed process left them (no engine running)."""
    app = open_pricewatch()
    try:
        for record in records:
            app.task_records.insert(record)
    finally:
        app.close()


@pytest.mark.parametrize("executor", ["threads", "sync"])
def test_unfinished_rows_run_again_on_start(executor: str, lab: Lab, qtbot: Any) -> None:
    rows = [
        _row("test.echo", TaskState.STARTED, kwargs={"value": "was running"}),
        _row("test.echo", TaskState.PENDING, kwargs={"value": "was queued"}),
        _row("test.echo", TaskState.RETRY, kwargs={"value": "was waiting"}, retries=1, eta=utcnow()),
        _row("test.echo", TaskState.SUCCESS, kwargs={"value": "was done"}, finished_at=utcnow()),
    ]
    _leave(*rows)
    app = make_app(executor)
    try:
        app.start(scheduler=False)
        for row in rows:
            record = wait_final(qtbot, app, row.id)
            assert record.state is TaskState.SUCCESS
        assert app.get_task(rows[2].id).retries == 1  # the count survives
        assert len(app.list_tasks()) == 4  # nothing added
        for value in ("was running", "was queued", "was waiting"):
            assert lab.calls[f"echo:{value}"] == 1
        assert "echo:was done" not in lab.calls
        app.start(scheduler=False)  # a second start recovers nothing twice
        assert lab.calls["echo:was running"] == 1
    finally:
        app.close()


def test_a_batch_waiting_for_children_finishes_when_they_run(lab: Lab, qtbot: Any) -> None:
    parent = _row("test.batch", TaskState.STARTED, kwargs={"values": [1, 2]},
                  result={WAITING: True, "value": "2 queued"}, queue="scraping")  # fmt: skip
    done = _row(
        "test.echo", TaskState.SUCCESS, kwargs={"value": 1}, parent_id=parent.id, finished_at=utcnow()
    )
    queued = _row("test.echo", TaskState.PENDING, kwargs={"value": 2}, parent_id=parent.id)
    _leave(parent, done, queued)
    app = make_app("threads")
    try:
        app.start(scheduler=False)
        record = wait_final(qtbot, app, parent.id)
        assert record.state is TaskState.SUCCESS
        assert record.result == {"value": "2 queued", "total": 2, "succeeded": 2, "failed": 0, "revoked": 0}
        assert "echo:1" not in lab.calls and lab.calls["echo:2"] == 1  # its function did not run again
    finally:
        app.close()


def test_a_batch_killed_while_queueing_children_does_not_duplicate_them(lab: Lab, qtbot: Any) -> None:
    parent = _row("test.batch", TaskState.STARTED, kwargs={"values": [1, 2, 3]}, queue="scraping")
    first = _row(
        "test.echo", TaskState.SUCCESS, kwargs={"value": 1}, parent_id=parent.id, finished_at=utcnow()
    )
    _leave(parent, first)
    app = make_app("threads")
    try:
        app.start(scheduler=False)
        record = wait_final(qtbot, app, parent.id)
        children = app.task_children(parent.id)
        assert sorted(c.kwargs["value"] for c in children) == [1, 2, 3]
        assert record.result["total"] == 3 and record.state is TaskState.SUCCESS
        assert "echo:1" not in lab.calls
    finally:
        app.close()


def test_a_retry_due_later_keeps_its_time(lab: Lab, qtbot: Any) -> None:
    eta = utcnow() + timedelta(hours=1)
    row = _row("test.echo", TaskState.RETRY, kwargs={"value": "later"}, retries=2, eta=eta)
    _leave(row)
    app = make_app("threads")
    try:
        app.start(scheduler=False)
        record = app.get_task(row.id)
        assert record.state is TaskState.RETRY and record.eta == eta
        assert app.task_manager._timer is not None and app.task_manager._timer.pending() == [row.id]
    finally:
        app.close()
    assert "echo:later" not in lab.calls


def test_shutdown_puts_running_tasks_back_to_pending_for_the_next_start(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    task_id = app.submit_task("test.block")
    qtbot.waitUntil(lab.started.is_set)
    app.close()  # cancels with reason "shutdown": not the user's wish, so not REVOKED
    again = make_app("threads")
    try:
        assert again.get_task(task_id).state is TaskState.PENDING
        lab.gate.set()
        again.start(scheduler=False)
        assert wait_final(qtbot, again, task_id).state is TaskState.SUCCESS
    finally:
        again.close()


def test_a_row_of_a_task_that_no_longer_exists_fails_clearly(lab: Lab, qtbot: Any) -> None:
    row = _row("test.removed_in_an_update", TaskState.PENDING)
    _leave(row)
    app = make_app("threads")
    try:
        app.start(scheduler=False)
        record = wait_final(qtbot, app, row.id)
        assert record.state is TaskState.FAILURE and "unknown task" in (record.error or "")
    finally:
        app.close()
