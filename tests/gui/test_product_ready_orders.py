"""The products table's ready orders: every column's order made once (on a pool thread after loading, or at
the first click), then picked by a click and repaired for the rows changed since, with the same result a
fresh sort gives: rows without a value last either way, ties in the order products were added."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from pricewatch.gui.products.model import (
    COL_CHANGE,
    COL_LAST_CHECKED,
    COL_PRICE,
    COL_SHOP,
    COL_TITLE,
    ProductIdRole,
    ProductTableModel,
    prepare_rows,
)
from pricewatch.gui.products.proxy import ProductFilterProxy
from pricewatch.gui.products.ready_orders import ColumnOrders, compact, order_slots
from pricewatch.models import Product, utcnow

DESC, ASC = Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder
NOW = utcnow()


def _product(pid: int, price: str | None, *, title: str | None = None, shop: str = "shop.example",
             previous: str | None = None, checked_min: int | None = None) -> Product:  # fmt: skip
    return Product(
        url=f"https://{shop}/{pid}", id=pid, title=title or f"Item {pid}", shop=shop, currency="EUR",
        price=Decimal(price) if price else None, previous_price=Decimal(previous) if previous else None,
        last_checked_at=None if checked_min is None else NOW - timedelta(minutes=checked_min),
    )  # fmt: skip


def _with_ready_orders(products: list[Product]) -> ProductTableModel:
    """A model whose orders were made as the window makes them after loading (the job run here)."""
    model = ProductTableModel()
    model.set_products(products)
    model.set_orders(model.make_orders_job()())
    return model


def test_ties_keep_the_order_products_were_added_in_both_directions() -> None:
    products = [_product(1, "5"), _product(2, "9"), _product(3, "5"), _product(4, None), _product(5, "9"),
                _product(6, "5")]  # fmt: skip
    for model in (_with_ready_orders(products), ProductTableModel()):
        if not model.rowCount():
            model.set_products(products)  # no ready orders: made at the first click
        model.sort(COL_PRICE, ASC)
        assert model.product_ids() == [1, 3, 6, 2, 5, 4]
        model.sort(COL_PRICE, DESC)
        assert model.product_ids() == [2, 5, 1, 3, 6, 4]
        model.sort(COL_SHOP, DESC)  # every shop the same: all tie, in the order added
        assert model.product_ids() == [1, 2, 3, 4, 5, 6]


def test_no_value_and_unsure_readings_sort_by_value_with_the_missing_last() -> None:
    model = _with_ready_orders([_product(1, None, previous="4"), _product(2, "8", previous="4"),
                                _product(3, "2", previous="4"), _product(4, "4")])  # fmt: skip
    model.set_unsure({3: True})  # shown as "~2.00", sorted as 2
    model.sort(COL_PRICE, DESC)
    assert model.product_ids() == [2, 4, 3, 1]
    assert model.index(2, COL_PRICE).data().startswith("~")
    model.sort(COL_CHANGE, ASC)  # cheaper first; no change known for 1 (no price) and 4 (no previous)
    assert model.product_ids() == [3, 2, 1, 4]
    model.sort(COL_CHANGE, DESC)
    assert model.product_ids() == [2, 3, 1, 4]
    model.sort(COL_LAST_CHECKED, ASC)  # never checked: all missing, in the order added
    assert model.product_ids() == [1, 2, 3, 4]


def test_rows_changed_added_and_removed_while_sorted_take_their_places() -> None:
    model = _with_ready_orders([_product(pid, str(pid * 10)) for pid in range(1, 7)])
    model.sort(COL_PRICE, ASC)
    assert model.product_ids() == [1, 2, 3, 4, 5, 6]
    model.upsert(_product(5, "5"))  # cheapest now
    model.upsert(_product(2, "30"))  # ties with 3: comes after it, as it changed later
    model.upsert(_product(7, "45"))  # added
    model.sort(COL_PRICE, DESC)  # the ready order repaired for the changed rows
    assert model.product_ids() == [6, 7, 4, 3, 2, 1, 5]
    model.sort(COL_PRICE, ASC)
    assert model.product_ids() == [5, 1, 3, 2, 4, 7, 6]
    model.remove(3)
    model.remove(5)
    assert model.product_ids() == [1, 2, 4, 7, 6]
    model.sort(COL_PRICE, DESC)
    assert model.product_ids() == [6, 7, 4, 2, 1]
    model.sort(-1, ASC)  # back to the order products were added
    assert model.product_ids() == [1, 2, 4, 6, 7]
    assert [model.row_of(pid) for pid in (1, 2, 4, 6, 7)] == [0, 1, 2, 3, 4]


def test_rows_changed_while_the_orders_are_made_are_placed_by_their_new_values() -> None:
    model = ProductTableModel()
    model.set_products([_product(pid, str(pid), title=f"T{pid}") for pid in range(1, 6)])
    job = model.make_orders_job()  # reads the rows as they are now...
    model.upsert(_product(1, "9", title="T9"))  # ...then these change before its orders arrive
    model.upsert(_product(6, "0", title="T0"))
    model.set_orders(job())
    model.sort(COL_PRICE, ASC)
    assert model.product_ids() == [6, 2, 3, 4, 5, 1]
    model.sort(COL_TITLE, DESC)
    assert model.product_ids() == [1, 5, 4, 3, 2, 6]


def test_orders_made_before_a_reload_are_not_taken() -> None:
    model = ProductTableModel()
    model.set_products([_product(pid, str(10 - pid)) for pid in range(1, 4)])
    job = model.make_orders_job()
    model.set_products([_product(pid, str(pid)) for pid in range(1, 5)])  # other rows in the slots now
    model.set_orders(job())
    model.sort(COL_PRICE, ASC)
    assert model.product_ids() == [1, 2, 3, 4]


def test_sort_then_search_then_sort_again_keeps_the_search_and_the_selection(qtbot: QtBot) -> None:
    titles = {1: "Kettle steel", 2: "Boots", 3: "Kettle glass", 4: "Lamp", 5: "Tea kettle"}
    prices = {1: "30", 2: "80", 3: "10", 4: "25", 5: "20"}
    model = _with_ready_orders([_product(pid, prices[pid], title=titles[pid]) for pid in titles])
    proxy = ProductFilterProxy(model)
    model.sort(COL_PRICE, DESC)
    proxy.set_search("kettle")

    def shown() -> list[int]:
        return [proxy.index(row, COL_TITLE).data(ProductIdRole) for row in range(proxy.rowCount())]

    assert shown() == [1, 5, 3]
    selection = QItemSelectionModel(proxy)
    selection.select(proxy.index(1, COL_TITLE), QItemSelectionModel.SelectionFlag.Select)  # product 5
    proxy.sort(COL_TITLE, ASC)
    assert shown() == [3, 1, 5]
    assert [i.data(ProductIdRole) for i in selection.selectedIndexes()] == [5]
    model.upsert(_product(5, "5", title="Tea kettle"))
    proxy.sort(COL_PRICE, ASC)
    assert shown() == [5, 3, 1]
    assert [i.data(ProductIdRole) for i in selection.selectedIndexes()] == [5]
    proxy.set_search("")
    assert shown() == [5, 3, 4, 1, 2]


def test_a_ready_order_is_picked_not_made_again() -> None:
    orders = ColumnOrders(compact([3.0, None, 1.0, 2.0]), None)
    first = orders.order(False)
    assert list(first) == [2, 3, 0, 1]
    assert orders.order(False) is first  # nothing changed: the same list
    orders.set(0, 3.0, None)  # the same value again: still nothing changed
    assert orders.order(False) is first
    orders.set(0, 0.5, None)
    assert list(orders.order(False)) == [0, 2, 3, 1]
    assert list(orders.order(True)) == [3, 2, 0, 1]
    orders.set(4, None, None)  # added, without a value
    orders.set(1, 2.0, None)  # ties with slot 3, changed later: after it
    assert list(orders.order(False)) == [0, 2, 3, 1, 4]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 6)), min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(0, 39), st.one_of(st.none(), st.integers(0, 6))), max_size=15),
    st.booleans(),
    st.integers(1, 300),
)
def test_a_repaired_order_sorts_like_a_fresh_one(
    start: list[int | None], changes: list[tuple[int, int | None]], descending: bool, run: int
) -> None:
    values: list[float | None] = [None if v is None else float(v) for v in start]
    slots = list(range(len(values)))
    orders = ColumnOrders(compact(list(values)), None)  # numbers: an array, NaN for None
    orders.order(descending)
    made = order_slots(values, None, descending, run=run)  # in runs, as on the pool thread
    assert made == order_slots(values, None, descending)
    for slot, value in changes:
        if slot < len(values):
            values[slot] = None if value is None else float(value)
            orders.set(slot, values[slot], None)
    repaired = list(orders.order(descending))
    assert sorted(repaired) == slots  # every slot once
    present = [v for v in values if v is not None]
    expected = sorted(present, reverse=descending) + [None] * (len(values) - len(present))
    assert [values[slot] for slot in repaired] == expected
    missing = [slot for slot in repaired if values[slot] is None]
    assert missing == sorted(missing)  # without a value: in the order added
    if not changes:  # nothing moved: ties in the order added, as a fresh sort gives
        assert repaired == order_slots(values, None, descending)


def test_titles_sort_without_regard_to_case_and_a_renamed_row_moves() -> None:
    titles = {1: "banana", 2: "Apple", 3: "cherry", 4: "apple pie"}
    model = _with_ready_orders([_product(pid, "1", title=title) for pid, title in titles.items()])
    model.sort(COL_TITLE, ASC)
    assert model.product_ids() == [2, 4, 1, 3]
    model.upsert(_product(3, "1", title="Aardvark"))
    model.sort(COL_TITLE, DESC)
    assert model.product_ids() == [1, 4, 2, 3]
    model.sort(COL_TITLE, ASC)
    assert model.product_ids() == [3, 2, 4, 1]
    model.upsert(_product(3, "1", title="zulu"))  # out of place now: a re-sort is due
    model.sort(COL_TITLE, ASC)  # the same column again does it at once
    assert model.product_ids() == [2, 4, 1, 3]


def test_rows_loaded_with_indexes_made_on_the_pool_thread_are_found_by_id() -> None:
    model = ProductTableModel()
    model.sort(COL_PRICE, DESC)  # as the window last closed
    products = [_product(pid, price) for pid, price in ((1, "5"), (2, "9"), (3, None), (4, "7"))]
    rows = prepare_rows(products)
    model.set_rows(rows, model.indexes_for_rows()(rows))  # the job as the reading pool thread runs it
    assert model.product_ids() == [2, 4, 1, 3]
    assert [model.row_of(pid) for pid in (1, 2, 3, 4)] == [2, 0, 3, 1]
    model.upsert(_product(1, "6"))  # the row shown for product 1 changes, no other
    assert model.product_at(2).price == Decimal("6") and model.product_at(1).price == Decimal("7")

    made = model.indexes_for_rows()  # for the order shown now; the user sorts otherwise meanwhile
    model.sort(COL_PRICE, ASC)
    rows = prepare_rows(products)
    model.set_rows(rows, made(rows))
    assert model.product_ids() == [1, 4, 2, 3]
    assert [model.row_of(pid) for pid in (1, 2, 3, 4)] == [0, 2, 3, 1]


def test_the_product_due_first_is_an_unpaused_one_and_never_checked_counts_as_due_now() -> None:
    def due(pid: int, minutes: int | None, *, paused: bool = False) -> Product:
        when = None if minutes is None else NOW + timedelta(minutes=minutes)
        return Product(url=f"https://shop.example/{pid}", id=pid, next_check_at=when, paused=paused)

    model = ProductTableModel()
    assert model.earliest_due() is None
    model.set_products([due(1, 30), due(2, 5, paused=True), due(3, 10), due(4, 10)])
    model.sort(COL_PRICE, DESC)  # whatever the rows' order
    assert model.earliest_due().id == 3  # type: ignore[union-attr]
    model.upsert(due(5, None))  # never checked: due now
    assert model.earliest_due().id == 5  # type: ignore[union-attr]
    model.set_products([due(1, 30, paused=True), due(2, 5, paused=True)])
    assert model.earliest_due().id == 1  # type: ignore[union-attr]  # only paused ones: one of them


def test_columns_read_from_an_empty_table_take_any_kind_of_value_later() -> None:
    model = ProductTableModel()
    model.set_products([])
    model.set_orders(model.make_orders_job()())  # every column read with no rows
    model.upsert(_product(2, "5", title="Beta", checked_min=5))
    model.upsert(_product(1, None, title="alpha", checked_min=1))
    model.sort(COL_TITLE, ASC)
    assert model.product_ids() == [1, 2]
    model.sort(COL_PRICE, DESC)
    assert model.product_ids() == [2, 1]
    model.sort(COL_LAST_CHECKED, DESC)  # the most recent first
    assert model.product_ids() == [1, 2]
    model.remove(2)
    model.sort(COL_SHOP, ASC)
    assert model.product_ids() == [1]


def test_the_background_sorts_pause_between_their_pieces() -> None:
    """The pool thread gives the interpreter lock away between pieces (the GUI thread's paints wait less),
    and the pieces still make the same order as one sort."""
    values = compact([float((i * 7919) % 1000) for i in range(50_000)])
    pauses: list[int] = []
    made = order_slots(values, None, False, run=4096, pause=lambda: pauses.append(1))
    assert made == order_slots(values, None, False)
    assert len(pauses) >= 50_000 // 4096  # at least one per piece
