"""What keeps the window responsive with big tables: the GUI thread's Python work per event stays small."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pricewatch.gui.product_model import ProductTableModel
from pricewatch.gui.products_panel import ProductsPanel
from pricewatch.models import Product


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
