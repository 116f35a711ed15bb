"""The notifier as logic: records and states, daily cap, quiet hours and their digest, fallback, retries.

Channels here are the tray channel with a recording callable (what the GUI installs) and a scripted desktop
stand-in whose failures the test decides; real desktop/Apprise deliveries are in test_desktop.py and
test_channels.py. The clock is a variable the test moves, never a sleep.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pricewatch.config import NotifyOptions
from pricewatch.models import NotificationState, Product
from pricewatch.notify.channels import ChannelError, ChannelUnavailable, TrayChannel
from pricewatch.notify.notifier import NO_CHANNEL, Notifier, cap_reason
from pricewatch.storage import Database, NotificationRepository, ProductRepository

T0 = datetime(
    2026, 3, 2, 12, 0, tzinfo=UTC
)  # a Monday noon, UTC (the notifier reads quiet hours in UTC here)


@dataclass
class Scripted:
    """A channel whose next results the test scripts: an exception to raise, or None to deliver."""

    name: str = "desktop"
    script: list[Exception | None] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, title: str, message: str) -> str:
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        self.sent.append((title, message))
        return "delivered"


@dataclass
class Rig:
    notifier: Notifier
    desktop: Scripted
    tray_seen: list[tuple[str, str]]
    options: NotifyOptions
    records: NotificationRepository
    product_id: int
    now: list[datetime]
    remote: list[Scripted]

    def tick(self, **delta: float) -> None:
        self.now[0] += timedelta(**delta)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    db = Database(tmp_path / "n.sqlite3")
    product = ProductRepository(db).add(Product(url="https://shop.example/p"))
    assert product.id is not None
    records = NotificationRepository(db)
    options = NotifyOptions(tray=True, daily_cap_per_product=3)
    desktop = Scripted()
    tray = TrayChannel()
    seen: list[tuple[str, str]] = []
    tray.set_notifier(lambda t, m: seen.append((t, m)))
    now = [T0]
    remote: list[Scripted] = []
    notifier = Notifier(
        records, lambda: options, desktop=desktop, tray=tray, apprise=lambda urls: remote,
        clock=lambda: now[0], tz=UTC,
    )  # fmt: skip
    yield Rig(notifier, desktop, seen, options, records, product.id, now, remote)
    db.close()


def test_send_records_a_sent_notification(rig: Rig) -> None:
    result = rig.notifier.send(
        "Price drop: Kettle", "Now 10.00 EUR", product_id=rig.product_id, data={"x": 1}
    )
    record = result.record
    assert result.sent and not result.retry
    assert rig.desktop.sent == [("Price drop: Kettle", "Now 10.00 EUR")]
    assert rig.tray_seen == []  # the tray is only the fallback
    assert record.state is NotificationState.SENT and record.channels == ["desktop"] and record.attempts == 1
    assert record.sent_at == T0 and record.error is None and record.product_id == rig.product_id
    assert record.data["x"] == 1
    assert record.data["delivery"] == [
        {"channel": "desktop", "ok": True, "detail": "delivered", "permanent": False}
    ]
    assert rig.records.list() == [record]


def test_desktop_failure_falls_back_to_the_tray(rig: Rig) -> None:
    rig.desktop.script = [ChannelError("notify-send failed: no server")]
    result = rig.notifier.send("T", "M")
    assert result.sent and not result.retry
    assert rig.tray_seen == [("T", "M")]
    assert result.record.channels == ["tray"]
    assert result.record.error == "desktop: notify-send failed: no server"


def test_all_local_channels_failing_is_failed_and_retryable(rig: Rig) -> None:
    rig.desktop.script = [ChannelError("no server")]
    rig.notifier.tray.set_notifier(None)
    result = rig.notifier.send("T", "M", key="task:1")
    assert not result.sent and result.retry
    assert result.record.state is NotificationState.FAILED and result.record.attempts == 1
    assert (
        result.record.error == "desktop: no server; tray: no tray icon (the PriceWatch window is not running)"
    )
    again = rig.notifier.send("T", "M", key="task:1")  # the task's retry: same record, next attempt
    assert again.sent and again.record.id == result.record.id and again.record.attempts == 2
    assert again.record.error is None and rig.desktop.sent == [("T", "M")]
    assert len(rig.records.list()) == 1


def test_a_failing_channel_does_not_stop_the_others_and_retry_resends_only_there(rig: Rig) -> None:
    phone = Scripted("apprise:ntfy://ntfy.example", [ChannelError("HTTP 502")])
    mail = Scripted("apprise:mailto://mail.example")
    rig.remote.extend([phone, mail])
    first = rig.notifier.send("T", "M", key="task:9")
    assert first.sent and first.retry  # delivered somewhere; the phone still wants it
    assert first.record.channels == ["desktop", "apprise:mailto://mail.example"]
    assert first.record.error == "apprise:ntfy://ntfy.example: HTTP 502"
    second = rig.notifier.send("T", "M", key="task:9")
    assert second.sent and not second.retry and second.record.error is None
    assert second.record.channels == [
        "desktop",
        "apprise:mailto://mail.example",
        "apprise:ntfy://ntfy.example",
    ]
    assert len(rig.desktop.sent) == 1 and len(mail.sent) == 1 and len(phone.sent) == 1  # nobody got it twice
    third = rig.notifier.send("T", "M", key="task:9")  # a re-run after a crash: nothing more to do
    assert third.deliveries == [] and len(rig.desktop.sent) == 1


def test_unavailable_channels_are_not_retried(rig: Rig) -> None:
    rig.desktop.script = [ChannelUnavailable("no backend")]
    rig.options.tray = False
    result = rig.notifier.send("T", "M")
    assert result.record.state is NotificationState.FAILED and not result.retry


def test_a_crashing_channel_is_contained(rig: Rig) -> None:
    rig.desktop.script = [RuntimeError("bug in a backend")]
    result = rig.notifier.send("T", "M")
    assert result.sent and rig.tray_seen == [("T", "M")]
    assert result.record.error == "desktop: RuntimeError: bug in a backend"


def test_no_channel_enabled(rig: Rig) -> None:
    rig.options.desktop = rig.options.tray = False
    result = rig.notifier.send("T", "M")
    assert result.record.state is NotificationState.FAILED and result.record.error == NO_CHANNEL
    assert not result.retry


def test_daily_cap_per_product(rig: Rig) -> None:
    for _ in range(3):
        assert rig.notifier.send("T", "M", product_id=rig.product_id).sent
    capped = rig.notifier.send("T", "M", product_id=rig.product_id)
    # The user's own limit held it back: its own state with the reason, not a failure, never retried.
    assert capped.record.state is NotificationState.SUPPRESSED and capped.record.data["capped"] is True
    assert capped.record.error == cap_reason(3) and "daily cap: 3 notifications" in cap_reason(3)
    assert not capped.retry and capped.record.attempts == 0
    assert rig.records.list(state=NotificationState.FAILED) == []  # not in a "failed" filter
    assert [r.id for r in rig.records.list(state=NotificationState.SUPPRESSED)] == [capped.record.id]
    assert len(rig.desktop.sent) == 3
    assert rig.notifier.send("Other", "M").sent  # no product: no cap
    rig.tick(hours=24, seconds=1)  # a rolling day later the product may notify again
    assert rig.notifier.send("T", "M", product_id=rig.product_id).sent


def test_cap_zero_means_unlimited_and_force_ignores_the_cap(rig: Rig) -> None:
    rig.options.daily_cap_per_product = 1
    assert rig.notifier.send("T", "M", product_id=rig.product_id).sent
    assert not rig.notifier.send("T", "M", product_id=rig.product_id).sent
    assert rig.notifier.send("T", "M", product_id=rig.product_id, force=True).sent
    rig.options.daily_cap_per_product = 0
    assert all(rig.notifier.send("T", "M", product_id=rig.product_id).sent for _ in range(5))


def test_quiet_hours_hold_then_one_digest_when_they_end(rig: Rig) -> None:
    rig.options.quiet_hours_start, rig.options.quiet_hours_end = "22:00", "07:00"
    rig.now[0] = T0.replace(hour=23)
    held = [
        rig.notifier.send(f"Drop {i}", f"Now {i}.00 EUR\nmore", product_id=rig.product_id) for i in range(3)
    ]
    assert all(h.record.state is NotificationState.HELD and not h.retry for h in held)
    assert rig.desktop.sent == []
    rig.tick(hours=7)  # 06:00: still quiet
    assert rig.notifier.flush_held() is None and rig.desktop.sent == []
    rig.tick(hours=1, minutes=1)  # 07:01
    digest = rig.notifier.flush_held()
    assert digest is not None and digest.sent
    assert rig.desktop.sent == [
        (
            "PriceWatch: 3 notifications",
            "• Drop 0: Now 0.00 EUR\n• Drop 1: Now 1.00 EUR\n• Drop 2: Now 2.00 EUR",
        )
    ]
    assert digest.record.data["digest_of"] == [h.record.id for h in held]
    for h in held:
        after = rig.records.get(h.record.id or 0)
        assert after is not None and after.state is NotificationState.SENT and after.sent_at == rig.now[0]
    assert digest.record.id is not None
    assert [r.id for r in rig.records.digest_of(digest.record.id)] == [h.record.id for h in held]
    assert rig.notifier.flush_held() is None  # nothing twice


def test_the_first_send_after_quiet_hours_flushes_the_held_ones_first(rig: Rig) -> None:
    rig.options.quiet_hours_start, rig.options.quiet_hours_end = "11:00", "12:30"
    rig.notifier.send("Held", "while quiet")
    rig.tick(hours=1)
    rig.notifier.send("Fresh", "after")
    assert rig.desktop.sent == [
        ("Held", "while quiet"),
        ("Fresh", "after"),
    ]  # a digest of one is the item itself


def test_held_notifications_count_towards_the_cap(rig: Rig) -> None:
    rig.options.quiet_hours_start, rig.options.quiet_hours_end = "00:00", "23:59"
    states = [rig.notifier.send("T", "M", product_id=rig.product_id).record.state for _ in range(4)]
    assert states == [NotificationState.HELD] * 3 + [NotificationState.SUPPRESSED]


def test_a_suppressed_send_repeated_with_its_key_is_not_sent_again(rig: Rig) -> None:
    rig.options.daily_cap_per_product = 1
    assert rig.notifier.send("T", "M", product_id=rig.product_id).sent
    first = rig.notifier.send("T", "M", product_id=rig.product_id, key="task:x")
    again = rig.notifier.send("T", "M", product_id=rig.product_id, key="task:x")  # a task re-run
    assert first.record.state is again.record.state is NotificationState.SUPPRESSED
    assert again.record.id == first.record.id and not again.deliveries and len(rig.desktop.sent) == 1
    assert rig.notifier.flush_held() is None  # not held either: nothing goes out later


def test_failed_digest_keeps_them_held_for_the_next_flush(rig: Rig) -> None:
    rig.options.quiet_hours_start, rig.options.quiet_hours_end = "12:00", "13:00"
    rig.notifier.send("A", "a")
    rig.notifier.send("B", "b")
    rig.tick(hours=1)
    rig.desktop.script = [ChannelError("down")]
    rig.notifier.tray.set_notifier(None)
    failed = rig.notifier.flush_held()
    assert failed is not None and failed.record.state is NotificationState.FAILED and failed.retry
    assert len(rig.records.held()) == 2
    retried = rig.notifier.flush_held()
    assert retried is not None and retried.sent and rig.records.held() == []


def test_quiet_hours_within_a_day_and_bad_settings(rig: Rig) -> None:
    rig.options.quiet_hours_start, rig.options.quiet_hours_end = "12:00", "13:00"
    assert rig.notifier.in_quiet_hours()
    rig.options.quiet_hours_end = "25:00"  # invalid: ignored (and logged), never blocks notifications
    assert not rig.notifier.in_quiet_hours()
    rig.options.quiet_hours_start = rig.options.quiet_hours_end = ""
    assert not rig.notifier.in_quiet_hours()


def test_small_batch_sends_each(rig: Rig) -> None:
    items = [{"title": f"T{i}", "message": f"M{i}", "product_id": rig.product_id} for i in range(3)]
    results = rig.notifier.send_batch(items)
    assert [r.record.state for r in results] == [NotificationState.SENT] * 3
    assert rig.desktop.sent == [("T0", "M0"), ("T1", "M1"), ("T2", "M2")]


def test_large_batch_is_one_digest_per_channel_with_a_record_per_item(rig: Rig) -> None:
    phone = Scripted("apprise:ntfy://ntfy.example")
    rig.remote.append(phone)
    items = [{"title": f"Drop {i}", "message": f"Now {i}"} for i in range(20)]
    results = rig.notifier.send_batch(items, key="task:b")
    assert len(rig.desktop.sent) == 1 and len(phone.sent) == 1
    title, message = rig.desktop.sent[0]
    assert title == "PriceWatch: 20 notifications"
    assert message.splitlines()[0] == "• Drop 0: Now 0" and message.endswith(
        "… and 8 more (see the notification log)"
    )
    assert all(r.record.state is NotificationState.SENT and r.sent for r in results)
    again = rig.notifier.send_batch(items, key="task:b")  # a retry of the batch task: nothing resent
    assert len(rig.desktop.sent) == 1 and [r.record.id for r in again] == [r.record.id for r in results]


def test_untrusted_text_is_sanitised_before_any_channel(rig: Rig) -> None:
    title = "<script>alert(1)</script><b>Kettle</b>\x07\u202e\n" + "t" * 300
    message = "Now <i>9.99</i> EUR\x1b[2J &amp; free\x00 shipping " + "m" * 1000
    record = rig.notifier.send(title, message).record
    (sent_title, sent_message) = rig.desktop.sent[0]
    assert (sent_title, sent_message) == (record.title, record.message)
    assert sent_title.startswith("Kettle t") and len(sent_title) <= 120 and sent_title.endswith("…")
    assert sent_message.startswith("Now 9.99 EUR & free shipping m") and len(sent_message) <= 600
    for text in (sent_title, sent_message):
        assert not any(ch in text for ch in "\x07\x1b\x00\u202e<>")


def test_empty_title_gets_a_name(rig: Rig) -> None:
    assert rig.notifier.send("\x00 <b></b>", "body").record.title == "PriceWatch"


def test_send_for_a_product_deleted_meanwhile_still_logs(rig: Rig, tmp_path: Path) -> None:
    result = rig.notifier.send("T", "M", product_id=999_999)
    assert result.sent and result.record.product_id is None
