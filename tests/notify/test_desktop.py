"""Desktop notifications arrive at a real notification daemon: Xvfb, a private D-Bus session bus and dunst.

The price check is real too: the page server serves a product page, the engine runs the check task, the check
evaluates the alert rules and queues ``notifications.send``, whose desktop channel talks to dunst. dunst's
recorder script says what arrived (app name, summary, body, icon); ``dunstctl count`` says how many, exactly.
No test here is skipped: a missing binary fails with the package to install (tests/support/desktop.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from pricewatch.app import PriceWatch
from pricewatch.models import NotificationState, TaskState
from pricewatch.notify.desktop import ICON, DesktopChannel, default_backend
from pricewatch.tasks.events import TaskEvent
from tests.support.app import open_pricewatch
from tests.support.desktop import DesktopSession
from tests.support.pageserver import PageServer

PAGE = (
    '<!doctype html><html lang="en"><head><title>{title} | Shop</title>'
    '<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "Product",'
    ' "name": "{title}", "offers": {{"@type": "Offer", "price": "{price}", "priceCurrency": "EUR",'
    ' "availability": "https://schema.org/InStock"}}}}</script></head><body><h1>{title}</h1></body></html>'
)


@pytest.fixture
def app(desktop_session: DesktopSession) -> Iterator[PriceWatch]:
    app = open_pricewatch(executor="sync")
    app.settings.notify.desktop = True
    app.settings.notify.tray = False  # no fallback: what reaches dunst is the desktop channel's doing
    app.settings.fetch.per_host_delay = 0.0
    app.settings.tasks.retry_base_delay = 0.01
    app.settings.tasks.retry_max_delay = 0.02
    yield app
    app.close()


def run_check(app: PriceWatch, product_id: int) -> None:
    record = app.wait_for_task(app.check_product(product_id), timeout=60)
    assert record.state is TaskState.SUCCESS, record


def test_this_machine_speaks_d_bus_itself() -> None:
    # Linux: the freedesktop notification server over the session bus, without notify-send or dbus-python.
    assert default_backend() == "dbus"
    assert ICON.exists()


def test_price_drop_below_target_reaches_dunst_once_and_again_after_a_new_crossing(
    app: PriceWatch, desktop_session: DesktopSession, page_server: PageServer
) -> None:
    url = page_server.add("/kettle", PAGE.format(title="Kettle & Co <Deluxe>", price="99.00"))
    product = app.add_product(url, target_price="80")
    assert product.id is not None

    run_check(app, product.id)  # 99.00: above the target
    assert desktop_session.daemon_count() == 0

    page_server.add("/kettle", PAGE.format(title="Kettle & Co <Deluxe>", price="79.00"))
    run_check(app, product.id)  # 79.00: below the target -> exactly one notification
    assert desktop_session.daemon_count() == 1
    (first,) = desktop_session.wait_for(1)
    assert first["appname"] == "PriceWatch"
    # The scraped title's "<Deluxe>" looks like markup and is stripped; "&" is plain text in the summary.
    assert first["summary"] == "Target price reached: Kettle & Co"
    # The body travels with markup escaped (the spec lets daemons parse it); dunst shows it as plain text.
    assert first["body"] == "Now €79.00, at or below your target of €80.00. Was €99.00."
    assert first["icon"] == str(ICON)

    run_check(app, product.id)  # unchanged: nothing new at the daemon (the log would have its record)
    assert desktop_session.daemon_count() == 1 and len(app.list_notifications()) == 1

    page_server.add("/kettle", PAGE.format(title="Kettle & Co <Deluxe>", price="85.00"))
    run_check(app, product.id)  # back above the target: the rule re-arms, silently
    assert desktop_session.daemon_count() == 1 and len(app.list_notifications()) == 1

    page_server.add("/kettle", PAGE.format(title="Kettle & Co <Deluxe>", price="78.50"))
    run_check(app, product.id)  # below again: a new notification, in the product's bubble
    received = desktop_session.wait_for(2)
    assert desktop_session.daemon_count() == 1  # replaced, not stacked
    assert received[0]["id"] == received[1]["id"]
    assert [r["body"] for r in received] == [
        "Now €79.00, at or below your target of €80.00. Was €99.00.",
        "Now €78.50, at or below your target of €80.00. Was €85.00.",
    ]
    log = app.list_notifications()
    assert [(n.state, n.channels) for n in log] == [(NotificationState.SENT, ["desktop"])] * 2
    assert len(app.list_tasks(name="notifications.send")) == 2


def test_markup_and_control_characters_from_a_page_never_reach_the_daemon(
    app: PriceWatch, desktop_session: DesktopSession
) -> None:
    record = app.notify(
        "<b>Bold</b> \x1b[31mred\u202e -rf", "Price <i>9.99</i> & more\x07 <script>x</script>"
    )
    assert record.state is NotificationState.SENT
    (got,) = desktop_session.wait_for(1)
    assert got["summary"] == "Bold red -rf"  # the whole escape sequence goes, not only its ESC (F12)
    assert got["body"] == "Price 9.99 &amp; more"  # '&' escaped for the markup-aware body


def test_dash_titles_arrive_verbatim(desktop_session: DesktopSession) -> None:
    # Texts that look like a command's options are plain strings on the bus.
    DesktopChannel().send("--help", "-u critical")
    (got,) = desktop_session.wait_for(1)
    assert (got["summary"], got["body"]) == ("--help", "-u critical")


def test_plyer_backend_reaches_the_daemon_too(desktop_session: DesktopSession) -> None:
    assert DesktopChannel(backend="plyer").send("Via plyer", "body") == "sent to the desktop (plyer)"
    (got,) = desktop_session.wait_for(1)
    assert (got["summary"], got["body"], got["appname"]) == ("Via plyer", "body", "PriceWatch")


def test_no_daemon_is_a_real_failure_the_tray_catches(
    app: PriceWatch, desktop_session: DesktopSession
) -> None:
    desktop_session.stop_daemon()
    seen: list[tuple[str, str]] = []
    app.settings.notify.tray = True
    app.set_tray_notifier(lambda title, message: seen.append((title, message)))
    record = app.notify("Fallback", "to the tray")
    assert record.state is NotificationState.SENT and record.channels == ["tray"]
    assert seen == [("Fallback", "to the tray")]
    assert (record.error or "").startswith("desktop: no notification server on the session bus: ")
    assert "org.freedesktop.Notifications" in (record.error or "")


def test_the_send_task_retries_until_the_daemon_is_back(
    app: PriceWatch, desktop_session: DesktopSession
) -> None:
    desktop_session.stop_daemon()
    states: list[str] = []

    def on_event(event: TaskEvent) -> None:
        # Called inline by the synchronous executor when the first try fails: bring the daemon back before
        # the retry runs (no timing involved).
        if event.kind == "changed":
            states.append(event.state)
            if event.state == "RETRY" and desktop_session.dunst is None:
                desktop_session.start_daemon()

    unsubscribe = app.subscribe(on_event)
    try:
        task_id = app.submit_task("notifications.send", kwargs={"title": "Retry", "message": "works"})
        record = app.wait_for_task(task_id, timeout=60)
    finally:
        unsubscribe()
    assert record.state is TaskState.SUCCESS and record.retries == 1
    assert "RETRY" in states
    (notification,) = app.list_notifications()
    assert notification.state is NotificationState.SENT and notification.attempts == 2
    (got,) = desktop_session.wait_for(1)
    assert (got["summary"], got["body"]) == ("Retry", "works")


def test_cli_notify_prints_what_each_channel_did(desktop_session: DesktopSession, capsys: Any) -> None:
    from pricewatch.cli import main

    assert main(["notify", "CLI title", "CLI message"]) == 0
    out = capsys.readouterr().out
    assert "desktop: sent to the desktop (D-Bus)" in out
    (got,) = desktop_session.wait_for(1)
    assert (got["summary"], got["body"]) == ("CLI title", "CLI message")


def test_headless_desktop_is_unavailable_and_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    # No desktop_session here: a headless machine (cron, a server). Retrying would only delay the check.
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    with open_pricewatch(executor="sync") as app:
        task_id = app.submit_task("notifications.send", kwargs={"title": "T", "message": "M"})
        record = app.wait_for_task(task_id, timeout=60)
        assert record.state is TaskState.SUCCESS and record.retries == 0
        assert record.result["state"] == "FAILED"
        (notification,) = app.list_notifications()
        assert notification.error == (
            "desktop: no desktop session (no D-Bus session bus) to show notifications on; "
            "tray: no tray icon (the PriceWatch window is not running)"
        )


def test_quiet_hours_hold_and_the_digest_reaches_dunst_when_they_end(
    app: PriceWatch, desktop_session: DesktopSession
) -> None:
    local = datetime.now().astimezone()  # quiet hours are local time: a window around now
    app.settings.notify.quiet_hours_start = (local - timedelta(hours=1)).strftime("%H:%M")
    app.settings.notify.quiet_hours_end = (local + timedelta(hours=1)).strftime("%H:%M")
    held = [app.notify(f"Drop {i}", f"Now {i}.00 EUR") for i in range(3)]
    assert [n.state for n in held] == [NotificationState.HELD] * 3
    assert app.flush_held_notifications() is None and desktop_session.daemon_count() == 0
    app.settings.notify.quiet_hours_start = app.settings.notify.quiet_hours_end = ""  # quiet hours over
    digest = app.flush_held_notifications()
    assert digest is not None and digest.state is NotificationState.SENT
    assert desktop_session.daemon_count() == 1
    (got,) = desktop_session.wait_for(1)
    assert got["summary"] == "PriceWatch: 3 notifications"
    assert got["body"].splitlines() == [
        "• Drop 0: Now 0.00 EUR",
        "• Drop 1: Now 1.00 EUR",
        "• Drop 2: Now 2.00 EUR",
    ]
    assert {n.state for n in app.list_notifications()} == {NotificationState.SENT}


def test_with_the_thread_pool_engine_too(
    desktop_session: DesktopSession, page_server: PageServer, qtbot: Any
) -> None:
    """The window and ``pricewatch serve`` run tasks on QThreadPools: the chain reaches dunst from there."""
    from tests.support.tasks import wait_final

    app = open_pricewatch(executor="threads")
    try:
        app.settings.notify.tray = False
        app.settings.fetch.per_host_delay = 0.0
        app.start(scheduler=False)
        url = page_server.add("/lamp", PAGE.format(title="Lamp", price="40.00"))
        product = app.add_product(url, target_price="30")
        assert product.id is not None
        for price, expected in (("40.00", 0), ("29.00", 1), ("29.00", 1)):
            page_server.add("/lamp", PAGE.format(title="Lamp", price=price))
            record = wait_final(qtbot, app, app.check_product(product.id), timeout=30_000)
            assert record.state is TaskState.SUCCESS, record
            assert desktop_session.daemon_count() == expected
        (got,) = desktop_session.wait_for(1)
        assert (got["summary"], got["body"]) == (
            "Target price reached: Lamp",
            "Now €29.00, at or below your target of €30.00. Was €40.00.",
        )
    finally:
        app.close()
