"""The task table's text filter matches what a row shows; the detail pane follows what the filter hides."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.tasks import columns as tc
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 15_000


def visible_ids(window: MainWindow) -> set[str]:
    view = window.task_panel.view_model()
    return {view.index(row, 0, QModelIndex()).data(tc.TaskIdRole) for row in range(view.rowCount())}


def test_the_filter_matches_the_product_a_check_row_shows(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    kettle = app.add_product(
        page_server.add("/kettle", product_page("Kettle", "30.00")), title="Changing Kettle"
    )
    lamp = app.add_product(page_server.add("/lamp", product_page("Lamp", "12.00")), title="Desk lamp")
    app.start(scheduler=False)
    window = make_window()
    kettle_check = app.check_product(kettle.id or 0)
    lamp_check = app.check_product(lamp.id or 0)
    for task_id in (kettle_check, lamp_check):
        qtbot.waitUntil(lambda t=task_id: window.task_model.index_of(t).isValid(), timeout=WAIT)
    assert app.get_task(kettle_check).kwargs == {"product_id": kettle.id}  # no title or URL in the record
    assert window.task_model.index_of(kettle_check, tc.COL_SUBJECT).data() == "Changing Kettle"

    panel = window.task_panel
    panel.text_filter.setText("changing")
    assert visible_ids(window) == {kettle_check}
    panel.text_filter.setText("check price")  # the friendly name the Task column shows
    assert visible_ids(window) == {kettle_check, lamp_check}


def test_the_detail_pane_clears_when_the_filter_hides_its_task(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    app.start(scheduler=False)
    window = make_window()
    first = app.scrape(page_server.add("/a", product_page("Toaster", "24.99")))
    second = app.scrape(page_server.add("/b", product_page("Blender", "49.99")))
    for task_id in (first, second):
        qtbot.waitUntil(lambda t=task_id: window.task_model.index_of(t).isValid(), timeout=WAIT)
    panel = window.task_panel
    panel.text_filter.setText("/a")  # filtering on, the first task still shown
    assert panel.select_task(first)
    assert panel.detail.task_id == first
    panel.text_filter.setText("/b")  # now the first task is hidden
    assert first not in visible_ids(window)
    assert panel.detail.task_id != first
    panel.text_filter.setText("")
    assert panel.select_task(first)
    panel.text_filter.setText("/b")  # hidden as the proxy comes in
    assert panel.detail.task_id != first
