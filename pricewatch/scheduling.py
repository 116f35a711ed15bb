"""Periodic jobs: APScheduler fires them, and every job only enqueues a task.

Jobs: the hourly price check (``settings.schedule.check_minute``, with jitter), the daily clean-up
(``cleanup_hour:cleanup_minute`` local time), the cache clean-up every ``cache_cleanup_hours`` and the daily
exchange-rate update (``settings.currency.update_hour``). A watchdog
ticks every 30 s: it notices wake-ups and, when quiet hours are over, sends what they held as one digest.

APScheduler forgets everything when the program exits and, after a suspend, fires late (its waits run on the
monotonic clock, which stops while the computer sleeps). So each job's last run is kept in the ``meta`` table,
and runs that were missed while the app was closed or the computer slept run once (coalesced) on start and
on wake. Wake is noticed by a small watchdog job comparing the wall clock with the monotonic clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent  # type: ignore[import-untyped]
from apscheduler.schedulers.background import BackgroundScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.base import BaseTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from pricewatch.models import Product, utcnow
from pricewatch.storage.codec import time_from_db, time_to_db
from pricewatch.tasks.builtin.price_tracking import DUE_GRACE, due_grace

if TYPE_CHECKING:
    from pricewatch.app import PriceWatch

log = logging.getLogger(__name__)

META_PREFIX = "schedule.last_run."
WATCHDOG_SECONDS = 30
WAKE_THRESHOLD = timedelta(seconds=90)  # wall clock ahead of the monotonic clock by more: we slept
_WATCHDOG_ID = "_watchdog"


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A periodic job: ``task`` with ``kwargs`` on ``trigger``; ``due_after(last)`` ignores jitter."""

    id: str
    name: str
    task: str
    trigger: BaseTrigger
    due_after: Callable[[datetime], datetime]  # the first scheduled time after a run at ``last``
    kwargs: dict[str, Any]
    label: str = "scheduled job"  # what the user reads: "The 07:00 {label} could not start"


@dataclass(frozen=True, slots=True)
class CheckPlan:
    """When the hourly job will really check a product, from the job's next run and its slots.

    The job runs at ``check_minute`` (plus jitter) and takes the products due within ``DUE_GRACE`` of its run.
    A product due at 07:47 on an hourly schedule is therefore checked at about 08:00: never earlier than its
    interval asks (less the grace), and at the first run that may take it. ``state`` says why there is no run:
    "checks paused" (the whole schedule) or "scheduler off" (this process runs no scheduler).
    """

    next_run: datetime | None  # the job's next run, jitter included
    slots: CronTrigger | None  # the job's fire times without jitter
    state: str | None = None
    grace: timedelta = DUE_GRACE  # how early a run takes a product that is due soon

    def for_product(self, product: Product) -> datetime | str:
        """The time of the run that will check ``product``, or why none will ("paused", "checks paused")."""
        if product.paused:
            return "paused"
        if self.state is not None or self.next_run is None or self.slots is None:
            return self.state or "not scheduled"
        due = product.next_check_at
        if due is None or due - self.grace <= self.next_run:  # never checked, overdue or due by the next run
            return self.next_run
        slot: datetime | None = self.slots.get_next_fire_time(None, due - self.grace)
        return slot.astimezone(UTC) if slot is not None else "not scheduled"


def _cron_due(trigger: CronTrigger) -> Callable[[datetime], datetime]:
    def due_after(last: datetime) -> datetime:
        # One second on: a run exactly at a fire time must not count as missing that same fire time.
        fire: datetime | None = trigger.get_next_fire_time(None, last + timedelta(seconds=1))
        assert fire is not None  # our cron expressions never end
        return fire

    return due_after


class Scheduler:
    """The periodic jobs of one :class:`~pricewatch.app.PriceWatch`.

    ``clock`` (aware UTC now) and ``monotonic`` are injectable: catch-up and wake are tested without sleeps.
    """

    def __init__(
        self,
        app: PriceWatch,
        *,
        clock: Callable[[], datetime] = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        timezone: tzinfo | str | None = None,
    ) -> None:
        self._app = app
        self._clock = clock
        self._monotonic = monotonic
        self._lock = threading.RLock()  # one firing at a time: catch-up, watchdog and APScheduler may race
        options = app.settings.schedule
        self._scheduler = BackgroundScheduler(
            timezone=timezone,
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        tz = self._scheduler.timezone
        every = options.check_every_minutes
        minutes = str(options.check_minute) if every >= 60 else f"{options.check_minute % every}-59/{every}"
        check = CronTrigger(minute=minutes, timezone=tz)
        # The jitter spreads the runs of many computers over time; it never reaches the next run.
        jitter = min(options.check_jitter_seconds, every * 60 // 4) or None
        jittered = CronTrigger(minute=minutes, timezone=tz, jitter=jitter)
        cleanup = CronTrigger(hour=options.cleanup_hour, minute=options.cleanup_minute, timezone=tz)
        cache_period = timedelta(hours=max(1, options.cache_cleanup_hours))
        rates = CronTrigger(hour=app.settings.currency.update_hour, minute=5, timezone=tz)
        self.jobs: tuple[JobSpec, ...] = (
            JobSpec(
                "check_prices", "Check prices of due products", "price_tracking.check_prices",
                jittered, _cron_due(check), {}, "price check",
            ),
            JobSpec(
                "cleanup_old_data", "Clean up old tasks and notifications", "maintenance.cleanup_old_data",
                cleanup, _cron_due(cleanup), {}, "clean-up",
            ),
            JobSpec(
                "clear_old_cache", "Drop expired cache entries", "maintenance.clear_old_cache",
                IntervalTrigger(seconds=int(cache_period.total_seconds()), timezone=tz),
                lambda last: last + cache_period, {}, "cache clean-up",
            ),
            JobSpec(
                "update_exchange_rates", "Fetch the day's exchange rates", "currency.update_rates",
                rates, _cron_due(rates), {}, "exchange-rate update",
            ),
        )  # fmt: skip
        self._specs = {spec.id: spec for spec in self.jobs}
        self._check_slots = check
        self._last_wall: datetime | None = None
        self._last_mono: float | None = None
        self._started = False
        self._catch_up_thread: threading.Thread | None = None
        self.caught_up = threading.Event()  # set after the first catch-up since start (tests wait on it)
        self._failure_listeners: list[Callable[[str], Any]] = []
        self._failures: dict[str, str] = {}  # job id -> why its last run could not start (until one does)

    # -- life cycle -------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start firing jobs; missed runs are caught up at once on the scheduler's thread."""
        with self._lock:
            if self._started:
                return
            self._started = True
            now = self._clock()
            for spec in self.jobs:
                trigger = spec.trigger
                last = self.last_run(spec.id)
                if last is None:
                    # Nothing can have been missed before the first start: this is the baseline.
                    self._set_last_run(spec.id, now)
                elif isinstance(trigger, IntervalTrigger):
                    # Keep the 6-hour rhythm across restarts instead of restarting the period now.
                    trigger = IntervalTrigger(
                        seconds=int(trigger.interval.total_seconds()),
                        start_date=last,
                        timezone=trigger.timezone,
                    )
                self._scheduler.add_job(self._fire, trigger, args=[spec.id], id=spec.id, name=spec.name)
            self._scheduler.add_job(
                self._watchdog,
                IntervalTrigger(seconds=WATCHDOG_SECONDS),
                id=_WATCHDOG_ID,
                name="wake watch",
            )
            self._scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
            self._scheduler.start(paused=self.paused)
            self._mark_clock()
            self._spawn_catch_up()

    def shutdown(self) -> None:
        """Stop the scheduler thread (waits for a job that is enqueueing); safe to call twice."""
        with self._lock:
            if not self._started:
                return
            self._started = False
            catch_up, self._catch_up_thread = self._catch_up_thread, None
        self._scheduler.shutdown(wait=True)
        if catch_up is not None:
            catch_up.join()

    @property
    def running(self) -> bool:
        return self._started

    @property
    def paused(self) -> bool:
        return bool(self._app.settings.schedule.paused)

    def pause(self, paused: bool = True) -> None:
        """Pause or resume every job; remembered in the settings so a restart keeps it."""
        self._app.settings.schedule.paused = paused
        self._app.save_settings()
        if self._started:
            if paused:
                self._scheduler.pause()
            else:
                self._scheduler.resume()
                self._spawn_catch_up()

    # -- what the UI shows ------------------------------------------------------------------------------
    def job_infos(self) -> list[dict[str, Any]]:
        """One dict per job: id, name, task, next_run_at (None while paused or stopped), last_run_at."""
        infos = []
        for spec in self.jobs:
            next_run: datetime | None = None
            if self._started and not self.paused:
                job = self._scheduler.get_job(spec.id)
                next_run = getattr(job, "next_run_time", None) if job else None
            infos.append(
                {
                    "id": spec.id,
                    "name": spec.name,
                    "task": spec.task,
                    "next_run_at": next_run.astimezone(UTC) if next_run else None,
                    "last_run_at": self.last_run(spec.id),
                }
            )
        return infos

    def on_failure(self, callback: Callable[[str], Any]) -> Callable[[], None]:
        """Call ``callback(message)`` (on the scheduler's thread) when a job could not enqueue its task.

        The message reads "The 07:00 price check could not start: <reason>". Returns an unsubscribe function.
        """
        self._failure_listeners.append(callback)
        return lambda: self._failure_listeners.remove(callback)

    def _report_failure(self, spec: JobSpec, last: datetime, now: datetime, exc: Exception) -> None:
        slot = spec.due_after(last)
        while (following := spec.due_after(slot)) <= now:  # the latest slot missed, as the user knows it
            slot = following
        local = slot.astimezone(self._scheduler.timezone)
        message = f"The {local:%H:%M} {spec.label} could not start: {exc}"
        self._failures.pop(spec.id, None)
        self._failures[spec.id] = message  # the newest last
        for callback in list(self._failure_listeners):
            try:
                callback(message)
            except Exception:  # a listener must not stop the scheduler's thread
                log.exception("scheduler failure listener failed")

    def check_plan(self) -> CheckPlan:
        """What the product table's "Next check" needs: the price check's next run and its slots."""
        if self.paused:
            return CheckPlan(None, None, "checks paused")
        if not self._started:
            return CheckPlan(None, None, "scheduler off")
        job = self._scheduler.get_job("check_prices")
        next_run: datetime | None = getattr(job, "next_run_time", None) if job else None
        return CheckPlan(
            next_run.astimezone(UTC) if next_run else None,
            self._check_slots,
            grace=due_grace(self._app.settings.schedule.check_every_minutes),
        )

    def failure(self) -> str | None:
        """Why the latest scheduled run that failed could not start, until that job starts a run again."""
        failures = list(self._failures.values())
        return failures[-1] if failures else None

    # -- firing -----------------------------------------------------------------------------------------
    def run_missed(self) -> list[str]:
        """Run once every job whose scheduled time passed since its last run; returns the job ids fired."""
        if self.paused:
            return []
        fired = []
        for spec in self.jobs:
            if self._fire(spec.id, reason="catch-up"):
                fired.append(spec.id)
        return fired

    def _spawn_catch_up(self) -> None:
        # On a thread of its own: with the synchronous executor an enqueued task runs inline, and start()
        # must not wait for a whole price check.
        previous = self._catch_up_thread
        if previous is not None:
            previous.join()
        self._catch_up_thread = threading.Thread(
            target=self._catch_up, name="pricewatch-catch-up", daemon=True
        )
        self._catch_up_thread.start()

    def _catch_up(self) -> None:
        try:
            fired = self.run_missed()
            if "check_prices" not in fired:
                self.check_never_checked()
            if "update_exchange_rates" not in fired:
                self.fetch_missing_rates()
        finally:
            self.caught_up.set()

    def check_never_checked(self) -> str | None:
        """Enqueue the due-price check now if a product was never checked (added while no engine ran).

        The first start only sets a baseline and a product added since the last slot would wait for the next
        hourly run: its price would stay unknown for up to an hour. The hourly slot's last run is not moved.
        """
        if self.paused:
            return None
        with self._lock:
            waiting = self._app.products.due(self._clock(), limit=1)
            if not waiting or waiting[0].next_check_at is not None:  # never-checked products come first
                return None
            try:
                task_id = self._submit(self._specs["check_prices"])
            except Exception:  # like a job: never kill the scheduler's thread; the hourly run comes anyway
                log.exception("could not enqueue the check of never-checked products")
                return None
        log.info("products never checked: enqueued %s", self._specs["check_prices"].task)
        return task_id

    def fetch_missing_rates(self) -> str | None:
        """Enqueue the rate update now when a price needs converting and no rates were ever stored (the
        first start only sets the daily job's baseline: the prices would stay unconverted for up to a day)."""
        if self.paused:
            return None
        with self._lock:
            if not self._app.rates_missing():
                return None
            try:
                return self._submit(self._specs["update_exchange_rates"])
            except Exception:  # like a job: never kill the scheduler's thread; the daily run comes anyway
                log.exception("could not enqueue the first exchange-rate update")
                return None

    def run_now(self, job_id: str) -> str:
        """Enqueue a job's task now, whatever its schedule; returns the task id."""
        spec = self._specs[job_id]
        with self._lock:
            task_id = self._submit(spec)
            self._set_last_run(spec.id, self._clock())
        return task_id

    def _fire(self, job_id: str, reason: str = "schedule") -> bool:
        """Enqueue the job's task unless its current slot already ran (catch-up and APScheduler both fire)."""
        spec = self._specs[job_id]
        with self._lock:
            now = self._clock()
            last = self.last_run(job_id)
            if last is None:  # never ran (or the value was damaged): nothing was missed, start counting now
                self._set_last_run(job_id, now)
                return False
            if spec.due_after(last) > now:
                return False
            try:
                self._submit(spec)
            except Exception as exc:  # a job must never kill the scheduler thread; the next slot tries again
                log.exception("scheduled job %s could not enqueue %s", job_id, spec.task)
                self._report_failure(spec, last, now, exc)
                return False
            self._set_last_run(job_id, now)
            self._failures.pop(job_id, None)
        log.info("scheduled job %s (%s) enqueued %s", job_id, reason, spec.task)
        return True

    def _submit(self, spec: JobSpec) -> str:
        return self._app.submit_task(
            spec.task, kwargs=dict(spec.kwargs), priority=0, unique_key=f"schedule:{spec.task}"
        )

    # -- sleep and wake ---------------------------------------------------------------------------------
    def _mark_clock(self) -> None:
        self._last_wall, self._last_mono = self._clock(), self._monotonic()

    def _watchdog(self) -> None:
        self._check_clock()
        try:
            self.flush_held_notifications()
        except Exception:  # the next tick tries again; the watchdog must keep ticking
            log.exception("could not enqueue the quiet-hours digest")

    def flush_held_notifications(self) -> str | None:
        """Once quiet hours are over, enqueue the digest of what they held; returns the task id, if any."""
        notifier = self._app.notifier
        if notifier.in_quiet_hours(self._clock()) or not self._app.notification_records.held():
            return None
        return self._app.submit_task(
            "notifications.flush_held", priority=0, unique_key="schedule:notifications.flush_held"
        )

    def _check_clock(self) -> bool:
        """Watchdog tick: if the wall clock ran ahead of the monotonic clock, the computer slept; catch up."""
        wall, mono = self._clock(), self._monotonic()
        last_wall, last_mono = self._last_wall, self._last_mono
        self._last_wall, self._last_mono = wall, mono
        if last_wall is None or last_mono is None:
            return False
        drift = (wall - last_wall) - timedelta(seconds=mono - last_mono)
        if drift < WAKE_THRESHOLD:
            return False
        log.info("woke up after about %s; catching up missed jobs", drift)
        if self._started:
            self._scheduler.wakeup()  # APScheduler recomputes its wait from the wall clock
        self.run_missed()
        return True

    def _on_missed(self, event: JobExecutionEvent) -> None:
        if event.job_id in self._specs:
            self._fire(event.job_id, reason="missed")

    # -- last-run bookkeeping (the meta table) ----------------------------------------------------------
    def last_run(self, job_id: str) -> datetime | None:
        row = (
            self._app.db.conn()
            .execute("SELECT value FROM meta WHERE key = ?", (META_PREFIX + job_id,))
            .fetchone()
        )
        if row is None:
            return None
        try:
            return time_from_db(row[0])
        except ValueError:  # a damaged value: treat as never run rather than failing the scheduler
            return None

    def _set_last_run(self, job_id: str, when: datetime) -> None:
        with self._app.db.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (META_PREFIX + job_id, time_to_db(when)),
            )
