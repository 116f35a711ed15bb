"""The notifications panel: whatever the daily cap held back shows grey "Held by daily cap", the first too;
what a snooze held back says "Snoozed" and until when."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.notifications.model import COL_STATE, COL_TITLE, SUPPRESSED_COLOUR
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import UNTIL_PRICE_CHANGES, NotificationRecord, NotificationState, utcnow


def test_the_first_capped_notification_is_not_shown_as_failed(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.settings.notify.desktop = False
    app.settings.notify.daily_cap_per_product = 1
    product = app.add_product("https://shop.example/kettle", title="Kettle")
    pid = product.id or 0
    app.notification_records.add(
        NotificationRecord("Kettle", "now 20", product_id=pid, state=NotificationState.SENT)
    )  # uses the cap up
    capped = app.notify("Capped", "now 19", product_id=pid)  # the first one the cap holds back
    assert capped.state is NotificationState.SUPPRESSED
    # what a PriceWatch started before migration 6 still wrote into the migrated file: FAILED with the mark
    app.notification_records.add(NotificationRecord(
        "Old process", "now 18", product_id=pid, state=NotificationState.FAILED,
        error="not sent: the daily limit of 1 notifications for this product was reached",
        data={"capped": True},
    ))  # fmt: skip
    app.notification_records.add(
        NotificationRecord("Broken", "x", state=NotificationState.FAILED, error="desktop: no D-Bus")
    )
    window = make_window()
    with qtbot.waitSignal(window.notifications.loaded, timeout=15_000):
        window.notifications.reload()
    model = window.notifications.model
    states = {
        model.index(r, COL_TITLE).data(): (
            model.index(r, COL_STATE).data(),
            model.index(r, COL_STATE).data(Qt.ItemDataRole.ForegroundRole) == SUPPRESSED_COLOUR,
        )
        for r in range(model.rowCount())
    }
    assert states == {
        "Kettle": ("Sent", False),
        "Capped": ("Held by daily cap", True),
        "Old process": ("Held by daily cap", True),  # was a red "Failed"
        "Broken": ("Failed", False),
    }
    summary = window.notifications.summary.text()
    assert summary == "4 notifications: 1 delivered, 1 failed, 2 held back"


def test_snoozed_notifications_say_what_was_snoozed_and_until_when(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.settings.notify.desktop = False
    product = app.add_product("https://shop.example/kettle", title="Kettle")
    pid = product.id or 0
    until = utcnow() + timedelta(days=1)
    app.snooze_product(pid, until)
    assert app.notify("Product snoozed", "now 19", product_id=pid).state is NotificationState.SUPPRESSED
    app.snooze_product(pid, None)
    rule_snooze = {"rule_id": 1, "until": UNTIL_PRICE_CHANGES.isoformat()}  # as AlertBook writes it
    held = app.notify("Rule snoozed", "now 18", product_id=pid, data={"snoozed_rule": rule_snooze})
    assert held.state is NotificationState.SUPPRESSED
    window = make_window()
    with qtbot.waitSignal(window.notifications.loaded, timeout=15_000):
        window.notifications.reload()
    model = window.notifications.model
    rows = {
        model.index(r, COL_TITLE).data(): (
            model.index(r, COL_STATE).data(),
            model.index(r, COL_STATE).data(Qt.ItemDataRole.ToolTipRole),
        )
        for r in range(model.rowCount())
    }
    state, tip = rows["Product snoozed"]
    assert state == "Snoozed" and tip == fmt.plain_tooltip(
        f"The product is snoozed until {fmt.local_time(until)}."
    )
    rule_tip = fmt.plain_tooltip("The alert rule is snoozed until the price changes.")
    assert rows["Rule snoozed"] == ("Snoozed", rule_tip)
    assert window.notifications.summary.text() == "2 notifications: 0 delivered, 2 held back"
