"""Channels alone: Apprise against a real local JSON webhook, the tray callable, sanitising, quiet hours."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pricewatch.notify.channels import (
    AppriseChannel,
    ChannelError,
    ChannelUnavailable,
    TrayChannel,
    apprise_channels,
    describe_url,
)
from pricewatch.notify.digest import digest_text
from pricewatch.notify.quiet import QuietHours, parse_clock
from pricewatch.notify.sanitize import clean_message, clean_title, escape_markup
from pricewatch.text import clean_text
from tests.support.app import open_pricewatch
from tests.support.webhook import Webhook


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


def test_apprise_json_url_posts_title_and_body(webhook: Webhook) -> None:
    channel = AppriseChannel(f"json://127.0.0.1:{webhook.port}/hook")
    assert channel.name == f"apprise:json://127.0.0.1:{webhook.port}"
    assert channel.send("Price drop: Kettle", "Now 9.99 EUR") == f"sent to {channel.name}"
    (post,) = webhook.posts
    assert (post["title"], post["message"]) == ("Price drop: Kettle", "Now 9.99 EUR")


def test_apprise_server_error_is_a_retryable_channel_error(webhook: Webhook) -> None:
    webhook.statuses = [500]
    channel = AppriseChannel(f"json://127.0.0.1:{webhook.port}/hook")
    with pytest.raises(ChannelError) as info:
        channel.send("T", "M")
    assert not isinstance(info.value, ChannelUnavailable) and channel.name in str(info.value)
    assert webhook.posts == []
    channel.send("T", "M")  # the retry
    assert len(webhook.posts) == 1


def test_apprise_nonsense_url_is_unavailable() -> None:
    with pytest.raises(ChannelUnavailable, match="does not understand"):
        AppriseChannel("nosuchscheme://x").send("T", "M")


def test_apprise_names_hide_secrets_and_stay_distinct() -> None:
    assert describe_url("tgram://123456:SECRET-TOKEN@telegram/987") == "tgram://telegram"
    assert describe_url("mailto://user:pass@mail.example.com:587") == "mailto://mail.example.com:587"
    names = [c.name for c in apprise_channels(["ntfy://ntfy.sh/a", "", "ntfy://ntfy.sh/b"])]
    assert names == ["apprise:ntfy://ntfy.sh", "apprise:ntfy://ntfy.sh#2"]


def test_tray_channel() -> None:
    tray = TrayChannel()
    assert not tray.available
    with pytest.raises(ChannelUnavailable):
        tray.send("T", "M")
    seen: list[tuple[str, str]] = []
    tray.set_notifier(lambda t, m: seen.append((t, m)))
    assert tray.available and tray.send("T", "M") == "shown as a tray message" and seen == [("T", "M")]

    def broken(title: str, message: str) -> None:
        raise RuntimeError("widget gone")

    tray.set_notifier(broken)
    with pytest.raises(ChannelError, match="RuntimeError: widget gone"):
        tray.send("T", "M")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<b>Bold</b> &amp; <i>it</i>", "Bold & it"),
        ("a\x00b\x07c\x1b[0m", "abc"),  # the whole escape sequence goes, not just its ESC (F12)
        ("Evil\x1b[31m title", "Evil title"),
        ("a\x1b]0;new window title\x07b", "ab"),
        ("line1\nline2\r\nline3\t!", "line1 line2 line3 !"),
        ("\u202egnp.exe\u200b", "gnp.exe"),
        ("<script>alert('x')</script>Safe", "Safe"),
        ("<<b>>nested<</b>>", "nested"),
        ("&lt;b&gt;decoded, then stripped&lt;/b&gt;", "decoded, then stripped"),
        ("5 &lt; 6 &amp; 7 > 3", "5 < 6 & 7 > 3"),
        ("   spaced\u00a0\u2003out   ", "spaced out"),
        (None, ""),
        (42, "42"),
    ],
)
def test_clean_text(raw: object, clean: str) -> None:
    assert clean_text(raw) == clean


def test_lengths_are_capped_with_an_ellipsis() -> None:
    assert len(clean_title("x" * 500)) == 120 and clean_title("x" * 500).endswith("…")
    assert len(clean_message("y" * 5000)) == 600
    assert clean_text("abc", 3) == "abc" and clean_text("abcd", 3) == "ab…"


def test_messages_keep_lines_but_not_blank_runs() -> None:
    assert clean_message("a\n\n\n\nb\n c ") == "a\n\nb\nc"


def test_escape_markup() -> None:
    assert escape_markup("a < b & c > d") == "a &lt; b &amp; c &gt; d"


def test_digest_text() -> None:
    assert digest_text([("Only", "one\nsecond line")]) == ("Only", "one\nsecond line")
    title, message = digest_text([(f"T{i}", f"M{i}\nmore") for i in range(14)])
    assert title == "PriceWatch: 14 notifications"
    lines = message.splitlines()
    assert lines[0] == "• T0: M0" and len(lines) == 13 and lines[-1].startswith("… and 2 more")
    with pytest.raises(ValueError):
        digest_text([])


def test_parse_clock() -> None:
    assert parse_clock("22:00") == time(22, 0) and parse_clock(" 7:05 ") == time(7, 5)
    assert parse_clock("") is None
    for bad in ("24:00", "7", "07:60", "noon"):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_clock(bad)


@pytest.mark.parametrize(
    ("start", "end", "clock", "quiet"),
    [
        ("22:00", "07:00", "23:30", True),
        ("22:00", "07:00", "03:00", True),
        ("22:00", "07:00", "07:00", False),
        ("22:00", "07:00", "12:00", False),
        ("22:00", "07:00", "22:00", True),
        ("13:00", "14:00", "13:59", True),
        ("13:00", "14:00", "14:00", False),
        ("13:00", "13:00", "13:00", False),
        ("", "07:00", "03:00", False),
    ],
)
def test_quiet_hours(start: str, end: str, clock: str, quiet: bool) -> None:
    hours, minutes = map(int, clock.split(":"))
    now = datetime(2026, 3, 2, hours, minutes, tzinfo=UTC)
    assert QuietHours.parse(start, end).active(now, UTC) is quiet


def test_quiet_hours_are_read_in_local_time() -> None:
    berlin_winter = timezone(timedelta(hours=1))
    now = datetime(2026, 1, 10, 21, 30, tzinfo=UTC)  # 22:30 in UTC+1
    assert QuietHours.parse("22:00", "07:00").active(now, berlin_winter)
    assert not QuietHours.parse("22:00", "07:00").active(now, UTC)


def test_failing_apprise_url_does_not_stop_the_tray_and_the_task_retries_only_it(webhook: Webhook) -> None:
    from pricewatch.models import NotificationState, TaskState

    seen: list[tuple[str, str]] = []
    with open_pricewatch(executor="sync") as app:
        app.settings.notify.desktop = False
        app.settings.notify.apprise_urls = [f"json://127.0.0.1:{webhook.port}/hook"]
        app.settings.tasks.retry_base_delay = app.settings.tasks.retry_max_delay = 0.01
        app.set_tray_notifier(lambda t, m: seen.append((t, m)))
        webhook.statuses = [503]
        task_id = app.submit_task("notifications.send", kwargs={"title": "Drop", "message": "Now 5.00 EUR"})
        record = app.wait_for_task(task_id, timeout=60)
        assert record.state is TaskState.SUCCESS and record.retries == 1
        (notification,) = app.list_notifications()
        assert notification.state is NotificationState.SENT and notification.attempts == 2
        assert notification.channels == ["tray", f"apprise:json://127.0.0.1:{webhook.port}"]
        assert seen == [("Drop", "Now 5.00 EUR")]  # once, although the task ran twice
        assert [(p["title"], p["message"]) for p in webhook.posts] == [("Drop", "Now 5.00 EUR")]


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=300), st.booleans())
def test_clean_text_properties(raw: str, cap: int, multiline: bool) -> None:
    cleaned = clean_text(raw, cap, multiline=multiline)
    assert len(cleaned) <= cap
    assert cleaned == cleaned.strip()
    for ch in cleaned:
        assert (ch == "\n" and multiline) or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")
        assert ch not in "\u202e\u202d\u2066\u2067\u2068\u200b\ufeff"
    assert re.search(r"<\s*/?\s*[A-Za-z!?][^<>]*>", cleaned) is None  # no tag, also from decoded entities


def test_quiet_hours_end_time_for_a_flush_timer() -> None:
    night = QuietHours.parse("22:00", "07:00")

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        return datetime(2026, 3, day, hour, minute, tzinfo=UTC)

    assert night.ends_at(at(2, 23, 15), UTC) == at(3, 7)
    assert night.ends_at(at(3, 6, 59), UTC) == at(3, 7)
    assert night.ends_at(at(3, 12), UTC) is None
    assert night.ends_at(at(2, 21), timezone(timedelta(hours=2))) == at(3, 5)  # 07:00 at UTC+2
