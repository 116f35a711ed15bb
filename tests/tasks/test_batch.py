"""Parents and children: a batch ends when its children do, with progress and a summary; cancel goes down."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

from pricewatch.app import PriceWatch
from pricewatch.models import TaskState
from pricewatch.tasks import registry
from pricewatch.tasks.manager import TaskManager
from tests.support.tasks import Lab, make_app, wait_final


def test_batch_succeeds_when_children_finish(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    parent_id = engine.submit_task("test.batch", kwargs={"values": [1, 2, 3]}, priority=10)
    record = wait_final(qtbot, engine, parent_id)
    assert record.state is TaskState.SUCCESS
    assert record.result == {"value": "3 queued", "total": 3, "succeeded": 3, "failed": 0, "revoked": 0}
    assert (record.progress_current, record.progress_total) == (3, 3)
    children = engine.task_children(parent_id)
    assert [c.kwargs for c in children] == [{"value": 1}, {"value": 2}, {"value": 3}]
    assert all(c.parent_id == parent_id and c.state is TaskState.SUCCESS for c in children)
    assert all(c.priority == 10 for c in children)  # children inherit the parent's priority
    assert all(c.finished_at <= record.finished_at for c in children)  # type: ignore[operator]


def test_batch_fails_only_when_every_child_failed(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    all_bad = wait_final(
        qtbot, engine, engine.submit_task("test.batch", kwargs={"values": [1, 2], "child": "test.boom"})
    )
    assert all_bad.state is TaskState.FAILURE and all_bad.error == "all 2 child tasks failed"
    assert all_bad.result["failed"] == 2


def test_batch_with_some_failures_succeeds_with_counts(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    try:
        # Children attached by hand (the facade's parent_id) to a parent that is still open.
        blocker = app.submit_task("test.block")
        ok = app.submit_task("test.echo", kwargs={"value": 1}, parent_id=blocker)
        bad = app.submit_task("test.boom", parent_id=blocker)
        lab.gate.set()
        record = wait_final(qtbot, app, blocker)
        assert record.state is TaskState.SUCCESS
        assert record.result == {"value": "released", "total": 2, "succeeded": 1, "failed": 1, "revoked": 0}
        assert {app.get_task(ok).state, app.get_task(bad).state} == {TaskState.SUCCESS, TaskState.FAILURE}
    finally:
        app.close()


def test_parent_progress_signals_count_finished_children(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    try:
        seen: list[tuple[int, int]] = []
        parent_id = ""

        def on_event(event: Any) -> None:
            if event.kind == "progress" and event.task_id == parent_id:
                seen.append((event.current, event.total))

        app.subscribe(on_event)
        parent_id = app.submit_task("test.batch", kwargs={"values": list(range(6))})
        wait_final(qtbot, app, parent_id)
        assert seen and seen[-1] == (6, 6)
        # The total grows while the parent is still queueing children; progress never goes back.
        assert all(0 < current <= total <= 6 for current, total in seen)
        assert [c for c, _ in seen] == sorted(c for c, _ in seen)
    finally:
        app.close()


def test_cancel_parent_revokes_running_and_queued_children(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads", default_concurrency=1)
    try:
        parent_id = app.submit_task("test.batch", kwargs={"values": [1, 2, 3], "child": "test.block"})
        qtbot.waitUntil(lab.started.is_set)  # the first child runs, two wait in the queue
        app.cancel_task(parent_id)
        record = wait_final(qtbot, app, parent_id)
        assert record.state is TaskState.REVOKED
        children = app.task_children(parent_id)
        assert [c.state for c in children] == [TaskState.REVOKED] * 3
        assert all(c.error == "cancelled" for c in children)
    finally:
        app.close()


def test_wait_for_task_can_include_descendants(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    try:
        parent_id = app.submit_task("test.batch", kwargs={"values": [1], "child": "test.block"})
        qtbot.waitUntil(lab.started.is_set)
        early = app.wait_for_task(parent_id, timeout=0.05)
        assert early.state is TaskState.STARTED  # a timeout returns the record as it is
        lab.gate.set()
        record = app.wait_for_task(parent_id, timeout=10)
        assert record.state is TaskState.SUCCESS
        assert app.task_records.open_descendants(parent_id) == 0
    finally:
        app.close()


def test_a_batch_waiter_is_not_woken_by_each_child(lab: Lab) -> None:
    """Until the batch itself is final its children cannot end the wait: its row is read once per wake of
    its own (and each half-second poll), not once per finishing child."""

    @registry.task("test.nap", queue="scraping")
    def nap(ctx: Any, value: int) -> int:
        time.sleep(0.02)
        return value

    @registry.task("test.naps", queue="default")
    def naps(ctx: Any, count: int) -> str:
        for value in range(count):
            ctx.submit("test.nap", value=value)
        return f"{count} queued"

    engine = make_app("threads")
    engine.settings.tasks.scraping_concurrency = 2
    engine.start(scheduler=False)
    records = engine.task_records
    reads: list[str] = []
    state_of = records.state_of

    def counted(task_id: str) -> TaskState | None:
        if sys._getframe(1).f_code is TaskManager.wait.__code__:  # the waiter's reads, not the runner's
            reads.append(task_id)
        return state_of(task_id)

    records.state_of = counted  # type: ignore[method-assign]
    try:
        parent_id = engine.submit_task("test.naps", kwargs={"count": 40})
        record = engine.wait_for_task(parent_id, timeout=60)
    finally:
        del records.state_of
        engine.close()
        registry.unregister("test.nap")
        registry.unregister("test.naps")
    assert record.state is TaskState.SUCCESS and record.result["succeeded"] == 40
    assert 1 <= reads.count(parent_id) < 20


def test_sync_executor_runs_children_after_the_parent_returns(lab: Lab) -> None:
    app = make_app("sync")
    try:
        parent_id = app.submit_task("test.batch", kwargs={"values": ["a", "b"]})
        record = app.get_task(parent_id)
        assert record.state is TaskState.SUCCESS and record.result["succeeded"] == 2
        assert [c.state for c in app.task_children(parent_id)] == [TaskState.SUCCESS] * 2
    finally:
        app.close()


def test_cancel_parent_while_it_is_still_queueing_children(lab: Lab, qtbot: Any) -> None:
    queued_one = threading.Event()

    @registry.task("test.slow_batch", queue="scraping")
    def slow_batch(ctx: Any) -> str:
        ctx.submit("test.block")
        queued_one.set()
        ctx.cancel_event.wait(30)  # the test cancels here
        ctx.submit("test.block")  # raises TaskCancelled: no children after a cancel
        return "unreachable"

    app = make_app("threads")
    try:
        parent_id = app.submit_task("test.slow_batch")
        qtbot.waitUntil(queued_one.is_set)
        app.cancel_task(parent_id)
        record = wait_final(qtbot, app, parent_id)
        assert record.state is TaskState.REVOKED
        children = app.task_children(parent_id)
        assert len(children) == 1 and children[0].state is TaskState.REVOKED
    finally:
        registry.unregister("test.slow_batch")
        app.close()


def test_follow_ups_do_not_decide_the_state_of_the_task_that_queued_them(
    engine: PriceWatch, lab: Lab, qtbot: Any
) -> None:
    """A check's notifications are follow-ups: a failed one does not turn the check into a failure."""
    task_id = engine.submit_task("test.chain")
    record = engine.wait_for_task(task_id, timeout=10, include_descendants=True)
    assert record.state is TaskState.SUCCESS and record.result == "own result"
    (child,) = engine.task_children(task_id)
    assert child.parent_id == task_id and child.state is TaskState.FAILURE  # waited for, and kept apart
    assert engine.get_task(task_id).state is TaskState.SUCCESS


def test_a_batch_reports_progress_and_finishes_with_every_child_counted(lab: Lab) -> None:
    """Children are counted when progress is due and once none is open, not per finished child."""
    app = make_app("threads")
    try:
        parent_id = app.submit_task("test.batch", kwargs={"values": list(range(40))})
        record = app.wait_for_task(parent_id, timeout=60)
        assert record.state is TaskState.SUCCESS
        assert record.result["total"] == record.result["succeeded"] == 40
        assert (record.progress_current, record.progress_total) == (40, 40)
        assert record.progress_message == "40 of 40 finished"
        assert not app.task_records.has_open_child(parent_id)
    finally:
        app.close()
