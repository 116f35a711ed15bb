"""The notifications panel: whatever the daily cap held back shows grey "Held by daily cap", the first too."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.notifications.model import COL_STATE, COL_TITLE, SUPPRESSED_COLOUR
from pricewatch.models import NotificationRecord, NotificationState


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
    assert summary == "4 notifications: 1 delivered, 1 failed, 2 held by daily cap"
