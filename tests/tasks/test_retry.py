"""Retries: transient faults only, backoff with full jitter, Retry-After honoured, eta persisted."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from typing import Any

import pytest

from pricewatch.app import PriceWatch
from pricewatch.errors import CancelledError, PermanentError, TransientError
from pricewatch.models import TaskState
from pricewatch.tasks import TaskCancelled, registry
from pricewatch.tasks.retry import Outcome, RetryPolicy, classify
from tests.support.pageserver import PageServer, Reply
from tests.support.tasks import Lab, make_app, wait_final, wait_state

PAGE = (
    '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",'
    ' "name": "Kettle", "offers": {"@type": "Offer", "price": "24.50", "priceCurrency": "EUR"}}</script>'
    "</head><body><h1>Kettle</h1></body></html>"
)


def test_backoff_is_full_jitter_below_an_exponential_cap() -> None:
    policy = RetryPolicy(max_retries=5, base_delay=2.0, max_delay=20.0)
    rng = random.Random(7)
    for retries, cap in [(0, 2.0), (1, 4.0), (2, 8.0), (3, 16.0), (4, 20.0), (9, 20.0)]:
        delays = [policy.delay(retries, rng=rng) for _ in range(300)]
        assert all(0.0 <= d <= cap for d in delays)
        assert max(delays) > cap * 0.8 and min(delays) < cap * 0.2  # spread over the whole range


def test_retry_after_is_a_lower_bound() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    rng = random.Random(1)
    assert all(policy.delay(0, retry_after=120, rng=rng) == 120 for _ in range(50))
    assert policy.delay(0, retry_after=10**9, rng=rng) == 86_400.0  # absurd values are capped at a day


def test_only_transient_faults_are_retried() -> None:
    assert classify(TransientError("x", kind="timeout")) is Outcome.RETRY
    assert classify(PermanentError("x", kind="http_4xx")) is Outcome.FAILURE
    assert classify(ValueError("bug")) is Outcome.FAILURE
    assert classify(TaskCancelled()) is Outcome.REVOKED
    assert classify(CancelledError()) is Outcome.REVOKED


def test_transient_fault_retries_then_succeeds(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    record = wait_final(qtbot, engine, engine.submit_task("test.flaky", kwargs={"fails": 2}))
    assert record.state is TaskState.SUCCESS
    assert record.result == "ok after 2" and record.retries == 2 and lab.calls["flaky"] == 3
    assert record.error is None and record.eta is None and record.error_kind is None


def test_retries_stop_at_the_task_maximum(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    record = wait_final(qtbot, engine, engine.submit_task("test.limited"))  # max_retries=1 in its spec
    assert record.state is TaskState.FAILURE
    assert record.error == "gave up after 1 retries: always down"
    assert (record.error_kind, record.error_status, record.error_retry_after) == ("timeout", None, None)
    assert lab.calls["limited"] == 2 and record.max_retries == 1


def test_settings_maximum_applies_when_the_task_sets_none(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads", max_retries=0)
    try:
        record = wait_final(qtbot, app, app.submit_task("test.flaky", kwargs={"fails": 1}))
        assert record.state is TaskState.FAILURE and record.retries == 0 and lab.calls["flaky"] == 1
    finally:
        app.close()


def test_retry_after_sets_a_persisted_eta_that_survives_a_restart(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    task_id = app.submit_task("test.flaky", kwargs={"fails": 1, "retry_after": 3600})
    wait_state(qtbot, app, task_id, TaskState.RETRY)
    record = app.get_task(task_id)
    assert record.retries == 1 and record.error == "try 0 failed"
    assert (record.error_kind, record.error_retry_after) == ("http_5xx", 3600)
    assert record.eta is not None and record.eta - record.queued_at >= timedelta(seconds=3599)
    app.close()

    again = make_app("threads")
    try:
        again.start(scheduler=False)
        after = again.get_task(task_id)
        assert after.state is TaskState.RETRY and after.eta == record.eta  # not run early, eta kept
        assert task_id in again.task_manager._timer.pending()  # type: ignore[union-attr]
        # A cancelled retry is never tried again.
        assert again.cancel_task(task_id).state is TaskState.REVOKED
        assert again.task_manager._timer.pending() == []  # type: ignore[union-attr]
        assert lab.calls["flaky"] == 1
    finally:
        again.close()


def test_cancel_while_waiting_for_a_retry_in_the_sync_executor(lab: Lab, qtbot: Any) -> None:
    """The inline executor waits for the retry time in the caller; a cancel from another thread ends it."""

    app = make_app("sync", retry_base_delay=3600.0, retry_max_delay=3600.0)
    try:
        events: list[str] = []
        threads: list[threading.Thread] = []

        def on_event(event: Any) -> None:
            events.append(event.state)
            if event.state == "RETRY":
                # From a thread of its own, as a GUI or API would.
                threads.append(threading.Thread(target=app.cancel_task, args=(event.task_id,)))
                threads[-1].start()

        app.subscribe(on_event)
        task_id = app.submit_task("test.flaky", kwargs={"fails": 5})
        for thread in threads:
            thread.join(10)  # the canceller may still be telling listeners when the executor returns
        record = app.get_task(task_id)
        assert record.state is TaskState.REVOKED and lab.calls["flaky"] == 1
        assert events[-1] == "REVOKED"
    finally:
        for thread in threads:
            thread.join(10)
        app.close()


@pytest.fixture
def fetch_task(lab: Lab) -> Any:
    @registry.task("test.fetch", queue="scraping")
    def fetch(ctx: Any, url: str) -> dict[str, Any]:
        result = ctx.services.fetcher.fetch(url, cancel=ctx.cancel_event, use_cache=False)
        return {"status": result.status, "length": len(result.html or "")}

    yield fetch
    registry.unregister("test.fetch")


def _fetch_app(executor: str) -> PriceWatch:
    app = make_app(executor)
    app.settings.fetch.per_host_delay = 0.0
    return app


@pytest.mark.parametrize("executor", ["threads", "sync"])
def test_server_failing_then_recovering(
    executor: str, page_server: PageServer, fetch_task: Any, qtbot: Any
) -> None:
    url = page_server.add_sequence(
        "/flaky", [Reply("down", status=503), Reply("down", status=502), Reply(PAGE)]
    )
    app = _fetch_app(executor)
    try:
        record = wait_final(qtbot, app, app.submit_task("test.fetch", kwargs={"url": url}))
        assert record.state is TaskState.SUCCESS and record.retries == 2
        assert record.result == {"status": 200, "length": len(PAGE)}
        assert page_server.hits("/flaky") == 3
    finally:
        app.close()


def test_server_rate_limit_retry_after_is_honoured(
    page_server: PageServer, fetch_task: Any, qtbot: Any
) -> None:
    url = page_server.add_sequence(
        "/busy", [Reply("slow down", status=429, headers={"Retry-After": "1"}), Reply(PAGE)]
    )
    app = _fetch_app("threads")
    try:
        task_id = app.submit_task("test.fetch", kwargs={"url": url})
        wait_state(qtbot, app, task_id, TaskState.RETRY)
        waiting = app.get_task(task_id)
        first = page_server.requests("/busy")[0].at
        assert waiting.eta is not None and waiting.started_at is None
        record = wait_final(qtbot, app, task_id)
        assert record.state is TaskState.SUCCESS and record.retries == 1
        # The second request came no sooner than the server asked (base delay alone would be ~0.01 s).
        assert page_server.requests("/busy")[1].at - first >= 1.0
    finally:
        app.close()


def test_client_errors_are_not_retried(page_server: PageServer, fetch_task: Any, qtbot: Any) -> None:
    url = page_server.add("/gone", "gone", status=404)
    app = _fetch_app("threads")
    try:
        record = wait_final(qtbot, app, app.submit_task("test.fetch", kwargs={"url": url}))
        assert record.state is TaskState.FAILURE and record.retries == 0
        assert record.error and record.error.startswith("the page does not exist (HTTP 404)")
        assert (record.error_kind, record.error_status) == ("http_4xx", 404)
        assert page_server.hits("/gone") == 1
    finally:
        app.close()


def test_delay_timer_fires_in_time_order_and_honours_cancel() -> None:
    from pricewatch.tasks.timer import DelayTimer

    fired: list[str] = []
    done = threading.Event()

    def on_fire(key: str) -> None:
        fired.append(key)
        if key == "last":
            done.set()

    timer = DelayTimer(on_fire)
    try:
        timer.schedule("last", 0.05)
        timer.schedule("cancelled", 0.01)
        timer.schedule("first", 0.0)
        timer.cancel("cancelled")
        assert "cancelled" not in timer.pending() and "last" in timer.pending()
        assert done.wait(10)
        assert fired == ["first", "last"]
    finally:
        timer.stop()
    assert not timer._thread.is_alive()
    timer.schedule("after stop", 0.0)  # ignored, no thread to run it
    assert timer.pending() == []


def test_sync_executor_runs_a_batch_children_in_priority_order(lab: Lab) -> None:
    @registry.task("test.mixed_batch")
    def mixed(ctx: Any) -> None:
        ctx.submit("test.record", tag="low", priority=0)
        ctx.submit("test.record", tag="high", priority=10)
        ctx.submit("test.record", tag="mid", priority=5)

    app = make_app("sync")
    try:
        parent = app.submit_task("test.mixed_batch")
        assert app.get_task(parent).state is TaskState.SUCCESS
        assert lab.order == ["high", "mid", "low"]
    finally:
        registry.unregister("test.mixed_batch")
        app.close()
