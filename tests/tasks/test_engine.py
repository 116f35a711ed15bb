"""The task engine via the facade: states, errors, dedup, priorities, cancel, both executors alike."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pricewatch.app import PriceWatch
from pricewatch.errors import NotFoundError
from pricewatch.models import TaskState
from pricewatch.tasks import registry
from tests.support.tasks import Lab, comparable, make_app, wait_final


def test_success_is_journaled_with_times_and_result(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    task_id = engine.submit_task("test.echo", kwargs={"value": {"a": [1, 2]}}, priority=7)
    record = wait_final(qtbot, engine, task_id)
    assert record.state is TaskState.SUCCESS
    assert record.result == {"a": [1, 2]}
    assert record.priority == 7 and record.queue == "default" and record.retries == 0
    assert record.queued_at <= record.started_at <= record.finished_at  # type: ignore[operator]
    assert record.error is None and record.traceback is None
    assert engine.list_tasks(state="success", name="test.echo")[0].id == task_id


def test_exception_is_failure_with_traceback_and_no_retry(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    record = wait_final(qtbot, engine, engine.submit_task("test.boom"))
    assert record.state is TaskState.FAILURE
    assert record.error == "RuntimeError: boom"
    assert record.traceback and "raise RuntimeError" in record.traceback
    assert record.retries == 0


def test_result_that_is_not_json_fails_clearly(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    record = wait_final(qtbot, engine, engine.submit_task("test.unjson"))
    assert record.state is TaskState.FAILURE and "not JSON" in (record.error or "")


def test_unknown_name_and_bad_arguments_are_refused(engine: PriceWatch, lab: Lab) -> None:
    with pytest.raises(ValueError, match=r"unknown task 'test\.nope'.*test\.echo"):
        engine.submit_task("test.nope")
    with pytest.raises(ValueError, match="JSON"):
        engine.submit_task("test.echo", kwargs={"value": object()})
    assert engine.list_tasks() == []  # nothing half-stored


def test_unknown_id_is_not_found_never_a_fake_pending(engine: PriceWatch) -> None:
    for call in (engine.get_task, engine.cancel_task, engine.retry_task, engine.task_children,
                 engine.wait_for_task):  # fmt: skip
        with pytest.raises(NotFoundError):
            call("0" * 32)
    with pytest.raises(NotFoundError):
        engine.submit_task("test.echo", parent_id="missing")


def test_builtin_task_names_are_registered(engine: PriceWatch) -> None:
    names = engine.registered_task_names()
    for name in ("scraping.scrape_product", "scraping.scrape_batch", "price_tracking.check_prices",
                 "price_tracking.check_product_price", "maintenance.cleanup_old_data",
                 "maintenance.clear_old_cache"):  # fmt: skip
        assert name in names


def test_registry_refuses_bad_queues_and_clashing_names(lab: Lab) -> None:
    with pytest.raises(ValueError, match="unknown queue"):
        registry.task("test.x", queue="nowhere")
    with pytest.raises(ValueError, match="already registered"):
        registry.task("test.echo")(lambda ctx: None)
    assert registry.lookup("test.echo").queue == "default"
    assert registry.lookup("test.batch").queue == "scraping"


def test_dedup_returns_the_open_task_then_allows_a_new_one(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    try:
        first = app.submit_task("test.block", unique_key="check:product:1")
        second = app.submit_task("test.block", unique_key="check:product:1")
        assert second == first
        assert len(app.list_tasks(name="test.block")) == 1
        lab.gate.set()
        assert wait_final(qtbot, app, first).state is TaskState.SUCCESS
        third = app.submit_task("test.block", unique_key="check:product:1")
        assert third != first
        wait_final(qtbot, app, third)
    finally:
        app.close()


def test_priority_orders_a_queue_with_one_worker(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads", default_concurrency=1)
    try:
        blocker = app.submit_task("test.block")
        qtbot.waitUntil(lab.started.is_set)
        ids = [
            app.submit_task("test.record", kwargs={"tag": "scheduled-1"}, priority=0),
            app.submit_task("test.record", kwargs={"tag": "scheduled-2"}, priority=0),
            app.submit_task("test.record", kwargs={"tag": "user"}, priority=10),
            app.submit_task("test.record", kwargs={"tag": "low"}, priority=-5),
        ]
        lab.gate.set()
        for task_id in [blocker, *ids]:
            wait_final(qtbot, app, task_id)
        assert lab.order == ["user", "scheduled-1", "scheduled-2", "low"]
    finally:
        app.close()


def test_queues_run_side_by_side(lab: Lab, qtbot: Any) -> None:
    """A blocked default queue does not hold up the scraping queue."""
    app = make_app("threads", default_concurrency=1)
    try:
        blocker = app.submit_task("test.block")
        qtbot.waitUntil(lab.started.is_set)
        batch = app.submit_task("test.batch", kwargs={"values": []})  # scraping queue
        assert wait_final(qtbot, app, batch).state is TaskState.SUCCESS
        assert app.get_task(blocker).state is TaskState.STARTED
        lab.gate.set()
        wait_final(qtbot, app, blocker)
    finally:
        app.close()


def test_cancel_queued_is_revoked_at_once_and_never_runs(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads", default_concurrency=1)
    try:
        blocker = app.submit_task("test.block")
        qtbot.waitUntil(lab.started.is_set)
        queued = app.submit_task("test.echo", kwargs={"value": "never"})
        record = app.cancel_task(queued)
        assert record.state is TaskState.REVOKED and record.finished_at is not None
        lab.gate.set()
        wait_final(qtbot, app, blocker)
        # The worker went past the revoked one.
        after = app.submit_task("test.echo", kwargs={"value": "after"})
        wait_final(qtbot, app, after)
        assert "echo:never" not in lab.calls and lab.calls["echo:after"] == 1
        assert app.get_task(queued).state is TaskState.REVOKED
    finally:
        app.close()


def test_cancel_running_is_cooperative_and_revokes(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    try:
        task_id = app.submit_task("test.block")
        qtbot.waitUntil(lab.started.is_set)
        assert app.cancel_task(task_id).state in (TaskState.STARTED, TaskState.REVOKED)
        record = wait_final(qtbot, app, task_id)
        assert record.state is TaskState.REVOKED and record.error == "cancelled"
        assert record.retries == 0  # never retried
        assert app.cancel_task(task_id).state is TaskState.REVOKED  # cancelling a final task changes nothing
    finally:
        app.close()


def test_retry_task_queues_a_failed_task_again(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    failed = wait_final(qtbot, engine, engine.submit_task("test.boom"))
    again = engine.retry_task(failed.id)
    assert again != failed.id
    record = wait_final(qtbot, engine, again)
    assert record.name == "test.boom" and record.state is TaskState.FAILURE
    ok = wait_final(qtbot, engine, engine.submit_task("test.echo", kwargs={"value": 1}))
    with pytest.raises(ValueError, match="only failed or revoked"):
        engine.retry_task(ok.id)


def test_sync_executor_runs_inline_in_the_caller(lab: Lab) -> None:
    seen: list[threading.Thread] = []

    @registry.task("test.where")
    def where(ctx: Any) -> str:
        seen.append(threading.current_thread())
        return "here"

    app = make_app("sync")
    try:
        task_id = app.submit_task("test.where")
        assert app.get_task(task_id).state is TaskState.SUCCESS  # already done when submit returns
        assert seen == [threading.current_thread()]
    finally:
        registry.unregister("test.where")
        app.close()


def _scenario(app: PriceWatch, qtbot: Any) -> list[dict[str, Any]]:
    ids = [
        app.submit_task("test.echo", kwargs={"value": [1, "x"]}),
        app.submit_task("test.boom"),
        app.submit_task("test.flaky", kwargs={"fails": 2}),
        app.submit_task("test.limited"),
        app.submit_task("test.progress", kwargs={"steps": 5}),
        app.submit_task("test.batch", kwargs={"values": [1, 2, 3]}),
    ]
    rows = []
    for task_id in ids:
        record = wait_final(qtbot, app, task_id)
        rows.append(comparable(record))
        rows.extend(comparable(child) for child in app.task_children(task_id))
    return rows


def test_sync_and_thread_executors_write_the_same_records(lab: Lab, qtbot: Any) -> None:
    results = []
    for executor in ("threads", "sync"):
        app = make_app(executor)
        try:
            results.append(_scenario(app, qtbot))
        finally:
            app.close()
    assert results[0] == results[1]
    states = [row["state"] for row in results[0]]
    assert states.count(TaskState.FAILURE) == 2 and TaskState.RETRY not in states


def test_close_leaves_no_worker_threads_or_connections(lab: Lab, qtbot: Any) -> None:
    before = set(threading.enumerate())
    app = make_app("threads")
    app.start(scheduler=False)
    ids = [app.submit_task("test.flaky", kwargs={"fails": 1}) for _ in range(5)]
    for task_id in ids:
        wait_final(qtbot, app, task_id)
    executor = app.task_manager.executor
    app.close()
    pools = executor._pools.values()  # type: ignore[attr-defined]
    assert pools and all(pool.activeThreadCount() == 0 for pool in pools)
    assert not [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert app.db._conns == {}


def test_cancel_from_another_process_reaches_a_running_task(lab: Lab, qtbot: Any) -> None:
    """`pricewatch tasks cancel ID` in a terminal while the window runs the task: two facades, one file."""

    @registry.task("test.steps")
    def steps(ctx: Any) -> None:
        lab.started.set()
        i = 0
        while True:
            i += 1
            ctx.progress(i, 0, "working")  # the journal row is written about once a second
            ctx.raise_if_cancelled()
            ctx.cancel_event.wait(0.01)

    runner = make_app("threads")
    other = make_app("sync")  # the CLI's own facade on the same database
    try:
        seen: list[str] = []
        runner.subscribe(lambda e: seen.append(e.state) if e.kind == "changed" else None)
        task_id = runner.submit_task("test.steps")
        qtbot.waitUntil(lab.started.is_set)
        assert other.cancel_task(task_id).state is TaskState.REVOKED  # the row, at once
        qtbot.waitUntil(lambda: "REVOKED" in seen, timeout=10_000)  # the runner noticed and told its GUI
        assert task_id not in runner.task_manager.running
        assert runner.get_task(task_id).state is TaskState.REVOKED
    finally:
        registry.unregister("test.steps")
        other.close()
        runner.close()


def test_a_slow_task_in_a_quick_queue_does_not_hold_up_the_next(lab: Lab, qtbot: Any) -> None:
    """Quick queues are served by the workers already awake; one stuck in a slow task gets company."""
    app = make_app("threads", default_concurrency=2)
    try:
        warm = [app.submit_task("test.echo", kwargs={"value": i}) for i in range(20)]
        for task_id in warm:
            wait_final(qtbot, app, task_id)
        assert app.task_manager.executor._quick("default")  # type: ignore[attr-defined]
        blocker = app.submit_task("test.block")
        qtbot.waitUntil(lab.started.is_set)
        quick = app.submit_task("test.echo", kwargs={"value": "next"})
        assert wait_final(qtbot, app, quick).state is TaskState.SUCCESS
        assert app.get_task(blocker).state is TaskState.STARTED  # it ran beside, not after
        lab.gate.set()
        wait_final(qtbot, app, blocker)
    finally:
        app.close()
