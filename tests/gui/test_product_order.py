"""The products table keeps the chosen order as prices arrive; rows without a price sort last either way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_PRICE, COL_TITLE, ProductTableModel
from pricewatch.models import Availability, Product, utcnow

DESC, ASC = Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder


def _product(pid: int, price: str | None, currency: str = "EUR") -> Product:
    return Product(
        url=f"https://shop.example/{pid}", id=pid, title=f"p{pid}",
        price=Decimal(price) if price else None, currency=currency,
    )  # fmt: skip


def _order(model: ProductTableModel) -> list[int]:
    return model.product_ids()


def test_rows_without_a_price_come_last_in_both_directions() -> None:
    model = ProductTableModel()
    model.set_products([_product(1, None), _product(2, "5"), _product(3, None), _product(4, "50")])
    model.sort(COL_PRICE, DESC)
    assert _order(model) == [4, 2, 1, 3]
    model.sort(COL_PRICE, ASC)
    assert _order(model) == [2, 4, 1, 3]


def test_prices_sort_by_currency_then_amount() -> None:
    model = ProductTableModel()
    model.set_products([_product(1, "249990", "CLP"), _product(2, "12800", "JPY"), _product(3, "5100", "GBP"),
                        _product(4, "20", "GBP"), _product(5, "3", "CLP")])  # fmt: skip
    model.sort(COL_PRICE, ASC)
    assert _order(model) == [5, 1, 4, 3, 2]  # CLP, GBP, JPY; each from low to high
    model.sort(COL_PRICE, DESC)
    assert _order(model) == [2, 3, 4, 1, 5]


def test_a_changed_price_moves_its_row_and_the_selection_follows(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    ids = []
    for n, price in enumerate(["10", "20", "30", None]):
        product = app.add_product(f"https://shop{n}.example/item", title=f"Item {n}")
        if price is not None:
            app.observations.record_check(product.id or 0, checked_at=utcnow() - timedelta(hours=1),
                                          price=Decimal(price), currency="EUR",
                                          availability=Availability.IN_STOCK)  # fmt: skip
        ids.append(product.id or 0)
    window = make_window()
    table = window.products.table
    model = window.product_model
    table.sortByColumn(COL_PRICE, DESC)
    assert _order(model) == [ids[2], ids[1], ids[0], ids[3]]
    window.products.select_product(ids[0])
    # the cheapest becomes the dearest; the one without a price gets one in the middle
    for pid, price in ((ids[0], "99"), (ids[3], "15")):
        app.observations.record_check(pid, checked_at=utcnow(), price=Decimal(price), currency="EUR",
                                      availability=Availability.IN_STOCK)  # fmt: skip
        window.product_sync.refresh(pid)
    window.product_sync.flush_now()
    qtbot.waitUntil(lambda: _order(model) == [ids[0], ids[2], ids[1], ids[3]])
    assert window.products.selected_ids() == [ids[0]]
    assert table.model().index(0, COL_TITLE).data() == "Item 0"
    assert table.horizontalHeader().sortIndicatorOrder() == DESC


def test_the_order_holds_while_searching(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    ids = []
    for n, price in enumerate(["10", "20", "30"]):
        product = app.add_product(f"https://shop{n}.example/lamp", title=f"Lamp {n}")
        app.observations.record_check(product.id or 0, checked_at=utcnow() - timedelta(hours=1),
                                      price=Decimal(price), currency="EUR",
                                      availability=Availability.IN_STOCK)  # fmt: skip
        ids.append(product.id or 0)
    app.add_product("https://other.example/chair", title="Chair")
    window = make_window()
    table = window.products.table
    table.sortByColumn(COL_PRICE, ASC)
    window.products.search.setText("lamp")
    window.products.apply_search_now()

    def shown() -> list[str]:
        return [table.model().index(r, COL_TITLE).data() for r in range(table.model().rowCount())]

    assert shown() == ["Lamp 0", "Lamp 1", "Lamp 2"]
    app.observations.record_check(ids[0], checked_at=utcnow(), price=Decimal("25"), currency="EUR",
                                  availability=Availability.IN_STOCK)  # fmt: skip
    window.product_sync.refresh(ids[0])
    window.product_sync.flush_now()
    qtbot.waitUntil(lambda: shown() == ["Lamp 1", "Lamp 0", "Lamp 2"])


def test_a_big_selection_follows_its_products_through_a_sort() -> None:
    model = ProductTableModel()
    model.set_products([_product(pid, str(100 - pid)) for pid in range(1, 41)])
    selection = QItemSelectionModel(model)
    chosen = {3, 7, 8, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 40}  # many indexes
    for pid in chosen:
        row = model.row_of(pid)
        assert row is not None
        selection.select(model.index(row, COL_TITLE), QItemSelectionModel.SelectionFlag.Select)
    model.sort(COL_PRICE, ASC)
    assert _order(model)[:3] == [40, 39, 38]
    assert {model.product_at(i.row()).id for i in selection.selectedIndexes()} == chosen
    model.sort(COL_PRICE, ASC)  # the same order again: nothing moves
    assert _order(model)[:3] == [40, 39, 38]
    model.sort(-1, ASC)
    assert _order(model) == list(range(1, 41))
    assert {model.product_at(i.row()).id for i in selection.selectedIndexes()} == chosen


def test_sorting_again_uses_values_kept_in_step_with_changes() -> None:
    model = ProductTableModel()
    model.set_products([_product(1, "30"), _product(2, "10"), _product(3, "20"), _product(4, None)])
    model.sort(COL_PRICE, ASC)
    model.sort(COL_TITLE, ASC)  # both columns' values are kept now
    assert _order(model) == [1, 2, 3, 4]
    model.upsert(_product(2, "99"))  # changed, added and removed while sorted by title
    model.upsert(_product(5, "15", "USD"))
    model.upsert(_product(4, "5"))
    model.remove(3)
    model.sort(COL_PRICE, DESC)
    assert _order(model) == [5, 2, 1, 4]  # USD before EUR going down; then 99, 30, 5
    model.sort(COL_PRICE, ASC)
    assert _order(model) == [4, 1, 2, 5]
    model.sort(COL_TITLE, DESC)
    assert _order(model) == [5, 4, 2, 1]
