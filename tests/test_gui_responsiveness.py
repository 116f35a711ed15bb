# ruff: noqa: F811  (pytest fixtures imported from tests.test_gui_support are redefined as parameters)
"""What keeps the window responsive with big tables: the GUI thread's Python work per event stays small."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui import product_sync
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.product_model import COL_TITLE, PreparedRows, ProductTableModel, prepare_rows
from pricewatch.gui.products_panel import ProductsPanel
from pricewatch.models import Product
from tests.test_gui_support import app, make_window  # noqa: F401 - fixtures


class _CountingModel(ProductTableModel):
    """Counts the Python calls Qt makes to ask for the column count (made once per index() Qt builds)."""

    calls = 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        self.calls += 1
        return super().columnCount(parent)


def _panel(qtbot: QtBot, rows: int) -> tuple[ProductsPanel, _CountingModel]:
    model = _CountingModel()
    panel = ProductsPanel(model)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    model.set_products(Product(url=f"https://shop.example/item/{n}", id=n, title=f"Item {n}")
                       for n in range(1, rows + 1))  # fmt: skip
    QApplication.processEvents()  # the views' delayed layout after the reset
    return panel, model


def test_painting_the_header_after_selecting_every_row_does_not_walk_the_rows(qtbot: QtBot) -> None:
    panel, model = _panel(qtbot, 2000)
    for searching in (False, True):  # the table shows the model itself, then the search proxy
        if searching:
            panel.search.setText("item")
            panel.apply_search_now()
        panel.table.selectAll()
        assert len(panel.selected_rows()) == 2000
        model.calls = 0
        panel.table.horizontalHeader().viewport().repaint()
        # sharing the table's selection, the header made an index per selected row and column: 18,000 calls
        assert model.calls < 2000  # a constant few hundred (headers through the proxy), whatever the rows


def test_the_rows_of_the_first_load_are_built_on_a_pool_thread(
    app: PriceWatch, make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        app.add_product(f"https://shop.example/item/{n}", title=f"Item {n}")
    threads: list[threading.Thread] = []

    def prepare(products: Iterable[Product]) -> PreparedRows:
        threads.append(threading.current_thread())
        return prepare_rows(products)

    monkeypatch.setattr(product_sync, "prepare_rows", prepare)
    window = make_window()
    assert [t is threading.main_thread() for t in threads] == [False]
    assert window.product_model.rowCount() == 3
    assert window.product_model.index(0, COL_TITLE).data() == "Item 0"
