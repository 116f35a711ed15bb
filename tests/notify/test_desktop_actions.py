"""Native notifications against the real dunst on a private session bus (tests/support/desktop.py).

What the bubble carries (app name, icon, urgency, body, the actions dunst offers), one bubble per product,
the actions invoked through dunst's own context menu (``dunstctl context``) reaching the window, and a
``pricewatch notify`` with notify-send off PATH and no dbus-python reaching the daemon.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from pricewatch.app import PriceWatch
from pricewatch.models import NotificationState, utcnow
from pricewatch.notify.desktop import ICON
from pricewatch.notify.freedesktop import OPEN
from tests.support.app import open_pricewatch
from tests.support.desktop import DesktopSession

URL = "https://shop.example/kettle"


@pytest.fixture
def app(desktop_session: DesktopSession) -> Iterator[PriceWatch]:
    app = open_pricewatch(executor="sync")
    app.settings.notify.desktop = True
    app.settings.notify.tray = False  # what reaches dunst is the desktop channel's doing
    yield app
    app.close()


def alert(app: PriceWatch, product_id: int, price: str) -> None:
    record = app.notify(f"Price drop: Kettle {price}", f"Now {price} EUR.", product_id=product_id)
    assert record.state is NotificationState.SENT, record.error


def test_the_bubble_has_the_app_its_icon_and_the_actions_while_the_window_runs(
    app: PriceWatch, desktop_session: DesktopSession
) -> None:
    product = app.add_product(URL)
    assert product.id is not None
    invoked: list[tuple[str, int | None]] = []
    app.set_notification_actions(lambda action, pid: invoked.append((action, pid)))
    alert(app, product.id, "9.99")
    (got,) = desktop_session.wait_for(1)
    assert (got["appname"], got["icon"], got["urgency"]) == ("PriceWatch", str(ICON), "NORMAL")
    assert (got["summary"], got["body"]) == ("Price drop: Kettle 9.99", "Now 9.99 EUR.")
    offered = desktop_session.choose_action("[")  # the first entry: clicking "Open" in the menu
    bubble = got["id"]
    assert sorted(offered) == sorted(
        [
            f"#Open (Price drop: Kettle 9.99) [{bubble},default]",
            f"#Open (Price drop: Kettle 9.99) [{bubble},open]",
            f"#Open shop page (Price drop: Kettle 9.99) [{bubble},open-shop]",
            f"#Snooze 1 day (Price drop: Kettle 9.99) [{bubble},snooze]",
        ]
    )


def test_without_the_window_the_bubble_offers_no_action_nobody_would_handle(
    app: PriceWatch, desktop_session: DesktopSession
) -> None:
    kettle = app.add_product(URL)
    lamp = app.add_product("https://shop.example/lamp")
    assert kettle.id is not None and lamp.id is not None
    alert(app, kettle.id, "9.99")  # no window: no handler
    app.set_notification_actions(lambda action, pid: None)
    alert(app, lamp.id, "20.00")
    desktop_session.wait_for(2)
    offered = desktop_session.choose_action("no such entry")
    assert len(offered) == 4 and all("Kettle 20.00)" in entry for entry in offered)  # the lamp's only


def test_a_products_second_alert_replaces_its_bubble_and_another_product_gets_its_own(
    app: PriceWatch, desktop_session: DesktopSession
) -> None:
    kettle = app.add_product(URL)
    lamp = app.add_product("https://shop.example/lamp")
    assert kettle.id is not None and lamp.id is not None
    alert(app, kettle.id, "9.99")
    alert(app, kettle.id, "8.99")
    assert desktop_session.daemon_count() == 1  # the second went into the first bubble
    alert(app, lamp.id, "20.00")
    assert desktop_session.daemon_count() == 2
    # dunst runs the recorder of each bubble in its own process: the lines may come in any order
    ids = {r["summary"]: r["id"] for r in desktop_session.wait_for(3)}
    assert ids["Price drop: Kettle 9.99"] == ids["Price drop: Kettle 8.99"] != ids["Price drop: Kettle 20.00"]


def test_open_from_the_bubble_raises_the_window_on_the_product(
    desktop_session: DesktopSession, qtbot: Any
) -> None:
    from pricewatch.gui.main_window import MainWindow

    app = open_pricewatch(executor="sync")
    window = MainWindow(app)
    qtbot.addWidget(window)
    try:
        app.settings.notify.tray = False
        kettle = app.add_product(URL)
        lamp = app.add_product("https://shop.example/lamp")
        assert kettle.id is not None and lamp.id is not None
        window.product_sync.reload()
        qtbot.waitUntil(lambda: window.product_model.rowCount() == 2)
        window.products.select_product(lamp.id)
        window.hide()
        alert(app, kettle.id, "9.99")
        desktop_session.wait_for(1)
        with qtbot.waitSignal(window.notification_actions.requested, timeout=10_000) as invoked:
            desktop_session.choose_action(",open]")
        assert invoked.args == [OPEN, kettle.id]
        assert window.isVisible() and window.products.selected_ids() == [kettle.id]
    finally:
        window.shutdown()
        app.close()


def test_snooze_from_the_bubble_holds_the_products_alerts_for_a_day(
    desktop_session: DesktopSession, qtbot: Any
) -> None:
    from pricewatch.gui.main_window import MainWindow

    app = open_pricewatch(executor="sync")
    window = MainWindow(app)
    qtbot.addWidget(window)
    try:
        app.settings.notify.tray = False
        product = app.add_product(URL)
        assert product.id is not None
        alert(app, product.id, "9.99")
        desktop_session.wait_for(1)
        before = utcnow()
        with qtbot.waitSignal(window.notification_actions.done, timeout=10_000) as done:
            desktop_session.choose_action("Snooze 1 day")
        assert str(done.args[0]).startswith("No notifications about https://shop.example/kettle until ")
        until = app.get_product(product.id).snoozed_until
        assert until is not None and before + timedelta(days=1) <= until <= utcnow() + timedelta(days=1)

        record = app.notify("Price drop: Kettle 7.99", "Now 7.99 EUR.", product_id=product.id)
        assert record.state is NotificationState.SUPPRESSED
        assert (record.error or "").startswith("the product is snoozed until ")
        assert desktop_session.daemon_count() == 1  # nothing new reached dunst
        app.snooze_product(product.id, None)
        alert(app, product.id, "6.99")
        assert "Price drop: Kettle 6.99" in [r["summary"] for r in desktop_session.wait_for(2)]
    finally:
        window.shutdown()
        app.close()


def test_pricewatch_notify_reaches_the_daemon_without_notify_send_or_dbus_python(
    desktop_session: DesktopSession, tmp_path: Path
) -> None:
    bin_dir = tmp_path / "bin"  # PATH holds nothing: no notify-send, no dbus-send
    bin_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PATH"}
    env.update(desktop_session.env, PATH=str(bin_dir))
    code = (
        "import importlib.util, shutil, sys\n"
        "assert shutil.which('notify-send') is None and importlib.util.find_spec('dbus') is None\n"
        "from pricewatch.main import main\n"
        "sys.exit(main(['notify', 'Hello from', 'a PATH without notify-send']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "desktop: sent to the desktop (D-Bus)" in proc.stdout
    (got,) = desktop_session.wait_for(1)
    assert (got["appname"], got["summary"]) == ("PriceWatch", "Hello from")
    assert got["body"] == "a PATH without notify-send"


def test_snooze_of_an_unknown_product_and_a_naive_time_are_refused(app: PriceWatch) -> None:
    from pricewatch.errors import NotFoundError

    with pytest.raises(NotFoundError):
        app.snooze_product(999, utcnow())
    product = app.add_product(URL)
    assert product.id is not None
    with pytest.raises(ValueError, match="aware"):
        app.snooze_product(product.id, utcnow().replace(tzinfo=None))
