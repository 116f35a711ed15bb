"""The products table's "Next check" shows when the scheduled check really takes each product."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_NEXT_CHECK
from pricewatch.gui.widgets import formatting as fmt


def next_check_cell(window: MainWindow, row: int = 0) -> str:
    return str(window.product_model.index(row, COL_NEXT_CHECK).data())


def next_check_tip(window: MainWindow, row: int = 0) -> str:
    """The exact time behind the cell's "in 47 min"."""
    return str(window.product_model.index(row, COL_NEXT_CHECK).data(Qt.ItemDataRole.ToolTipRole))


def test_the_column_shows_the_scheduled_run_not_the_due_time(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.scheduler.start()
    plan = app.scheduler.check_plan()
    assert plan.next_run is not None and plan.slots is not None
    # Due 47 minutes after the next slot, as after a "check now" in the middle of an hour.
    due = plan.slots.get_next_fire_time(None, plan.next_run) + timedelta(minutes=47)
    product = app.add_product("https://shop.example/kettle", title="Kettle")
    app.products.set_fields(product.id or 0, next_check_at=due)
    window = make_window()

    expected = plan.slots.get_next_fire_time(None, due)  # the slot after the due time
    # the cell says "in 2 hr"; its tooltip has the exact time
    assert next_check_cell(window) == fmt.relative(expected)
    assert next_check_tip(window) == fmt.local_time(expected)
    assert next_check_tip(window) != fmt.local_time(due)

    window.commands.pause.setChecked(True)  # Pause scheduled checks: the column says so at once
    assert next_check_cell(window) == "checks paused"


def test_without_a_scheduler_the_column_says_so(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.add_product("https://shop.example/kettle", title="Kettle")
    paused = app.add_product("https://shop.example/lamp", title="Lamp")
    app.update_product(paused.id or 0, paused=True)
    window = make_window()
    cells = {next_check_cell(window, row) for row in range(2)}
    assert cells == {"scheduler off", "paused"}
