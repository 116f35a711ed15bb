"""The periodic jobs: what they enqueue, when, and catch-up after the app was closed or the computer slept.

The scheduler's clocks are injected, so "three hours later" is a number, not a sleep. The app records what the
jobs enqueue (jobs only ever call ``app.submit_task``); a test at the end runs them through the real engine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]

from pricewatch.app import PriceWatch
from pricewatch.config import load_settings
from pricewatch.models import Availability, Product, TaskState, utcnow
from pricewatch.scheduling import META_PREFIX, WATCHDOG_SECONDS, CheckPlan, Scheduler
from pricewatch.tasks.builtin.price_tracking import due_grace


class RecordingApp(PriceWatch):
    """The real facade (real settings, real SQLite meta table) that records enqueued tasks."""

    def __init__(self) -> None:
        super().__init__(scheduler=Scheduler)
        self.submitted: list[tuple[str, dict[str, Any]]] = []
        self.submitted_event = threading.Event()
        self.fail_submits = False

    def submit_task(self, name: str, **options: Any) -> str:  # type: ignore[override]
        if self.fail_submits:
            raise RuntimeError("the journal is not available")
        self.submitted.append((name, options))
        self.submitted_event.set()
        return f"task-{len(self.submitted)}"

    def names(self) -> list[str]:
        return [name for name, _ in self.submitted]


class Clock:
    def __init__(self, start: datetime) -> None:
        self.wall = start
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, wall: timedelta, mono: timedelta | None = None) -> None:
        self.wall += wall
        self.mono += (wall if mono is None else mono).total_seconds()


T0 = datetime(2026, 3, 10, 10, 30, tzinfo=UTC)  # a Tuesday, half past ten (UTC is the local zone here)


@pytest.fixture
def app() -> Iterator[RecordingApp]:
    app = RecordingApp()
    yield app
    app.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


def make(app: PriceWatch, clock: Clock) -> Scheduler:
    scheduler = Scheduler(app, clock=clock.now, monotonic=clock.monotonic, timezone="UTC")
    app._closers.append(scheduler.shutdown)
    return scheduler


def set_last_run(app: PriceWatch, job_id: str, when: datetime) -> None:
    Scheduler(app, timezone="UTC")._set_last_run(job_id, when)


def test_first_start_sets_a_baseline_and_runs_nothing(app: RecordingApp, clock: Clock) -> None:
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    assert app.submitted == []
    infos = {info["id"]: info for info in scheduler.job_infos()}
    assert set(infos) == {"check_prices", "cleanup_old_data", "clear_old_cache", "update_exchange_rates"}
    assert all(info["last_run_at"] == T0 for info in infos.values())
    assert all(
        info["next_run_at"] is not None and info["next_run_at"].tzinfo is not None for info in infos.values()
    )
    assert infos["check_prices"]["task"] == "price_tracking.check_prices"


def test_jobs_follow_the_settings(app: RecordingApp, clock: Clock) -> None:
    app.settings.schedule.check_minute = 17
    app.settings.schedule.check_jitter_seconds = 0
    app.settings.schedule.cleanup_hour = 3
    app.settings.schedule.cleanup_minute = 45
    scheduler = make(app, clock)
    scheduler.start()
    infos = {info["id"]: info for info in scheduler.job_infos()}
    assert infos["check_prices"]["next_run_at"].minute == 17
    assert infos["check_prices"]["next_run_at"].second == 0
    assert (
        infos["cleanup_old_data"]["next_run_at"].hour,
        infos["cleanup_old_data"]["next_run_at"].minute,
    ) == (3, 45)
    job = scheduler._scheduler.get_job("check_prices")
    assert (job.coalesce, job.misfire_grace_time, job.max_instances) == (True, None, 1)


def test_the_check_can_run_more_often_than_hourly(app: RecordingApp, clock: Clock) -> None:
    app.settings.schedule.check_minute = 5
    app.settings.schedule.check_every_minutes = 20
    app.settings.schedule.check_jitter_seconds = 120  # at most a quarter of the gap between runs
    scheduler = make(app, clock)
    scheduler.start()
    slots = scheduler.check_plan().slots
    assert slots is not None
    fires, after = [], T0
    for _ in range(4):
        after = slots.get_next_fire_time(None, after + timedelta(seconds=1))
        fires.append(after.minute)
    assert fires == [45, 5, 25, 45]  # from T0, half past ten
    assert scheduler._scheduler.get_job("check_prices").trigger.jitter == 120
    # A run every 20 minutes takes products due within 5 minutes; one every minute, within one.
    assert scheduler.check_plan().grace == timedelta(minutes=5)
    scheduler.shutdown()
    app.settings.schedule.check_every_minutes = 1
    every_minute = make(app, clock)
    every_minute.start()
    assert every_minute._scheduler.get_job("check_prices").trigger.jitter == 15
    assert due_grace(1) == timedelta(minutes=1) and every_minute.check_plan().grace == timedelta(minutes=1)
    every_minute.shutdown()


def test_runs_missed_while_closed_run_once_each(app: RecordingApp, clock: Clock) -> None:
    set_last_run(app, "check_prices", T0 - timedelta(hours=5))  # five hourly slots missed
    set_last_run(app, "cleanup_old_data", T0 - timedelta(days=3))
    set_last_run(app, "clear_old_cache", T0 - timedelta(hours=7))
    set_last_run(app, "update_exchange_rates", T0 - timedelta(days=2))
    scheduler = make(app, clock)
    assert sorted(scheduler.run_missed()) == [
        "check_prices", "cleanup_old_data", "clear_old_cache", "update_exchange_rates",
    ]  # fmt: skip
    assert sorted(app.names()) == [
        "currency.update_rates", "maintenance.cleanup_old_data", "maintenance.clear_old_cache",
        "price_tracking.check_prices",
    ]  # fmt: skip
    _, options = next(s for s in app.submitted if s[0] == "price_tracking.check_prices")
    assert options == {"kwargs": {}, "priority": 0, "unique_key": "schedule:price_tracking.check_prices"}
    # Coalesced: asking again finds nothing missed, and the last runs moved to now.
    assert scheduler.run_missed() == []
    assert len(app.submitted) == 4
    assert all(info["last_run_at"] == T0 for info in scheduler.job_infos())


def test_nothing_runs_before_its_next_slot(app: RecordingApp, clock: Clock) -> None:
    set_last_run(app, "check_prices", datetime(2026, 3, 10, 10, 0, 40, tzinfo=UTC))  # this hour's run
    set_last_run(app, "cleanup_old_data", datetime(2026, 3, 10, 2, 0, 5, tzinfo=UTC))  # today's 02:00
    set_last_run(app, "clear_old_cache", T0 - timedelta(hours=5))
    scheduler = make(app, clock)
    assert scheduler.run_missed() == []
    clock.advance(timedelta(minutes=31))  # 11:01: the 11:00 check is due, nothing else
    assert scheduler.run_missed() == ["check_prices"]
    assert app.names() == ["price_tracking.check_prices"]


def test_catch_up_on_start_runs_on_the_scheduler_thread(app: RecordingApp, clock: Clock) -> None:
    set_last_run(app, "check_prices", T0 - timedelta(hours=2))
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    assert app.names() == ["price_tracking.check_prices"]


def test_wake_after_sleep_catches_up(app: RecordingApp, clock: Clock) -> None:
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    scheduler._check_clock()  # the watchdog's first tick after start
    clock.advance(timedelta(seconds=WATCHDOG_SECONDS))  # awake: both clocks move together
    assert scheduler._check_clock() is False
    assert app.submitted == []
    # The lid closes for three hours; the monotonic clock stands still meanwhile.
    clock.advance(timedelta(hours=3), mono=timedelta(seconds=WATCHDOG_SECONDS))
    assert scheduler._check_clock() is True
    assert app.names() == ["price_tracking.check_prices"]
    # APScheduler's own late firing of the same slot finds it done.
    assert scheduler._fire("check_prices") is False
    assert len(app.submitted) == 1


def test_apscheduler_firing_enqueues_through_the_facade(app: RecordingApp, clock: Clock) -> None:
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    clock.advance(timedelta(hours=1))  # the injected clock says the slot has come...
    # ...and APScheduler fires now.
    scheduler._scheduler.modify_job("check_prices", next_run_time=datetime.now(UTC))
    assert app.submitted_event.wait(10)
    assert app.names() == ["price_tracking.check_prices"]


def test_a_failed_enqueue_is_tried_again(app: RecordingApp, clock: Clock) -> None:
    set_last_run(app, "check_prices", T0 - timedelta(hours=2))
    scheduler = make(app, clock)
    app.fail_submits = True
    assert scheduler.run_missed() == []
    assert scheduler.last_run("check_prices") == T0 - timedelta(hours=2)  # not marked as run
    app.fail_submits = False
    assert scheduler.run_missed() == ["check_prices"]


def test_pause_is_remembered_and_stops_catch_up(app: RecordingApp, clock: Clock) -> None:
    set_last_run(app, "check_prices", T0 - timedelta(hours=2))
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    app.submitted.clear()
    set_last_run(app, "check_prices", T0 - timedelta(hours=2))
    scheduler.pause(True)
    assert load_settings(app.paths).settings.schedule.paused is True
    assert scheduler.run_missed() == []
    assert all(info["next_run_at"] is None for info in scheduler.job_infos())
    scheduler.caught_up.clear()
    scheduler.pause(False)
    assert scheduler.caught_up.wait(10)
    assert app.names() == ["price_tracking.check_prices"]
    assert load_settings(app.paths).settings.schedule.paused is False


def test_damaged_last_run_counts_as_never(app: RecordingApp, clock: Clock) -> None:
    with app.db.transaction() as conn:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)", (META_PREFIX + "check_prices", "yesterday")
        )
    scheduler = make(app, clock)
    assert scheduler.last_run("check_prices") is None
    assert scheduler.run_missed() == []  # treated as a first start: a new baseline, no run
    assert scheduler.last_run("check_prices") == T0


def test_shutdown_stops_the_thread(app: RecordingApp, clock: Clock) -> None:
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.running
    scheduler.shutdown()
    scheduler.shutdown()
    assert not scheduler.running
    assert not any(t.name.startswith("APScheduler") for t in threading.enumerate())


def test_missed_jobs_run_through_the_real_engine(page_server: Any) -> None:
    from tests.support.checks import fast_app, product_page

    app = fast_app()  # the real facade and engine, synchronous executor: the enqueued tasks run inline
    try:
        product = app.add_product(page_server.add("/due", product_page("7.00")))
        for job_id in ("check_prices", "cleanup_old_data", "clear_old_cache"):
            set_last_run(app, job_id, utcnow() - timedelta(days=2))
        assert sorted(app.scheduler.run_missed()) == ["check_prices", "cleanup_old_data", "clear_old_cache"]
        tasks = {t.name: t for t in app.list_tasks()}
        assert {tasks[name].state for name in (
            "price_tracking.check_prices", "maintenance.cleanup_old_data", "maintenance.clear_old_cache",
        )} == {TaskState.SUCCESS}  # fmt: skip
        assert tasks["price_tracking.check_prices"].priority == 0  # scheduled work yields to the user's
        assert str(app.get_product(product.id or 0).price) == "7.00"
        assert [job["id"] for job in app.scheduled_jobs()] == [
            "check_prices",
            "cleanup_old_data",
            "clear_old_cache",
            "update_exchange_rates",
        ]
        app.pause_schedule(True)
        assert app.scheduler.paused and app.scheduler.run_missed() == []
        app.pause_schedule(False)
    finally:
        app.close()


def test_the_watchdog_sends_the_quiet_hours_digest_once_over(app: RecordingApp, clock: Clock) -> None:
    from pricewatch.models import NotificationRecord, NotificationState

    app.settings.notify.quiet_hours_start, app.settings.notify.quiet_hours_end = "22:00", "07:00"
    scheduler = make(app, clock)
    clock.advance(timedelta(hours=13))  # 23:30: quiet
    assert scheduler.flush_held_notifications() is None  # nothing held yet
    held = NotificationRecord("Price drop", "Now 9.99 EUR", state=NotificationState.HELD)
    app.notification_records.add(held)
    assert scheduler.flush_held_notifications() is None  # held, but still quiet
    clock.advance(timedelta(hours=8))  # 07:30: quiet hours are over
    assert scheduler.flush_held_notifications() == "task-1"
    assert app.names() == ["notifications.flush_held"]


def test_first_start_checks_products_that_were_never_checked(app: RecordingApp, clock: Clock) -> None:
    app.add_product("https://shop.example/added-before-the-first-start")
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    assert app.submitted == [
        (
            "price_tracking.check_prices",
            {"kwargs": {}, "priority": 0, "unique_key": "schedule:price_tracking.check_prices"},
        )
    ]
    assert scheduler.last_run("check_prices") == T0  # the hourly rhythm is not moved


def test_start_checks_nothing_early_when_every_product_was_checked_or_is_paused(
    app: RecordingApp, clock: Clock
) -> None:
    checked = app.add_product("https://shop.example/checked")
    paused = app.add_product("https://shop.example/paused")
    app.products.set_fields(checked.id or 0, next_check_at=T0 + timedelta(minutes=50))
    app.update_product(paused.id or 0, paused=True)
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    assert app.submitted == []
    assert scheduler.check_never_checked() is None


def test_a_paused_schedule_does_not_check_new_products(app: RecordingApp, clock: Clock) -> None:
    app.add_product("https://shop.example/new")
    app.settings.schedule.paused = True
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    assert app.submitted == []


def test_a_missed_hourly_run_is_not_doubled_for_new_products(app: RecordingApp, clock: Clock) -> None:
    app.add_product("https://shop.example/new")
    set_last_run(app, "check_prices", T0 - timedelta(hours=2))
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    assert app.names() == ["price_tracking.check_prices"]


def test_a_product_added_before_the_very_first_start_gets_its_price_at_start(page_server: Any) -> None:
    from tests.support.checks import fast_app, product_page

    app = fast_app()  # the real engine, synchronous: the enqueued check runs on the catch-up thread
    try:
        product = app.add_product(page_server.add("/new", product_page("12.50")))
        app.start(scheduler=True)
        assert app.scheduler.caught_up.wait(30)
        assert str(app.get_product(product.id or 0).price) == "12.50"
        assert page_server.hits("/new") == 1
    finally:
        app.close()


def test_a_run_that_cannot_start_is_reported_with_its_slot(app: RecordingApp, clock: Clock) -> None:
    set_last_run(app, "check_prices", T0 - timedelta(hours=2))  # 08:30: the 09:00 and 10:00 slots missed
    scheduler = make(app, clock)
    messages: list[str] = []
    unsubscribe = scheduler.on_failure(messages.append)
    app.fail_submits = True
    assert scheduler.run_missed() == []
    assert messages == ["The 10:00 price check could not start: the journal is not available"]
    assert scheduler.failure() == messages[0]  # kept for the status bar until a run starts
    unsubscribe()
    scheduler.run_missed()
    assert len(messages) == 1  # none after unsubscribing
    app.fail_submits = False
    assert scheduler.run_missed() == ["check_prices"]
    assert scheduler.failure() is None


def test_next_check_is_the_run_that_really_takes_the_product() -> None:
    next_run = T0.replace(hour=11, minute=1, second=30)  # the 11:00 slot, 90 s of jitter
    plan = CheckPlan(next_run, CronTrigger(minute=0, timezone="UTC"))

    def due(hour: int, minute: int) -> Product:
        return Product(url="https://shop.example/p", next_check_at=T0.replace(hour=hour, minute=minute))

    # Due by the next run (or within its 5-minute grace): that run takes it, whatever the stored time says.
    assert plan.for_product(due(10, 45)) == next_run
    assert plan.for_product(due(11, 6)) == next_run
    assert plan.for_product(Product(url="https://shop.example/new")) == next_run  # never checked
    # Due at 11:47 on the hourly schedule: the 11:00 run leaves it, the 12:00 run takes it.
    assert plan.for_product(due(11, 47)) == T0.replace(hour=12, minute=0)
    assert plan.for_product(due(12, 4)) == T0.replace(hour=12, minute=0)
    assert plan.for_product(due(12, 6)) == T0.replace(hour=13, minute=0)
    assert plan.for_product(Product(url="https://shop.example/p", paused=True)) == "paused"


def test_the_check_plan_follows_the_scheduler(app: RecordingApp, clock: Clock) -> None:
    scheduler = make(app, clock)
    assert scheduler.check_plan() == CheckPlan(None, None, "scheduler off")
    scheduler.start()
    plan = scheduler.check_plan()
    job = next(info for info in scheduler.job_infos() if info["id"] == "check_prices")
    assert plan.state is None and plan.next_run == job["next_run_at"] is not None
    scheduler.pause()
    assert scheduler.check_plan() == CheckPlan(None, None, "checks paused")


def test_the_rates_job_runs_daily_at_its_hour(app: RecordingApp, clock: Clock) -> None:
    app.settings.currency.update_hour = 18
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)  # the start's own catch-up is over: the run below is the test's
    infos = {info["id"]: info for info in scheduler.job_infos()}
    job = infos["update_exchange_rates"]
    assert job["task"] == "currency.update_rates"
    assert (job["next_run_at"].hour, job["next_run_at"].minute) == (18, 5)
    set_last_run(app, "update_exchange_rates", T0 - timedelta(days=1))
    assert scheduler.run_missed() == ["update_exchange_rates"]


def test_a_price_to_convert_and_no_rates_fetches_them_at_start(app: RecordingApp, clock: Clock) -> None:
    product = app.add_product("https://shop.example/kettle")
    app.observations.record_check(product.id or 0, checked_at=T0, price=Decimal("10"), currency="USD",
                                  availability=Availability.IN_STOCK)  # fmt: skip
    scheduler = make(app, clock)
    scheduler.start()
    assert scheduler.caught_up.wait(10)
    assert "currency.update_rates" in app.names()
    app.rates.replace({"USD": Decimal("1.25")}, T0.date(), "test")
    assert not app.rates_missing() and scheduler.fetch_missing_rates() is None
