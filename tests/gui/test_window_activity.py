"""Background work in the main window: a status bar indicator, the task table on demand, human labels."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.tasks import columns as tc
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 20_000


def shown_texts(window: MainWindow) -> list[str]:
    """Every cell of the task table a user can see (visible columns, expanded or not)."""
    tree = window.task_panel.tree
    model = tree.model()
    header = tree.header()
    texts: list[str] = []

    def walk(parent: QModelIndex) -> None:
        for row in range(model.rowCount(parent)):
            for column in range(model.columnCount(parent)):
                if not header.isSectionHidden(column):
                    texts.append(str(model.index(row, column, parent).data() or ""))
            walk(model.index(row, 0, parent))

    walk(QModelIndex())
    return texts


def test_the_products_are_the_window_and_the_tasks_open_on_demand(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    window = open_window()
    assert not window.task_dock.isVisible() and not window.notifications_dock.isVisible()
    assert not window.task_dock.features() & QDockWidget.DockWidgetFeature.DockWidgetFloatable
    assert window.status.activity.button.text() == "No tasks running"
    assert not window.status.activity.bar.isVisible()
    qtbot.mouseClick(window.status.activity.button, Qt.MouseButton.LeftButton)
    assert window.task_dock.isVisible()
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    toggle = next(a for a in view_menu.actions() if a.text() == "Tasks")
    toggle.trigger()
    assert not window.task_dock.isVisible()


def test_the_indicator_counts_the_work_and_its_progress(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow], page_server: PageServer
) -> None:
    for n in range(3):
        url = page_server.add(f"/slow-{n}", product_page(f"Kettle {n}", "10.00"), delay=1.5)
        window_app.add_product(url, title=f"Kettle {n}")
    window_app.start(scheduler=False)
    window = open_window()
    indicator = window.status.activity
    window.check_all()
    qtbot.waitUntil(lambda: "running" in indicator.button.text() and indicator.active >= 2, timeout=WAIT)
    assert indicator.bar.isVisible() and indicator.progress < 100
    assert indicator.button.text() != "No tasks running"
    qtbot.waitUntil(lambda: indicator.button.text() == "No tasks running", timeout=WAIT)
    assert not indicator.bar.isVisible()


def test_tasks_read_as_what_for_which_product_and_when_with_ids_only_in_the_detail(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow], page_server: PageServer
) -> None:
    url = page_server.add("/kettle", product_page("Kettle", "24.99"))
    product = window_app.add_product(url, title="Kettle")
    window_app.start(scheduler=False)
    window = open_window()
    task_id = window_app.check_product(product.id or 0)
    qtbot.waitUntil(lambda: (r := window.task_model.record(task_id)) is not None and r.state.is_final,
                    timeout=WAIT)  # fmt: skip
    window.show_tasks()
    label = window.task_model.index_of(task_id, tc.COL_ACTIVITY).data()
    assert label.startswith("Checking 'Kettle' · ") and label.endswith(("ago", "now")), label
    texts = shown_texts(window)
    assert not [t for t in texts if task_id[-8:] in t or t in ("scraping", "default", "notifications")]
    assert window.task_panel.select_task(task_id)
    assert task_id in window.task_panel.detail.toPlainText()


def test_the_layout_is_remembered(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    first = open_window()
    first.show_tasks()
    first.resize(700, 500)  # within the offscreen screen (800 x 600)
    first.quit()
    second = open_window()
    assert second.task_dock.isVisible()
    assert (second.width(), second.height()) == (700, 500)
