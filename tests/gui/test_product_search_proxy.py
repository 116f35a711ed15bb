"""The search proxy of the products table: the matching rows in the model's order, following the model's
sorts, additions, removals and changes, with the selection kept on the same products."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from pytestqt.qtbot import QtBot

from pricewatch.gui.products.model import COL_PRICE, COL_TITLE, ProductIdRole, ProductTableModel
from pricewatch.gui.products.proxy import ProductFilterProxy
from pricewatch.models import Product

TITLES = {1: "Kettle steel", 2: "Walking boots", 3: "Kettle glass", 4: "Desk lamp", 5: "Tea kettle"}
PRICES = {1: "30", 2: "80", 3: "10", 4: "25", 5: "20"}


def _product(pid: int, title: str | None = None, price: str | None = None) -> Product:
    return Product(url=f"https://shop.example/{pid}", id=pid, title=title or TITLES[pid],
                   price=Decimal(price or PRICES[pid]), currency="EUR")  # fmt: skip


def _shown(proxy: ProductFilterProxy) -> list[int]:
    return [proxy.index(row, COL_TITLE).data(ProductIdRole) for row in range(proxy.rowCount())]


def _model_and_proxy() -> tuple[ProductTableModel, ProductFilterProxy]:
    model = ProductTableModel()
    model.set_products([_product(pid) for pid in TITLES])
    return model, ProductFilterProxy(model)


def test_a_search_shows_the_matching_rows_in_the_models_order() -> None:
    model, proxy = _model_and_proxy()
    assert _shown(proxy) == [1, 2, 3, 4, 5]
    proxy.set_search("  KETTLE ")
    assert _shown(proxy) == [1, 3, 5]
    assert proxy.index(1, COL_TITLE).data() == "Kettle glass"
    assert proxy.mapToSource(proxy.index(2, COL_PRICE)).row() == 4
    assert not proxy.mapFromSource(model.index(1, COL_TITLE)).isValid()  # hidden: the boots
    proxy.set_search("no such thing")
    assert _shown(proxy) == []
    proxy.set_search("")
    assert _shown(proxy) == [1, 2, 3, 4, 5]


def test_sorting_through_the_proxy_keeps_the_search_and_the_selection(qtbot: QtBot) -> None:
    model, proxy = _model_and_proxy()
    proxy.set_search("kettle")
    selection = QItemSelectionModel(proxy)
    selection.select(proxy.index(0, COL_TITLE), QItemSelectionModel.SelectionFlag.Select)  # product 1
    selection.setCurrentIndex(proxy.index(0, COL_TITLE), QItemSelectionModel.SelectionFlag.NoUpdate)
    proxy.sort(COL_PRICE, Qt.SortOrder.AscendingOrder)
    assert model.product_ids() == [3, 5, 4, 1, 2]
    assert _shown(proxy) == [3, 5, 1]
    assert [i.data(ProductIdRole) for i in selection.selectedIndexes()] == [1]
    assert selection.currentIndex().row() == 2
    proxy.sort(COL_PRICE, Qt.SortOrder.DescendingOrder)
    assert _shown(proxy) == [1, 5, 3]
    assert selection.currentIndex().data(ProductIdRole) == 1


def test_rows_added_or_removed_while_searching(qtbot: QtBot) -> None:
    model, proxy = _model_and_proxy()
    proxy.set_search("kettle")
    with qtbot.waitSignal(proxy.rowsInserted) as inserted:
        model.upsert(_product(6, "Kettle copper", "5"))
    assert inserted.args[1:] == [3, 3]
    model.upsert(_product(7, "Lamp shade", "5"))  # no match: not shown, no signal needed
    assert _shown(proxy) == [1, 3, 5, 6]
    with qtbot.waitSignal(proxy.rowsRemoved) as removed:
        model.remove(3)
    assert removed.args[1:] == [1, 1]
    assert _shown(proxy) == [1, 5, 6]
    model.remove(2)  # hidden: the shown rows only move up in the model
    assert _shown(proxy) == [1, 5, 6]
    assert proxy.mapToSource(proxy.index(2, COL_TITLE)).data(ProductIdRole) == 6


def test_a_changed_row_is_redrawn_where_it_is_shown(qtbot: QtBot) -> None:
    model, proxy = _model_and_proxy()
    proxy.set_search("kettle")
    with qtbot.waitSignal(proxy.dataChanged) as changed:
        model.upsert(_product(5, "Tea kettle", "19"))
    first, last = changed.args[:2]
    assert (first.row(), last.row()) == (2, 2)
    assert proxy.index(2, COL_PRICE).data() == model.index(4, COL_PRICE).data()
    with qtbot.assertNotEmitted(proxy.dataChanged):
        model.upsert(_product(2, "Walking boots", "70"))  # hidden


def test_a_reset_of_the_model_searches_again() -> None:
    model, proxy = _model_and_proxy()
    proxy.set_search("lamp")
    model.set_products([_product(4), _product(8, "Lamp post", "99"), _product(2)])
    assert _shown(proxy) == [4, 8]
    proxy.setSourceModel(None)
    assert proxy.rowCount() == 0
    assert not proxy.mapToSource(QModelIndex()).isValid()
