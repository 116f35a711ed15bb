"""What keeps the window responsive with big tables: the GUI thread's Python work per event stays small."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtGui import QImage, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView, QTreeView, QWidget
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products import model as product_model
from pricewatch.gui.products import ready_orders
from pricewatch.gui.products import sync as product_sync
from pricewatch.gui.products.model import COL_PRICE, COL_TITLE, PreparedRows, ProductTableModel, prepare_rows
from pricewatch.gui.products.panel import ProductsPanel
from pricewatch.gui.tasks import columns as tc
from pricewatch.gui.tasks import model as task_model
from pricewatch.gui.tasks.model import TaskTreeModel
from pricewatch.gui.tasks.progress_delegate import ProgressDelegate
from pricewatch.gui.tasks.tree import TaskTreeView
from pricewatch.gui.widgets.model_roles import Roles
from pricewatch.models import Availability, Product, TaskRecord, TaskState, utcnow
from tests.support.app import open_pricewatch


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


class _PerRole(ProductTableModel):
    """Qt's default multiData: one data() call per role (what the models did before)."""

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: Roles) -> None:
        QAbstractTableModel.multiData(self, index, roleDataSpan)


class _PerRoleTasks(TaskTreeModel):
    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: Roles) -> None:
        QAbstractItemModel.multiData(self, index, roleDataSpan)


def _varied_products() -> list[Product]:
    now = utcnow()
    kinds = [
        {"price": Decimal("19.99"), "previous_price": Decimal("24.50"), "target_price": Decimal("20")},
        {"price": Decimal("31"), "previous_price": Decimal("29"), "availability": Availability.OUT_OF_STOCK},
        {"last_error": "HTTPError: 503 Service Unavailable", "paused": True},
        {"price": Decimal("5.00"), "last_checked_at": now, "next_check_at": now + timedelta(hours=1)},
    ]  # fmt: skip
    return [Product(url=f"https://shop{n}.example/item", id=n + 1, title=f"Item {n}", shop=f"shop{n}.example",
                    currency="EUR", **kind) for n, kind in enumerate(kinds * 3)]  # fmt: skip


def _shown(qtbot: QtBot, view: QAbstractItemView) -> QImage:
    qtbot.addWidget(view)
    view.resize(1200, 400)
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    return view.grab().toImage()


def test_products_painted_one_call_per_cell_look_as_painted_one_call_per_role(qtbot: QtBot) -> None:
    images = []
    for model_class in (ProductTableModel, _PerRole):
        model = model_class()
        model.set_products(_varied_products())
        table = QTableView()
        table.setModel(model)
        images.append(_shown(qtbot, table))
    assert images[0] == images[1]


def test_tasks_painted_one_call_per_cell_look_as_painted_one_call_per_role(qtbot: QtBot) -> None:
    now = utcnow()
    records = [TaskRecord(id="batch", name="price_tracking.check_prices", state=TaskState.STARTED,
                          progress_current=1, progress_total=3, queued_at=now)]  # fmt: skip
    states = (TaskState.SUCCESS, TaskState.FAILURE, TaskState.STARTED)
    records += [TaskRecord(id=f"c{n}", name="price_tracking.check_product_price", parent_id="batch",
                           state=state, error="boom" if state is TaskState.FAILURE else None,
                           queued_at=now + timedelta(seconds=n))
                for n, state in enumerate(states)]  # fmt: skip
    images = []
    for model_class in (TaskTreeModel, _PerRoleTasks):
        model = model_class(lambda _id: None)
        model.load(records)
        tree = QTreeView()
        tree.setModel(model)
        tree.setItemDelegateForColumn(tc.COL_PROGRESS, ProgressDelegate(tree))
        tree.expandAll()
        images.append(_shown(qtbot, tree))
    assert images[0] == images[1]


def test_painting_the_products_asks_python_once_per_cell(qtbot: QtBot) -> None:
    asked: list[str] = []

    class Counting(ProductTableModel):
        def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
            asked.append(sys._getframe(1).f_code.co_name)  # fill_roles: from multiData, in Python
            return super().data(index, role)

    model = Counting()
    model.set_products(_varied_products())
    table = QTableView()
    table.setModel(model)
    _shown(qtbot, table)
    asked.clear()
    table.viewport().repaint()
    cells = model.rowCount() * model.columnCount()
    from_qt = [caller for caller in asked if caller != "fill_roles"]
    assert len(asked) >= 5 * cells  # every role of every cell was answered...
    assert len(from_qt) == 0  # ...through multiData, one call per cell (per role: seven calls per cell)


def test_task_rows_are_applied_a_small_chunk_per_flush_then_all(qtbot: QtBot) -> None:
    now = utcnow()
    parent = TaskRecord(
        id="batch", name="price_tracking.check_prices", state=TaskState.STARTED, queued_at=now
    )
    journal = {"batch": parent}
    for n in range(100):
        child = TaskRecord(id=f"c{n:03}", name="price_tracking.check_product_price", parent_id="batch",
                           queued_at=now + timedelta(seconds=n + 1))  # fmt: skip
        journal[child.id] = child
    model = TaskTreeModel(journal.get)  # reads inline
    model.load([parent])
    for task_id in journal:
        if task_id != "batch":
            model._mark(task_id)  # as the collected engine signals do
    batch = model.index_of("batch")
    model.flush(budget=0)  # out of time at once: one chunk applied, the rest waits
    assert model.rowCount(batch) == task_model.APPLY_CHUNK
    model.flush_all()
    children = [model.index(row, 0, batch).data(tc.TaskIdRole) for row in range(model.rowCount(batch))]
    assert children == [task_id for task_id in journal if task_id != "batch"]  # all, oldest first


def test_refreshed_products_are_applied_a_small_chunk_at_a_time(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [app.add_product(f"https://shop.example/item/{n}", title=f"Item {n}").id or 0 for n in range(120)]
    window = make_window()
    monkeypatch.setattr(product_sync, "BUDGET_S", 0.0)  # out of time after each chunk
    applied: list[list[int]] = []
    window.product_sync.products_refreshed.connect(applied.append)
    for product_id in ids:
        window.product_sync.refresh(product_id)
    qtbot.waitUntil(lambda: sum(map(len, applied)) == len(ids))
    assert [len(chunk) for chunk in applied] == [50, 50, 20]
    assert sorted(i for chunk in applied for i in chunk) == ids


class _Painted(QObject):
    """Collects the regions a widget is asked to paint."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QPaintEvent):
            self.rects.append(event.rect())
        return False


def test_the_task_tree_skips_changes_under_a_collapsed_batch_and_shows_them_expanded(qtbot: QtBot) -> None:
    told: list[tuple[str, str]] = []

    class Told(QTreeView):  # what Qt's tree view is told (it sits under TaskTreeView in the MRO below)
        def dataChanged(self, top: Any, bottom: Any, roles: Any = ()) -> None:
            told.append((top.data(tc.TaskIdRole), bottom.data(tc.TaskIdRole)))
            super().dataChanged(top, bottom, roles)

    class View(TaskTreeView, Told):
        pass

    now = utcnow()
    parent = TaskRecord(id="batch", name="price_tracking.check_prices", state=TaskState.STARTED)
    journal = {"batch": parent}
    model = TaskTreeModel(journal.get)
    model.load([parent])
    tree = View()  # the batch collapsed, as it starts
    tree.setModel(model)
    _shown(qtbot, tree)

    def journal_and_apply(records: list[TaskRecord]) -> None:
        for record in records:
            journal[record.id] = record
            model._mark(record.id)
        model.flush_all()
        QApplication.processEvents()

    journal_and_apply([TaskRecord(id=f"c{n:03}", name="price_tracking.check_product_price",
                                  parent_id="batch", queued_at=now + timedelta(seconds=n + 1))
                       for n in range(100)])  # fmt: skip
    told.clear()
    journal_and_apply([replace(journal[f"c{n:03}"], state=TaskState.SUCCESS) for n in range(0, 100, 7)])
    # Only the batch's own row: Qt's view walks every row of a changed range, making several calls into
    # Python for each, even under a collapsed parent (10,000s of calls in a check of 1,000 products).
    assert told and all(top == bottom == "batch" for top, bottom in told)
    tree.expand(model.index_of("batch"))
    QApplication.processEvents()
    painted = _Painted(tree.viewport())
    journal_and_apply([replace(journal["c001"], state=TaskState.SUCCESS)])  # a child on screen now
    assert ("c001", "c001") in told
    row = tree.visualRect(model.index_of("c001"))
    assert any(rect.intersects(row) for rect in painted.rects)


def test_while_own_checks_report_the_whole_table_is_reread_at_most_every_few_seconds(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = app.add_product("https://shop.example/kettle", title="Kettle")
    elsewhere = app.add_product("https://shop.example/lamp", title="Lamp")
    monkeypatch.setattr(product_sync, "OUTSIDE_BUSY_GAP_S", 2.0)
    window = make_window()
    window.db_watch.stop()  # the test makes the polls
    sync = window.product_sync
    full_reads: list[int] = []
    read = sync._diff
    monkeypatch.setattr(sync, "_diff", lambda before: full_reads.append(1) or read(before))
    own = TaskRecord(id="t1", name="price_tracking.check_product_price", state=TaskState.SUCCESS,
                     kwargs={"product_id": checked.id})  # fmt: skip
    sync.on_task_records([own])  # a check of this window's own reported
    with open_pricewatch() as other:
        other.update_product(elsewhere.id or 0, title="Desk lamp")
    for _ in range(5):
        sync.sync_outside()  # polls that saw the data version move
    assert full_reads == []  # the table was read in full (loaded) under 2 s ago
    row = window.product_model.row_of(elsewhere.id or 0)
    qtbot.waitUntil(
        lambda: window.product_model.index(row or 0, COL_TITLE).data() == "Desk lamp", timeout=10_000
    )
    assert full_reads == [1]  # one read for the five polls


def test_a_table_slow_to_reread_waits_for_the_own_checks_to_stop_reporting(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = app.add_product("https://shop.example/kettle", title="Kettle")
    elsewhere = app.add_product("https://shop.example/lamp", title="Lamp")
    monkeypatch.setattr(product_sync, "OUTSIDE_BUSY_GAP_S", 0.0)
    monkeypatch.setattr(product_sync, "OUTSIDE_BUSY_SHARE", 1e-9)  # as if a read took all the time there is
    monkeypatch.setattr(product_sync, "OWN_CHECKS_S", 1.0)
    window = make_window()
    window.db_watch.stop()  # the test makes the polls
    sync = window.product_sync
    qtbot.waitUntil(lambda: sync.is_loaded, timeout=10_000)
    full_reads: list[int] = []
    read = sync._diff
    monkeypatch.setattr(sync, "_diff", lambda before: full_reads.append(1) or read(before))
    queued = TaskRecord(id="b1", name="price_tracking.check_prices", state=TaskState.PENDING)
    sync.on_task_records([queued])  # a check of the window's own queued (its commits move data_version)
    with open_pricewatch() as other:
        other.update_product(elsewhere.id or 0, title="Desk lamp")
    sync.sync_outside()
    assert sync.idle()  # no read of the whole table started
    own = TaskRecord(id="t1", name="price_tracking.check_product_price", state=TaskState.SUCCESS,
                     kwargs={"product_id": checked.id})  # fmt: skip
    sync.on_task_records([own])
    sync.sync_outside()
    assert full_reads == []  # not while the own checks are queued or report
    row = window.product_model.row_of(elsewhere.id or 0)
    qtbot.waitUntil(  # a second after the last own check, with no poll since
        lambda: window.product_model.index(row or 0, COL_TITLE).data() == "Desk lamp", timeout=10_000
    )
    assert full_reads == [1]


def test_fitting_the_money_columns_on_load_measures_the_painted_rows(qtbot: QtBot) -> None:
    asked: list[int] = []

    class Counting(ProductTableModel):
        def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: Roles) -> None:
            asked.append(index.row())
            super().multiData(index, roleDataSpan)

    model = Counting()
    panel = ProductsPanel(model)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    model.set_products(Product(url=f"https://shop.example/item/{n}", id=n, title=f"Item {n}",
                               price=Decimal(n), currency="EUR") for n in range(1, 3001))  # fmt: skip
    # Qt's default measured 1,000 rows of each money column: 4,000 calls into Python at every load
    assert len(set(asked)) < 50  # the painted rows


def _shown_with_500_products(qtbot: QtBot, model: ProductTableModel) -> ProductsPanel:
    """A products panel on screen (about 15 rows visible) over 500 priced products."""
    panel = ProductsPanel(model)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitExposed(panel)
    model.set_products(Product(url=f"https://shop.example/item/{n}", id=n, title=f"Item {n}",
                               price=Decimal(n), currency="EUR") for n in range(1, 501))  # fmt: skip
    QApplication.processEvents()
    return panel


def test_money_columns_fit_new_amounts_when_their_rows_are_on_screen(qtbot: QtBot) -> None:
    asked: list[int] = []

    class Counting(ProductTableModel):
        def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
            if index.column() == COL_PRICE and role == Qt.ItemDataRole.DisplayRole:
                asked.append(index.row())
            return super().data(index, role)

    model = Counting()
    panel = _shown_with_500_products(qtbot, model)
    width = panel.table.columnWidth(COL_PRICE)
    asked.clear()
    model.upsert(replace(model.product_at(400), price=Decimal("98765432109.99")))  # a row off screen
    assert asked == [] and panel.table.columnWidth(COL_PRICE) == width  # neither formatted nor measured
    panel.table.scrollTo(model.index(400, COL_PRICE))
    QApplication.processEvents()
    text = model.index(400, COL_PRICE).data()
    assert panel.table.fontMetrics().horizontalAdvance(text) < panel.table.columnWidth(COL_PRICE)


def test_refreshed_rows_are_told_in_runs_and_amounts_on_screen_fit(qtbot: QtBot) -> None:
    model = ProductTableModel()
    panel = _shown_with_500_products(qtbot, model)
    told: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_roles: told.append((top.row(), bottom.row())))
    width = panel.table.columnWidth(COL_PRICE)
    wide = Decimal("98765432109.99")
    changed = [*range(1, 11), 40, 300, 301]  # product ids: ten rows on screen, one not, two adjacent below
    model.upsert_many([(replace(model.product_at(pid - 1), price=wide), None) for pid in reversed(changed)])
    assert told == [(0, 9), (39, 39), (299, 300)]  # one emit per run of adjacent rows, not one per row
    text = model.index(0, COL_PRICE).data()
    assert panel.table.fontMetrics().horizontalAdvance(text) < panel.table.columnWidth(COL_PRICE) != width


def test_collections_wait_from_the_first_read_until_its_rows_are_in(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Resumed at the end of the read, the first young collection walked every object it made, holding the
    GIL for 130 ms with 100,000 products; after ``loaded`` the window has frozen them: see freeze_heap.)"""
    app.add_product("https://shop.example/item/1", title="Item 1")
    seen: list[tuple[str, bool]] = []

    def prepare(products: Iterable[Product]) -> PreparedRows:
        seen.append(("read", gc.isenabled()))
        return prepare_rows(products)

    monkeypatch.setattr(product_sync, "prepare_rows", prepare)
    assert gc.isenabled()
    window = make_window()
    window.product_sync.loaded.connect(lambda: seen.append(("loaded", gc.isenabled())))
    window.product_sync.reload()
    assert not gc.isenabled()  # paused from the start of the read
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen[1:] == [("read", False), ("loaded", False)]
    assert gc.isenabled()  # once the rows are in
    window.product_sync.reload()
    window.product_sync.stop()  # closing while a read is under way: its rows are never handed over
    assert gc.isenabled()


def test_a_sorted_table_gets_its_order_with_the_rows_from_the_pool_thread(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, price in enumerate(["30", "10", "20"]):
        product = app.add_product(f"https://shop.example/item/{n}", title=f"Item {n}")
        app.observations.record_check(product.id or 0, checked_at=utcnow(), price=Decimal(price),
                                      currency="EUR", availability=Availability.IN_STOCK)  # fmt: skip
    window = make_window()
    window.products.table.sortByColumn(COL_PRICE, Qt.SortOrder.AscendingOrder)  # as the last session left it
    made: list[tuple[bool, list[int]]] = []

    def make_orders(columns: dict[int, Any], products: list[Product], *pause: Any) -> dict[int, Any]:
        made.append((threading.current_thread() is threading.main_thread(), list(columns)))
        return ready_orders.make_orders(columns, products, *pause)

    monkeypatch.setattr(product_model, "make_orders", make_orders)
    window.product_sync.reload()

    def read_then_every_column() -> bool:  # (the first load's every-column job may come in between)
        columns = [c for _on_gui, c in made]
        return [COL_PRICE] in columns and len(columns[-1]) > 1 and columns.index([COL_PRICE]) < len(made) - 1

    qtbot.waitUntil(read_then_every_column)
    assert not any(on_gui for on_gui, _columns in made)
    assert [window.product_model.index(r, COL_TITLE).data() for r in range(3)] == [
        "Item 1",
        "Item 2",
        "Item 0",
    ]
