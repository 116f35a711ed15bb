"""The products table model: one row per tracked product, live-updated by id.

Sorting happens here rather than through QSortFilterProxyModel's per-comparison data() calls, which would cost
a second on 10,000 rows; the proxy only filters (see :mod:`pricewatch.gui.products.proxy`). The rows stay in
the order products were added; the table shows them through a permutation, each column's order kept ready
both ways (see :mod:`pricewatch.gui.products.ready_orders`), so a click on a header of 100,000 rows copies a
list and emits one layout change.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from pricewatch.deals import Deal
from pricewatch.gui.products.due_times import DueTimes
from pricewatch.gui.products.order import SortColumn, in_place
from pricewatch.gui.products.ready_orders import BREATHER_S, ColumnOrders, make_orders
from pricewatch.gui.products.search_text import search_key
from pricewatch.gui.widgets import deal_text
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.model_roles import Roles, fill_roles
from pricewatch.gui.widgets.product_fault import product_fault
from pricewatch.models import Availability, Product
from pricewatch.translation import QT_TRANSLATE_NOOP

(COL_TITLE, COL_SHOP, COL_PRICE, COL_CHANGE, COL_LOWEST, COL_HIGHEST, COL_TARGET, COL_AVAILABILITY,
 COL_LAST_CHECKED, COL_NEXT_CHECK, COL_HISTORY, COL_DEAL, COL_TAGS, COL_ALL_SHOPS) = range(14)  # fmt: skip
_HEADERS = (
    QT_TRANSLATE_NOOP("ProductTableModel", "Product"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Shop"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Price"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Change"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Lowest"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Highest"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Target"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Availability"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Last checked"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Next check"),
    QT_TRANSLATE_NOOP("ProductTableModel", "History"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Deal"),
    QT_TRANSLATE_NOOP("ProductTableModel", "Tags"),
    QT_TRANSLATE_NOOP("ProductTableModel", "All shops"),
)

ProductRole = Qt.ItemDataRole.UserRole + 1  # the Product
ProductIdRole = Qt.ItemDataRole.UserRole + 2
SearchRole = Qt.ItemDataRole.UserRole + 3  # lower-case text the search box matches
SparklineRole = Qt.ItemDataRole.UserRole + 4  # recent prices, oldest first, as floats
ChangeSignRole = Qt.ItemDataRole.UserRole + 5  # -1 cheaper, 0 same, 1 dearer
BestPriceRole = Qt.ItemDataRole.UserRole + 6  # the product's cheapest price in the home currency, or None

PAUSED_COLOUR = QColor(128, 128, 128)
UNSURE_MARK = "~"  # before a price the extractor was not sure of
UNSURE_TIP = QT_TRANSLATE_NOOP(
    "ProductTableModel",
    "Unsure reading: the page does not state this price clearly, so it fires no alert on its own",
)
_MONEY_COLUMNS = {COL_PRICE: "price", COL_LOWEST: "lowest_price", COL_HIGHEST: "highest_price",
                  COL_TARGET: "target_price"}  # fmt: skip
_TIME_COLUMNS = frozenset({COL_LAST_CHECKED, COL_NEXT_CHECK})
_NUMERIC = {COL_PRICE, COL_CHANGE, COL_LOWEST, COL_HIGHEST, COL_TARGET}
DROP_COLOUR = QColor(46, 160, 67)
RISE_COLOUR = QColor(207, 34, 46)
OUT_COLOUR = QColor(154, 103, 0)
ERROR_COLOUR = QColor(207, 34, 46)
RETRY_COLOUR = QColor(191, 135, 0)  # a failed try that will be tried again: a warning, not an error
# Rows that changed out of the chosen order are put back at most this often: one sort of 10,000 rows with
# its repaint takes ~20 ms of the GUI thread, so a check of every product costs it at most ~4%.
RESORT_MS = 500
MONEY_SORT_TIP = QT_TRANSLATE_NOOP(
    "ProductTableModel", "Sorts by currency, then amount (amounts in different currencies do not compare)"
)
PERSISTENT_SCANS = 16  # up to this many indexes kept across a sort, each is found by a scan of the order
ERROR_SHOWN = 90  # characters of the last error shown in the availability cell (all of it in the tooltip)
_warning_icon: QIcon | None = None
_pause_icon: QIcon | None = None


def pause_icon() -> QIcon:
    """The style's pause sign, where a paused product's thumbnail would be (fonts lack a pause glyph)."""
    global _pause_icon
    if _pause_icon is None:
        _pause_icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause)
    return _pause_icon


def warning_icon() -> QIcon:
    """The style's warning sign (made on first use: a style exists only once the application does)."""
    global _warning_icon
    if _warning_icon is None:
        _warning_icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
    return _warning_icon


def variant_text(product: Product) -> str:
    """The variant or offer the user picked on a page with several ("EU 42 / Black", "SKU HB-40"), or ""."""
    name = getattr(product, "offer_name", None)  # stored with the pick where the storage keeps it
    if name:
        return fmt.clean_text(str(name), 60)
    key = product.offer_key or ""
    if key.startswith("sku:"):
        return QCoreApplication.translate("ProductTableModel", "SKU {sku}").format(
            sku=fmt.clean_text(key[4:], 40)
        )
    return QCoreApplication.translate("ProductTableModel", "chosen offer") if key else ""


class _Row:
    __slots__ = ("deal", "display", "product", "search", "spark")

    def __init__(self, product: Product, spark: list[float] | None = None) -> None:
        self.product = product
        self.spark = spark  # None: not read yet (read when the row is first painted)
        self.deal: Deal | None = None  # the deal verdict: read when the row's Deal cell is first painted
        self.display: dict[int, str] | None = None  # formatted cells, built on first paint
        parts = (product.title, product.shop, product.url, variant_text(product))
        self.search = search_key(" ".join(part for part in parts if part))


PreparedRows = list[_Row]


def prepare_rows(products: Iterable[Product]) -> PreparedRows:
    """The model's rows for ``products``; plain Python, so a pool thread can build them (see set_rows)."""
    return [_Row(p) for p in products]


def _money(name: str) -> Callable[[list[Product]], list[float | None]]:
    amount = attrgetter(name)

    def values(products: list[Product]) -> list[float | None]:
        # float keeps the order of prices and compares many times faster than Decimal
        return [None if a is None else float(a) for a in map(amount, products)]

    return values


def _currencies(products: list[Product]) -> list[str]:
    # amounts in different currencies do not compare: grouped by currency code, then by amount
    codes = list(map(attrgetter("currency"), products))
    folded = {code: (code or "").upper() for code in set(codes)}  # a few codes, not a call per row
    return [folded[code] for code in codes]


def _folded(name: str) -> Callable[[list[Product]], list[str]]:
    """Case-folded text of an attribute most products share (a shop, an availability): one string object
    per distinct value, not one per row (100,000 rows: 6 MB less)."""
    text = attrgetter(name)

    def values(products: list[Product]) -> list[str]:
        texts = list(map(text, products))
        folded = {t: str(t or "").casefold() for t in set(texts)}
        return [folded[t] for t in texts]

    return values


def _changes(products: list[Product]) -> list[float | None]:
    return [
        None if p.price is None or not p.previous_price else float(p.price / p.previous_price)
        for p in products
    ]


def _moments(name: str) -> Callable[[list[Product]], list[float | None]]:
    moment = attrgetter(name)

    def values(products: list[Product]) -> list[float | None]:
        # timestamps: aware datetimes ask their time zone for its offset in every comparison
        return [None if t is None else t.timestamp() for t in map(moment, products)]

    return values


_SORT_KEYS: dict[int, SortColumn] = {
    COL_TITLE: SortColumn(lambda products: [p.title or p.url for p in products], fold=str.casefold),
    COL_SHOP: SortColumn(_folded("shop")),
    COL_PRICE: SortColumn(_money("price"), _currencies),
    COL_CHANGE: SortColumn(_changes),
    COL_LOWEST: SortColumn(_money("lowest_price"), _currencies),
    COL_HIGHEST: SortColumn(_money("highest_price"), _currencies),
    COL_TARGET: SortColumn(_money("target_price"), _currencies),
    COL_AVAILABILITY: SortColumn(_folded("availability")),
    COL_LAST_CHECKED: SortColumn(_moments("last_checked_at")),
    COL_NEXT_CHECK: SortColumn(_moments("next_check_at")),
    COL_HISTORY: SortColumn(lambda products: [p.id or 0 for p in products]),
}


@dataclass(frozen=True, slots=True)
class RowIndexes:
    """What :meth:`ProductTableModel.set_rows` keeps besides the rows, each a pass over every row, so made on
    the pool thread that read them: the shown order for ``sort``, the chosen column's orders, the due times
    and each product id's row (else the first update after loading built it: 20 ms for 100,000 rows)."""

    sort: tuple[int, Qt.SortOrder] | None
    perm: array[int]
    columns: dict[int, ColumnOrders]
    due: DueTimes
    rows_by_id: dict[int, int]


def _stored_next_check(p: Product) -> datetime | str:
    return "paused" if p.paused else (p.next_check_at or "not scheduled")


_ROWS_MOVED = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
_HINTED = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")  # (not in the stubs)
_D, _F, _T = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole
_BEST_ROLES = frozenset({_D, _T, BestPriceRole})
# The cells a check waiting for its retry shows differently from a failed product's.
_RETRY_CELLS = frozenset({(_D, COL_AVAILABILITY), (_F, COL_AVAILABILITY), (_T, COL_AVAILABILITY),
                          (_F, COL_TITLE), (_F, COL_LAST_CHECKED),
                          (Qt.ItemDataRole.DecorationRole, COL_TITLE)})  # fmt: skip


class ProductTableModel(QAbstractTableModel):
    """Products keyed by id; ``set_products`` is the only reset, everything later is per row."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # The rows by slot: the order the products were added in, which sorting leaves alone (see
        # ready_orders); and the slot shown in each row. (No list of the rows in the shown order: making one
        # after each sort would cost more than the sort, 10 ms for 100,000 rows.)
        self._items: list[_Row] = []
        self._perm = array("i")
        self._due = DueTimes()  # each slot's next due time, for earliest_due
        # product id -> row; None: to be rebuilt on the next lookup (a sort leaves it so: the click that
        # sorts 100,000 rows does not also pay for 100,000 dictionary entries)
        self._index_cache: dict[int, int] | None = {}
        # product id -> (image_url, pixmap or None when there is no usable file); absent: not asked yet
        self._thumbs: dict[int, tuple[str, QPixmap | None]] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        # A row whose sort value changed is put back in order by one sort for a burst of updates.
        self._resort_timer = QTimer(self, singleShot=True, interval=RESORT_MS)
        self._resort_timer.timeout.connect(self._resort)
        # Called with a product id when a row's sparkline is first needed (only painted rows are ever read).
        self.sparkline_requested: Callable[[int], None] | None = None
        # Called with a product id when a row's deal verdict is first needed (gui/products/deal_badges.py).
        self.deal_requested: Callable[[int], None] | None = None
        self._deal_asked: set[int] = set()
        # Called with (product id, image_url) when a painted row's thumbnail is not loaded for that URL.
        self.thumbnail_requested: Callable[[int, str], None] | None = None
        # When the next check comes, or why none does; the window sets the scheduler's plan (next_check.py).
        self.next_check_when: Callable[[Product], datetime | str] = _stored_next_check
        # product id -> (next try, error) while its check waits to be retried (gui/check_retries.py)
        self._retrying: dict[int, tuple[datetime | None, str]] = {}
        self._search_cache: list[str] | None = None  # search_texts(), until the rows change
        # column -> its sort values by slot and its orders, kept from the first sort by it or made on a pool
        # thread after loading (make_orders_job), and updated with the rows
        self._columns: dict[int, ColumnOrders] = {}
        self._slots_renumbered = 0  # counts resets and removals: orders made before one no longer fit
        self._changed_during_job: set[int] | None = None  # slots changed while make_orders runs
        self._unsure: set[int] = set()  # products whose newest reading is unsure
        # product id -> (the Tags cell, its tooltip), from gui/filters/labels.py; absent: no tags, no snooze
        self._labels: Mapping[int, tuple[str, str]] = {}
        self._shown: frozenset[int] | None = None  # a smart filter's products (gui/filters); None: every one
        # product id -> the "All shops" cell: (text, tooltip, cheapest home price); see products/shops.py
        self._best: dict[int, tuple[str, str, Decimal | None]] = {}

    # -- Qt model API ---------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._perm)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def index(
        self,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        # Qt's own index() asks rowCount() and columnCount(): two calls into Python per index a view makes
        if parent.isValid() or not (0 <= row < len(self._perm) and 0 <= column < len(_HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("ProductTableModel", _HEADERS[section])
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(section)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return (
                QCoreApplication.translate("ProductTableModel", MONEY_SORT_TIP)
                if section in _MONEY_COLUMNS
                else None
            )
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._items[self._perm[index.row()]]
        column = index.column()
        if column == COL_ALL_SHOPS and role in _BEST_ROLES:
            return self._best_data(row.product.id or 0, role)
        if self._retrying and (role, column) in _RETRY_CELLS and row.product.id in self._retrying:
            return self._retry_data(row.product, column, role)
        if column == COL_DEAL:
            return self._deal_data(row, role)
        if column == COL_TAGS and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            label = self._labels.get(row.product.id or 0)
            return None if label is None else label[role == Qt.ItemDataRole.ToolTipRole]
        if role == Qt.ItemDataRole.DisplayRole:
            if column in _TIME_COLUMNS:  # they go stale by themselves: made anew for each paint
                if column == COL_NEXT_CHECK:
                    return self.next_check_text(row.product)
                return self._text(row.product, column)
            display = row.display
            if display is None:
                display = row.display = {}
            text = display.get(column)
            if text is None:
                text = display[column] = self._text(row.product, column)
                if column == COL_PRICE and row.product.id in self._unsure and row.product.price is not None:
                    text = display[column] = UNSURE_MARK + text
            return text
        if role == ProductRole:
            return row.product
        if role == ProductIdRole:
            return row.product.id
        if role == SearchRole:
            shown = self._shown
            return row.search if shown is None or row.product.id in shown else ""
        if role == SparklineRole:
            if row.spark is None:
                row.spark = []  # asked once; the reader fills it in
                if self.sparkline_requested is not None:
                    self.sparkline_requested(row.product.id or 0)
            return row.spark
        if role == ChangeSignRole:
            return fmt.change(row.product.price, row.product.previous_price)[1]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row.product, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_PRICE and row.product.id in self._unsure and row.product.price is not None:
                tip = QCoreApplication.translate("ProductTableModel", UNSURE_TIP)
                return f"{tip}\n{fmt.money(row.product.price, row.product.currency)}"
            if column == COL_NEXT_CHECK:
                when = self.next_check_when(row.product)
                return fmt.local_time(when) if isinstance(when, datetime) else None
            return self._tooltip(row.product, column)
        if role == Qt.ItemDataRole.DecorationRole and column == COL_TITLE:
            # a failing product carries a warning sign where its thumbnail would be: seen at a glance
            if row.product.last_error:
                return warning_icon()
            return pause_icon() if row.product.paused else self._thumbnail(row.product)
        return None

    def _best_data(self, product_id: int, role: int) -> Any:
        best = self._best.get(product_id)
        if role == BestPriceRole:
            return None if best is None else best[2]
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if best is None else best[0]
        return None if best is None else fmt.plain_tooltip(best[1])

    def set_best_prices(self, cells: dict[int, tuple[str, str, Decimal | None]]) -> None:
        """The "All shops" column: per product id its text, tooltip and cheapest price (home currency)."""
        if cells == self._best:
            return
        self._best = cells
        if self._perm:
            self.dataChanged.emit(
                self.index(0, COL_ALL_SHOPS), self.index(len(self._perm) - 1, COL_ALL_SHOPS)
            )

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: Roles) -> None:
        fill_roles(self.data, index, roleDataSpan)  # one call per painted cell, not seven

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column not in _SORT_KEYS and column >= 0:
            return
        wanted = (column, order) if column >= 0 else None  # -1: back to the order products were added
        if wanted == self._sort and not self._resort_timer.isActive():
            return  # in that order already (a view asks again when it is given this model or a proxy)
        self._sort = wanted
        self._reorder()

    def _reorder(self) -> None:
        """Put the rows in the chosen order, the persistent indexes (selection, current row) following."""
        self._resort_timer.stop()
        # rows move, columns do not: the horizontal header skips looking at its sections
        self.layoutAboutToBeChanged[_HINTED].emit([], _ROWS_MOVED)  # type: ignore[index]
        old = self._perm
        self._show_order()
        persistent = self.persistentIndexList()
        if persistent:
            slots = [old[i.row()] for i in persistent]
            if len(persistent) <= PERSISTENT_SCANS:  # the current row, a small selection: a C scan each
                rows = [self._perm.index(slot) for slot in slots]
            else:  # a big selection (Qt keeps one index per selected row): the inverse permutation
                where = dict(zip(self._perm, range(len(self._perm)), strict=True))
                rows = [where[slot] for slot in slots]
            new = [self.index(row, i.column()) for row, i in zip(rows, persistent, strict=True)]
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged[_HINTED].emit([], _ROWS_MOVED)  # type: ignore[index]

    def _deal_data(self, row: _Row, role: int) -> Any:
        """The Deal cell: a short badge, coloured, with the verdict's reason as its tooltip."""
        deal = row.deal
        if deal is None:
            product_id = row.product.id or 0
            if role == Qt.ItemDataRole.DisplayRole and product_id not in self._deal_asked:
                self._deal_asked.add(product_id)
                if self.deal_requested is not None:
                    self.deal_requested(product_id)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return deal_text.badge(deal)
        if role == Qt.ItemDataRole.ForegroundRole:
            return deal_text.colour(deal)
        if role == Qt.ItemDataRole.ToolTipRole:
            return fmt.plain_tooltip(deal_text.reason(deal, row.product.currency))
        return None

    def set_deals(self, deals: Mapping[int, tuple[Deal, datetime | None]]) -> None:
        """Show the deal verdicts read for these products, each with the product's last-checked time then.

        A verdict read before the row's latest check is dropped: the cell asks again when next painted."""
        for product_id, (deal, checked_at) in deals.items():
            self._deal_asked.discard(product_id)
            row = self._index.get(product_id)
            if row is None:
                continue
            current = self._row(row)
            if current.product.last_checked_at == checked_at:
                current.deal = deal
            cell = self.index(row, COL_DEAL)
            self.dataChanged.emit(cell, cell)

    def forget_deal_requests(self, product_ids: Iterable[int]) -> None:
        """Those verdicts were not read: their cells ask again when next painted."""
        self._deal_asked.difference_update(product_ids)

    def _retry_data(self, p: Product, column: int, role: int) -> Any:
        eta, error = self._retrying[p.id or 0]
        when = fmt.clock_time(eta) if eta else self.tr("soon")
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(p)  # no error sign on the title: it is not failing yet
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr("Retrying at {time}").format(time=when)
        if role == Qt.ItemDataRole.ToolTipRole:
            return fmt.plain_tooltip(
                self.tr("The last try failed: {error}\nNext try at {time}").format(
                    error=fmt.clean_text(error, 300), time=when
                )
            )
        return RETRY_COLOUR if column == COL_AVAILABILITY else None  # the foreground: not error red

    # -- updates --------------------------------------------------------------------------------------
    def set_retrying(
        self, product_id: int, eta: datetime | None = None, error: str = "", *, on: bool
    ) -> None:
        """Show a product's check as waiting for a retry at ``eta`` (``on``), or as stored (not ``on``)."""
        if on:
            self._retrying[product_id] = (eta, error)
        elif self._retrying.pop(product_id, None) is None:
            return
        row = self._index.get(product_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(_HEADERS) - 1))

    def next_check_text(self, product: Product) -> str:
        """ "in 47 min" (the exact time is the tooltip), or why no check is coming ("paused")."""
        when = self.next_check_when(product)
        return fmt.schedule_reason(when) if isinstance(when, str) else fmt.relative(when)

    def refresh_times(self) -> None:
        """Redraw the relative times ("12 min ago", "in 47 min"): they go stale by themselves."""
        if self._perm:
            last = len(self._perm) - 1
            self.dataChanged.emit(self.index(0, COL_LAST_CHECKED), self.index(last, COL_NEXT_CHECK),
                                  [Qt.ItemDataRole.DisplayRole])  # fmt: skip

    def set_unsure(self, flags: Mapping[int, bool], *, quiet: bool = False) -> None:
        """Mark (or unmark) products whose newest reading the extractor was not sure of."""
        changed = []
        for product_id, unsure in flags.items():
            if unsure == (product_id in self._unsure):
                continue
            (self._unsure.add if unsure else self._unsure.discard)(product_id)
            row = self._index.get(product_id)
            if row is not None:
                display = self._row(row).display
                if display is not None:
                    display.pop(COL_PRICE, None)
                changed.append(row)
        if not quiet:
            for row in changed:
                self.dataChanged.emit(self.index(row, COL_PRICE), self.index(row, COL_PRICE))

    def set_shown_ids(self, ids: frozenset[int] | None) -> None:
        """Only these products match a search (their :data:`SearchRole` text; others answer ""); None: all.

        The filter proxy then hides the rest (see proxy.set_narrowed).
        """
        self._shown = ids
        self._search_cache = None

    def has_labels(self) -> bool:
        """Some product has a Tags cell (a tag or a snooze)."""
        return bool(self._labels)

    def has_best_prices(self) -> bool:
        """Some product has an "All shops" cell (listings in several shops or another currency)."""
        return bool(self._best)

    def set_labels(self, labels: Mapping[int, tuple[str, str]]) -> None:
        """The Tags column of every product (text, tooltip); one dataChanged over the column."""
        self._labels = labels
        if self._perm:
            last = len(self._perm) - 1
            self.dataChanged.emit(self.index(0, COL_TAGS), self.index(last, COL_TAGS))

    def is_unsure(self, product_id: int) -> bool:
        return product_id in self._unsure

    def refresh_next_check(self) -> None:
        """Re-ask ``next_check_text`` for every row (the schedule moved on): one dataChanged, one column."""
        if self._perm:
            last = len(self._perm) - 1
            self.dataChanged.emit(self.index(0, COL_NEXT_CHECK), self.index(last, COL_NEXT_CHECK))

    def set_products(self, products: Iterable[Product]) -> None:
        """Replace everything (the first load, an import)."""
        self.set_rows(prepare_rows(products))

    def set_rows(self, rows: PreparedRows, indexes: RowIndexes | None = None) -> None:
        """Replace everything with rows from :func:`prepare_rows` (10,000 rows: 10 ms less on this thread)
        and the indexes :meth:`indexes_for_rows` made for them (made here if None)."""
        if indexes is None:
            indexes = self.indexes_for_rows()(rows)
        self.beginResetModel()
        self._items = rows
        self._due = indexes.due
        self._columns = dict(indexes.columns)
        self._slots_renumbered += 1
        self._changed_during_job = None
        self._search_cache = None
        if indexes.sort == self._sort:
            self._perm, self._index_cache = indexes.perm, indexes.rows_by_id
        else:  # sorted otherwise meanwhile
            self._perm = array("i", range(len(rows)))
            if self._sort is not None:
                self._show_order()
            self._rebuild_index()
        self.endResetModel()

    def indexes_for_rows(self) -> Callable[[PreparedRows], RowIndexes]:
        """Work for the pool thread that reads all rows: their :class:`RowIndexes` in the table's order now,
        for :meth:`set_rows` (a table sorted when the window last closed opens sorted without sorting 100,000
        rows on the GUI thread)."""
        chosen = self._sort

        def indexes(rows: PreparedRows) -> RowIndexes:
            products = [row.product for row in rows]
            columns: dict[int, ColumnOrders] = {}
            perm = array("i", range(len(rows)))
            if chosen is not None:
                column, order = chosen
                columns = make_orders({column: _SORT_KEYS[column]}, products)
                perm = array("i", columns[column].order(order == Qt.SortOrder.DescendingOrder))
            ids = [p.id or 0 for p in products]
            rows_by_id = dict(zip(map(ids.__getitem__, perm), range(len(ids)), strict=True))
            return RowIndexes(chosen, perm, columns, DueTimes(products), rows_by_id)

        return indexes

    def make_orders_job(self) -> Callable[[], tuple[int, dict[int, ColumnOrders]]]:
        """Work for a pool thread: every column's ascending order for the rows as they are now; hand its
        result to :meth:`set_orders` (a first click on a header then picks a list, or sorts a sorted one)."""
        items = self._items  # read there: rows changed meanwhile are noted, a reset or removal renumbers
        renumbered = self._slots_renumbered
        self._changed_during_job = set()
        return lambda: (renumbered, make_orders(_SORT_KEYS, [row.product for row in items], _breathe))

    def set_orders(self, made: tuple[int, dict[int, ColumnOrders]]) -> None:
        """Take the orders of :meth:`make_orders_job`, with the rows changed since noted in each."""
        renumbered, columns = made
        changed, self._changed_during_job = self._changed_during_job, None
        if changed is None or renumbered != self._slots_renumbered:
            return  # reloaded or a row removed meanwhile: slots name other rows now
        for column, orders in columns.items():
            kept = self._columns.get(column)
            if kept is not None:  # read for a sort or a lookup meanwhile: its values are current
                if not kept.orders:
                    kept.orders = orders.orders
                    kept.changed = {False: set(changed), True: set(changed)}
                continue
            for slot in sorted(changed):  # the values of rows changed or added since the job read them
                orders.set_product(_SORT_KEYS[column], slot, self._items[slot].product)
            self._columns[column] = orders

    def upsert(self, product: Product) -> None:
        """Show a new or changed product (one row's dataChanged, or one inserted row)."""
        assert product.id is not None
        row = self._index.get(product.id)
        if row is None:
            position = len(self._perm)
            self.beginInsertRows(QModelIndex(), position, position)
            self._put(position, _Row(product), added=True)
            self._index[product.id] = position
            self.endInsertRows()
            self._keep_order(position)
            return
        self._put(row, _Row(product, self._row(row).spark))
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(_HEADERS) - 1))
        self._keep_order(row)

    def upsert_many(self, items: list[tuple[Product, list[float] | None]]) -> None:
        """Show new or changed products with their sparklines, one dataChanged per run of adjacent rows.

        (Not one range over them all: a range spanning unchanged rows makes the view repaint them and the
        proxy map them. Nor one per row: each emit calls the window's Python slots, and every call into Python
        waits for the interpreter lock while checks run.)
        """
        changed = []
        for product, spark in items:
            assert product.id is not None
            row = self._index.get(product.id)
            if row is None:
                self.upsert(product)
                self._row(self._index[product.id]).spark = spark
                continue
            self._put(row, _Row(product, spark))
            changed.append(row)
            self._keep_order(row)
        for first, last in _runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(_HEADERS) - 1))

    def _keep_order(self, row: int) -> None:
        if self._sort is None or self._resort_timer.isActive():
            return  # in id order new rows come last anyway; or a sort is already due
        column, order = self._sort
        if not in_place(self.product_at, len(self._perm), row, _SORT_KEYS[column],
                        order == Qt.SortOrder.DescendingOrder):  # fmt: skip
            self._resort_timer.start()

    def _resort(self) -> None:
        if self._sort is not None:
            self._reorder()

    def stop(self) -> None:
        self._resort_timer.stop()

    def remove(self, product_id: int) -> None:
        row = self._index.get(product_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        self._thumbs.pop(product_id, None)
        slot = self._perm[row]
        del self._perm[row], self._items[slot]
        self._due.remove(slot)
        self._perm = array("i", [s - 1 if s > slot else s for s in self._perm])  # later slots move up by one
        for orders in self._columns.values():
            del orders.values[slot]
            if orders.groups is not None:
                del orders.groups[slot]
            orders.forget_orders()
        self._slots_renumbered += 1
        self._search_cache = None
        self._rebuild_index()
        self.endRemoveRows()

    def set_sparklines(self, prices: Mapping[int, Sequence[Decimal | float]]) -> None:
        rows = []
        for product_id, values in prices.items():
            row = self._index.get(product_id)
            if row is not None:
                self._row(row).spark = [v if isinstance(v, float) else float(v) for v in values]
                rows.append(row)
        if rows:
            self.dataChanged.emit(
                self.index(min(rows), COL_HISTORY), self.index(max(rows), COL_HISTORY), [SparklineRole]
            )

    def _thumbnail(self, product: Product) -> QPixmap | None:
        url = product.image_url
        if not url or product.id is None:
            return None
        known = self._thumbs.get(product.id)
        if known is not None and known[0] == url:
            return known[1]
        self._thumbs[product.id] = (url, None)  # asked once per URL; forget_thumbnail asks again
        if self.thumbnail_requested is not None:
            self.thumbnail_requested(product.id, url)
        return None

    def set_thumbnail(self, product_id: int, url: str, pixmap: QPixmap | None) -> None:
        self._thumbs[product_id] = (url, pixmap)
        self._decoration_changed(product_id)

    def forget_thumbnail(self, product_id: int) -> None:
        """The file changed (its task finished): read it again when the row is next painted."""
        if self._thumbs.pop(product_id, None) is not None:
            self._decoration_changed(product_id)

    def _decoration_changed(self, product_id: int) -> None:
        row = self._index.get(product_id)
        if row is not None:
            cell = self.index(row, COL_TITLE)
            self.dataChanged.emit(cell, cell, [Qt.ItemDataRole.DecorationRole])

    # -- lookups --------------------------------------------------------------------------------------
    def row_of(self, product_id: int) -> int | None:
        return self._index.get(product_id)

    def product_at(self, row: int) -> Product:
        return self._items[self._perm[row]].product

    def _row(self, row: int) -> _Row:
        return self._items[self._perm[row]]

    def _shown_rows(self) -> Iterator[_Row]:
        return map(self._items.__getitem__, self._perm)

    def earliest_due(self) -> Product | None:
        """The unpaused product due first (never checked counts as due now), else a paused one; None: none.

        (The status bar asks every few seconds: looked up in the kept due times, not found by a pass.)
        """
        slot = self._due.earliest()
        return None if slot is None else self._items[slot].product

    def products(self) -> list[Product]:
        """Every row's product, in row order (a list of references: a few ms for 100,000 rows)."""
        return [r.product for r in self._shown_rows()]

    def search_texts(self) -> list[str]:
        """Each row's folded search text (title, shop, URL, variant), in row order (for the search proxy);
        "" for a row a smart filter hides (see :meth:`set_shown_ids`)."""
        if self._search_cache is None:
            shown = self._shown
            self._search_cache = [
                r.search if shown is None or r.product.id in shown else "" for r in self._shown_rows()
            ]
        return self._search_cache

    def product_ids(self) -> list[int]:
        return [r.product.id or 0 for r in self._shown_rows()]

    # -- helpers --------------------------------------------------------------------------------------
    def _show_order(self) -> None:
        """Show the rows in the chosen order (the column's ready order: no sort when nothing changed)."""
        column, order = self._sort or (COL_HISTORY, Qt.SortOrder.AscendingOrder)  # None: the id order
        # a copy: rows added later go to the end of the shown order, not of the column's
        self._perm = array("i", self._column(column).order(order == Qt.SortOrder.DescendingOrder))
        self._index_cache = None
        self._search_cache = None

    def _column(self, column: int) -> ColumnOrders:
        kept = self._columns.get(column)
        if kept is None:
            products = [r.product for r in self._items]
            kept = self._columns[column] = ColumnOrders.read(_SORT_KEYS[column], products)
        return kept

    def _put(self, row: int, new: _Row, *, added: bool = False) -> None:
        """Show ``new`` in ``row`` (an added row: the next one), keeping the columns' values in step."""
        if added:
            slot = len(self._items)
            self._items.append(new)
            self._perm.append(slot)
        else:
            slot = self._perm[row]
            self._items[slot] = new
        self._search_cache = None
        product = new.product
        self._due.set(slot, product)
        for column, orders in self._columns.items():
            orders.set_product(_SORT_KEYS[column], slot, product)
        if self._changed_during_job is not None:
            self._changed_during_job.add(slot)

    def _rebuild_index(self) -> None:
        self._index_cache = None

    @property
    def _index(self) -> dict[int, int]:
        index = self._index_cache
        if index is None:  # from the ids kept row by row (as for sorting by id): no pass over the products
            ids = self._column(COL_HISTORY).values  # by slot
            shown = map(ids.__getitem__, self._perm)
            index = self._index_cache = dict(zip(shown, range(len(ids)), strict=True))
        return index

    @staticmethod
    def _text(p: Product, column: int) -> str:
        if column == COL_TITLE:
            title = fmt.clean_text(p.title, 120) or p.url
            variant = variant_text(p)
            title = f"{title} · {variant}" if variant else title
            return title
        if column == COL_SHOP:
            return fmt.clean_text(p.shop, 60)
        if column in _MONEY_COLUMNS:
            return fmt.money(getattr(p, _MONEY_COLUMNS[column]), p.currency)
        if column == COL_CHANGE:
            return fmt.change(p.price, p.previous_price)[0]
        if column == COL_AVAILABILITY:
            if p.last_error:  # the reason in plain sight, not only in a tooltip
                return QCoreApplication.translate("ProductTableModel", "Failed: {error}").format(
                    error=product_fault(p, ERROR_SHOWN)
                )
            return fmt.availability(p.availability)
        if column == COL_LAST_CHECKED:
            return fmt.relative(p.last_checked_at)  # red when the last try failed (see _colour)
        return ""

    @staticmethod
    def _colour(p: Product, column: int) -> QColor | None:
        if p.paused and not p.last_error:
            return PAUSED_COLOUR  # the whole row greyed: not checked until resumed
        if column in (COL_CHANGE, COL_PRICE):
            sign = fmt.change(p.price, p.previous_price)[1]
            if column == COL_PRICE and p.target_price is not None and p.price is not None:
                return DROP_COLOUR if p.price <= p.target_price else None
            return {-1: DROP_COLOUR, 1: RISE_COLOUR}.get(sign)
        if p.last_error and column in (COL_TITLE, COL_AVAILABILITY, COL_LAST_CHECKED):
            return ERROR_COLOUR
        if column == COL_AVAILABILITY and p.availability is Availability.OUT_OF_STOCK:
            return OUT_COLOUR
        return None

    @staticmethod
    def _tooltip(p: Product, column: int) -> str | None:
        # scraped text shown literally (a tooltip that looks like HTML would be rendered as HTML)
        if column == COL_TITLE:
            # the whole title (the cell cuts it off) and the address
            variant = variant_text(p)
            paused = (
                QCoreApplication.translate("ProductTableModel", "Paused: not checked until you resume it")
                if p.paused
                else ""
            )
            parts = (
                fmt.clean_text(p.title, 1000),
                QCoreApplication.translate("ProductTableModel", "Variant: {variant}").format(variant=variant)
                if variant
                else "",
                fmt.clean_text(p.url, 500),
                paused,
            )
            tip = "\n".join(part for part in parts if part)  # fmt: skip
            if p.last_error:
                tip += "\n" + QCoreApplication.translate("ProductTableModel", "Last error: {error}").format(
                    error=product_fault(p, 300)
                )
            return fmt.plain_tooltip(tip)
        if column in _MONEY_COLUMNS:
            value = getattr(p, _MONEY_COLUMNS[column])  # the whole amount, should the column be narrow
            if value is None:
                return None
            tip = f"{fmt.money(value, p.currency)} ({fmt.clean_text(p.currency, 10)})"
            if column == COL_PRICE:
                tip += deal_text.unit_line(p)
            return fmt.plain_tooltip(tip)
        if column in (COL_LAST_CHECKED, COL_AVAILABILITY) and p.last_error:
            exact = f"{fmt.local_time(p.last_checked_at)}\n" if column == COL_LAST_CHECKED else ""
            error = QCoreApplication.translate("ProductTableModel", "Last error: {error}").format(
                error=product_fault(p, 300)
            )
            return fmt.plain_tooltip(exact + error)
        if column == COL_LAST_CHECKED and p.last_checked_at is not None:
            return fmt.local_time(p.last_checked_at)
        return None


def _alignment(column: int) -> Qt.AlignmentFlag:
    horizontal = Qt.AlignmentFlag.AlignRight if column in _NUMERIC else Qt.AlignmentFlag.AlignLeft
    return horizontal | Qt.AlignmentFlag.AlignVCenter


def _runs(rows: Iterable[int]) -> Iterator[tuple[int, int]]:
    """``rows`` as runs of adjacent rows (first, last), ascending."""
    ordered = sorted(set(rows))
    start = 0
    for at in range(1, len(ordered) + 1):
        if at == len(ordered) or ordered[at] != ordered[at - 1] + 1:
            yield ordered[start], ordered[at - 1]
            start = at


def _breathe() -> None:
    time.sleep(BREATHER_S)
