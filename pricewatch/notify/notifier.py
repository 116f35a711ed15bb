"""The notifier: sends through the channels, keeps the log, applies the daily cap and quiet hours.

Channels form delivery groups: the local group is the desktop with the tray as its fallback (the tray is tried
only when the desktop is off or fails), and every Apprise URL is a group of its own. A notification is SENT
when at least one group delivered it; groups that failed for a reason that may pass are reported as
``retry`` so the ``notifications`` task queue tries again, and a retry only resends through the groups that
have not delivered yet (the record remembers them), so nobody gets the same alert twice.

Every notification is a :class:`~pricewatch.models.NotificationRecord`: PENDING while sending, SENT or FAILED
(with the error) after, HELD during quiet hours until :meth:`Notifier.flush_held` sends them as one digest,
SUPPRESSED (with the reason; never sent, never retried) when the daily cap per product held it back.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from pricewatch.config import NotifyOptions
from pricewatch.models import UNTIL_PRICE_CHANGES, NotificationRecord, NotificationState, utcnow
from pricewatch.notify.channels import (
    Channel,
    ChannelError,
    ChannelUnavailable,
    TrayChannel,
    apprise_channels,
)
from pricewatch.notify.desktop import DesktopChannel
from pricewatch.notify.digest import DIGEST_THRESHOLD, digest_text
from pricewatch.notify.quiet import QuietHours
from pricewatch.notify.sanitize import clean_message, clean_title
from pricewatch.storage.codec import time_from_json
from pricewatch.storage.notifications import NotificationRepository
from pricewatch.text import clean_text

log = logging.getLogger(__name__)

CAP_WINDOW = timedelta(days=1)
# How long a digest's claim on held notifications holds when its process cannot be checked (another host).
CLAIM_LEASE = timedelta(minutes=10)
NO_CHANNEL = "no notification channel is enabled (settings: notify.desktop, notify.tray, notify.apprise_urls)"


def _lease_holds(_claimer: str | None, lease: datetime | None, now: datetime) -> bool:
    return lease is not None and lease > now


def cap_reason(cap: int) -> str:
    """Why a notification was suppressed (shown in the log beside the SUPPRESSED state)."""
    return f"held by the daily cap: {cap} notifications for this product in the last 24 hours already"


def snooze_reason(until: datetime | None, rule: bool = False) -> str:
    """Why a notification of a snoozed product (or alert rule) was suppressed."""
    what = "the alert rule" if rule else "the product"
    if until is None:
        return f"{what} is snoozed"
    if until == UNTIL_PRICE_CHANGES:
        return f"{what} is snoozed until {'the' if rule else 'its'} price changes"
    return f"{what} is snoozed until {until.strftime('%Y-%m-%d %H:%M')} UTC"


def _snoozed(record: NotificationRecord, until: datetime | None, rule: bool) -> NotificationRecord:
    """Mark ``record`` held back by a snooze, with the reason and, for the window, the snooze's end."""
    record.state = NotificationState.SUPPRESSED
    record.error = snooze_reason(until, rule)
    record.data["snoozed"] = True
    if until is not None:
        record.data["snoozed_until"] = until.isoformat()  # for the window to say it in its language
    return record


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one channel did with one notification."""

    channel: str
    ok: bool
    detail: str
    permanent: bool = False  # a failure that retrying cannot fix

    def to_json(self) -> dict[str, Any]:
        return {"channel": self.channel, "ok": self.ok, "detail": self.detail, "permanent": self.permanent}


@dataclass(slots=True)
class SendResult:
    """A notification's record after a send, what each channel did, and whether a retry could still help."""

    record: NotificationRecord
    deliveries: list[Delivery] = field(default_factory=list)
    retry: bool = False

    @property
    def sent(self) -> bool:
        return self.record.state is NotificationState.SENT


class Notifier:
    """Thread-safe; called from task workers, the GUI thread (test notification) and timers."""

    def __init__(
        self,
        records: NotificationRepository,
        options: Callable[[], NotifyOptions],
        *,
        desktop: Channel | None = None,
        tray: TrayChannel | None = None,
        apprise: Callable[[Sequence[str]], Sequence[Channel]] = apprise_channels,
        clock: Callable[[], datetime] = utcnow,
        tz: tzinfo | None = None,
        claimer: str = "",
        alive: Callable[[str | None, datetime | None, datetime], bool] = _lease_holds,
        snoozed_until: Callable[[int], datetime | None] | None = None,
    ) -> None:
        self.records = records
        self._options = options
        self.desktop: Channel = desktop if desktop is not None else DesktopChannel()
        self.tray = tray if tray is not None else TrayChannel()
        self._apprise = apprise
        self._clock = clock
        self._tz = tz  # quiet hours are read in this zone; None: the computer's local time
        self._flush_lock = threading.Lock()
        # Who claims held notifications for a digest, and whether a claimer still lives (the facade passes the
        # task engine's process identity; alone, a claim holds for its lease).
        self._claimer = claimer
        self._alive = alive
        self._warned: set[str] = set()
        self._snoozed_until = snoozed_until  # a product's snooze ("Snooze 1 day" on its notification)

    # -- configuration ---------------------------------------------------------------------------------
    def groups(self) -> list[list[Channel]]:
        options = self._options()
        local: list[Channel] = []
        if options.desktop:
            local.append(self.desktop)
        if options.tray:
            local.append(self.tray)
        groups = [local] if local else []
        groups += [[channel] for channel in self._apprise(options.apprise_urls)]
        return groups

    def quiet_hours(self) -> QuietHours:
        options = self._options()
        try:
            return QuietHours.parse(options.quiet_hours_start, options.quiet_hours_end)
        except ValueError as exc:
            if str(exc) not in self._warned:  # once per process, not once per notification
                self._warned.add(str(exc))
                log.warning("quiet hours ignored: %s", exc)
            return QuietHours(None, None)

    def in_quiet_hours(self, now: datetime | None = None) -> bool:
        return self.quiet_hours().active(now or self._clock(), self._tz)

    def quiet_hours_end(self, now: datetime | None = None) -> datetime | None:
        """When the current quiet hours end (None outside them): the moment to call :meth:`flush_held`."""
        return self.quiet_hours().ends_at(now or self._clock(), self._tz)

    # -- sending -----------------------------------------------------------------------------------------
    def send(
        self,
        title: str,
        message: str,
        *,
        product_id: int | None = None,
        data: Mapping[str, Any] | None = None,
        key: str | None = None,
        force: bool = False,
    ) -> SendResult:
        """Send one notification now (or hold it for quiet hours, or refuse it over the daily cap).

        ``key`` makes the send idempotent: a retry with the same key continues the same record (a SENT one is
        not sent again). ``force`` (the test notification) ignores quiet hours and the cap.
        """
        if key is not None:
            existing = self.records.get_by_key(key)
            if existing is not None:
                return self._resume(existing)
        record = self._new_record(title, message, product_id, data, force)
        record = self._insert(record, key)
        if record.state is not NotificationState.PENDING:
            return SendResult(record)
        if not force:
            self.flush_held()  # quiet hours are over: what they held goes out first, as its digest
        return self._deliver(record)

    def send_batch(
        self, items: Sequence[Mapping[str, Any]], *, key: str | None = None, force: bool = False
    ) -> list[SendResult]:
        """Send many; more than :data:`DIGEST_THRESHOLD` at once go out as one digest per channel.

        Each item is a mapping with ``title``, ``message`` and optional ``product_id`` and ``data``. Every
        item gets its own record either way (the log shows each alert); digested items point at their digest.
        """
        if len(items) <= DIGEST_THRESHOLD:
            return [
                self.send(
                    str(item.get("title", "")),
                    str(item.get("message", "")),
                    product_id=item.get("product_id"),
                    data=item.get("data"),
                    key=None if key is None else f"{key}:{i}",
                    force=force,
                )
                for i, item in enumerate(items)
            ]
        records: list[NotificationRecord] = []
        for i, item in enumerate(items):
            item_key = None if key is None else f"{key}:{i}"
            existing = self.records.get_by_key(item_key) if item_key else None
            if existing is None:
                record = self._new_record(
                    str(item.get("title", "")), str(item.get("message", "")), item.get("product_id"),
                    item.get("data"), force,
                )  # fmt: skip
                if record.state is NotificationState.PENDING:
                    record.state = NotificationState.HELD  # delivered below, with the others, in one digest
                existing = self._insert(record, item_key)
            records.append(existing)
        digest = self.flush_held(force=force)
        results = []
        for record in records:
            fresh = self.records.get(record.id or 0) or record
            results.append(
                SendResult(fresh, digest.deliveries if digest else [], bool(digest and digest.retry))
            )
        return results

    def flush_held(self, *, force: bool = False) -> SendResult | None:
        """Outside quiet hours (or with ``force``), send everything HELD as one digest; None if nothing to do.

        Call it when quiet hours end (the scheduler's watchdog, a one-shot ``check``); every send outside
        quiet hours calls it too. Several processes may call it at once: the held rows are claimed for one
        digest in one SQLite transaction (:meth:`NotificationRepository.claim_held`), so one of them sends it.
        A digest no channel delivered gives its rows back for the next flush; so does one whose process died
        mid-send (then the next digest may repeat it: at least once, never lost).
        """
        with self._flush_lock:
            now = self._clock()
            if not force and self.in_quiet_hours(now):
                return None

            def compose(held: list[NotificationRecord]) -> NotificationRecord:
                ids = [r.id for r in held if r.id is not None]
                title, message = digest_text([(r.title, r.message) for r in held])
                return NotificationRecord(title, message, data={"digest_of": ids}, created_at=now)

            claim = {"by": self._claimer, "until": (now + CLAIM_LEASE).isoformat()}
            claimed = self.records.claim_held(compose, claim, self._claim_alive)
            if claimed is None:
                return None
            digest, held = claimed
            assert digest.id is not None
            result: SendResult | None = None
            try:
                result = self._deliver(digest)
            finally:
                if result is not None and result.record.channels:  # delivered through at least one group
                    ids = [r.id for r in held if r.id is not None]
                    self.records.mark_digested(ids, digest.id, result.record.sent_at or now)
                else:
                    self.records.release_claim(digest.id)
            return result

    def _claim_alive(self, claim: Mapping[str, Any]) -> bool:
        """Whether the process that claimed held notifications for a digest may still be sending it."""
        by, until = claim.get("by"), claim.get("until")
        try:
            lease = datetime.fromisoformat(until) if isinstance(until, str) else None
        except ValueError:
            lease = None
        return self._alive(str(by) if by else None, lease, self._clock())

    # -- internals ---------------------------------------------------------------------------------------
    def _new_record(
        self,
        title: str,
        message: str,
        product_id: int | None,
        data: Mapping[str, Any] | None,
        force: bool,
    ) -> NotificationRecord:
        now = self._clock()
        record = NotificationRecord(
            title=clean_title(title) or "PriceWatch",
            message=clean_message(message),
            product_id=product_id,
            data=dict(data or {}),
            created_at=now,
        )
        if force:
            return record
        rule_snooze = record.data.get("snoozed_rule")
        if isinstance(rule_snooze, dict):
            # What a snoozed alert rule would have said (see AlertBook.evaluate): logged, never sent.
            return _snoozed(record, time_from_json(rule_snooze.get("until")), rule=True)
        until = self._snoozed_until(product_id) if product_id is not None and self._snoozed_until else None
        if until is not None and until > now:
            # The user asked for quiet about this product: logged, never sent, never retried.
            return _snoozed(record, until, rule=False)
        cap = self._options().daily_cap_per_product
        capped = product_id is not None and cap > 0
        if capped and self.records.count_sent_since(product_id or 0, now - CAP_WINDOW) >= cap:
            # The user's own limit, not a failure: SUPPRESSED, with the reason, and never retried.
            record.state = NotificationState.SUPPRESSED
            record.error = cap_reason(cap)
            record.data["capped"] = True
            return record
        if self.in_quiet_hours(now):
            record.state = NotificationState.HELD
        return record

    def _insert(self, record: NotificationRecord, key: str | None) -> NotificationRecord:
        try:
            return self.records.add(record, dedup_key=key)
        except sqlite3.IntegrityError:
            # The same key inserted meanwhile (a task re-run racing itself): use that row.
            existing = self.records.get_by_key(key) if key else None
            if existing is not None:
                return existing
            if record.product_id is None:
                raise
            # The product was removed after its check queued this: still send it, and log it without the link.
            record.product_id = None
            return self.records.add(record, dedup_key=key)

    def _resume(self, record: NotificationRecord) -> SendResult:
        """A send repeated with the same key: continue where the earlier try stopped."""
        if record.state in (NotificationState.HELD, NotificationState.SUPPRESSED):
            return SendResult(record)
        pending = self._pending_groups(record)
        if not pending:
            return SendResult(record)
        return self._deliver(record)

    def _pending_groups(self, record: NotificationRecord) -> list[list[Channel]]:
        done = set(record.channels)
        return [g for g in self.groups() if not any(c.name in done for c in g)]

    def _deliver(self, record: NotificationRecord) -> SendResult:
        assert record.id is not None
        all_groups = self.groups()
        done = list(record.channels)
        pending = [g for g in all_groups if not any(c.name in done for c in g)]
        deliveries: list[Delivery] = []
        retry = False
        for group in pending:
            delivered, transient = False, False
            for channel in group:
                delivery = _try(channel, record.title, record.message, record.product_id)
                deliveries.append(delivery)
                if delivery.ok:
                    done.append(channel.name)
                    delivered = True
                    break
                transient = transient or not delivery.permanent
            retry = retry or (not delivered and transient)
        now = self._clock()
        failures = [f"{d.channel}: {d.detail}" for d in deliveries if not d.ok]
        if not all_groups:
            failures = [NO_CHANNEL]
        any_sent = bool(done)
        data = dict(record.data)
        data["delivery"] = [d.to_json() for d in deliveries]
        values: dict[str, Any] = {
            "state": NotificationState.SENT if any_sent else NotificationState.FAILED,
            "channels": done,
            "attempts": record.attempts + 1,
            "error": clean_text("; ".join(failures), 1000) if failures else None,
            "data": data,
        }
        if any_sent and record.sent_at is None:
            values["sent_at"] = now
        self.records.update(record.id, **values)
        fresh = self.records.get(record.id)
        assert fresh is not None
        if failures:
            log.warning("notification %s: %s", record.id, values["error"])
        return SendResult(fresh, deliveries, retry)


def _try(channel: Channel, title: str, message: str, product_id: int | None) -> Delivery:
    try:
        send_about = getattr(channel, "send_about", None)  # a ProductChannel
        if send_about is not None:
            return Delivery(channel.name, True, send_about(title, message, product_id))
        return Delivery(channel.name, True, channel.send(title, message))
    except ChannelUnavailable as exc:
        return Delivery(channel.name, False, str(exc), permanent=True)
    except ChannelError as exc:
        return Delivery(channel.name, False, str(exc))
    except Exception as exc:  # a broken channel must not stop the others; the log keeps the traceback
        log.exception("notification channel %s crashed", channel.name)
        return Delivery(channel.name, False, f"{type(exc).__name__}: {clean_text(exc, 300)}")
