"""The products table model: one row per tracked product, live-updated by id.

Sorting happens here with Python key functions (one list.sort and a layout change) rather than through
QSortFilterProxyModel's per-comparison data() calls, which would cost a second on 10,000 rows; the proxy only
filters (see :mod:`pricewatch.gui.products.proxy`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from pricewatch.gui.products.order import SortKey, in_place, sort_rows
from pricewatch.gui.products.search_text import search_key
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.model_roles import Roles, fill_roles
from pricewatch.models import Availability, Product

(COL_TITLE, COL_SHOP, COL_PRICE, COL_CHANGE, COL_LOWEST, COL_HIGHEST, COL_TARGET, COL_AVAILABILITY,
 COL_LAST_CHECKED, COL_NEXT_CHECK, COL_HISTORY, COL_ALL_SHOPS) = range(12)  # fmt: skip
_HEADERS = ("Product", "Shop", "Price", "Change", "Lowest", "Highest", "Target", "Availability",
            "Last checked", "Next check", "History", "All shops")  # fmt: skip

ProductRole = Qt.ItemDataRole.UserRole + 1  # the Product
ProductIdRole = Qt.ItemDataRole.UserRole + 2
SearchRole = Qt.ItemDataRole.UserRole + 3  # lower-case text the search box matches
SparklineRole = Qt.ItemDataRole.UserRole + 4  # recent prices, oldest first, as floats
ChangeSignRole = Qt.ItemDataRole.UserRole + 5  # -1 cheaper, 0 same, 1 dearer
BestPriceRole = Qt.ItemDataRole.UserRole + 6  # the product's cheapest price in the home currency, or None

# The same words as the dialogs, notifications and the CLI (pricewatch.formatting), unknown stock included.
AVAILABILITY_TEXT = {value: fmt.availability(value) for value in Availability}
PAUSED_COLOUR = QColor(128, 128, 128)
UNSURE_MARK = "~"  # before a price the extractor was not sure of
UNSURE_TIP = "Unsure reading: the page does not state this price clearly, so it fires no alert on its own"
_MONEY_COLUMNS = {COL_PRICE: "price", COL_LOWEST: "lowest_price", COL_HIGHEST: "highest_price",
                  COL_TARGET: "target_price"}  # fmt: skip
_NUMERIC = {COL_PRICE, COL_CHANGE, COL_LOWEST, COL_HIGHEST, COL_TARGET}
DROP_COLOUR = QColor(46, 160, 67)
RISE_COLOUR = QColor(207, 34, 46)
OUT_COLOUR = QColor(154, 103, 0)
ERROR_COLOUR = QColor(207, 34, 46)
RETRY_COLOUR = QColor(191, 135, 0)  # a failed try that will be tried again: a warning, not an error
# Rows that changed out of the chosen order are put back at most this often: one sort of 10,000 rows with
# its repaint takes ~20 ms of the GUI thread, so a check of every product costs it at most ~4%.
RESORT_MS = 500
MONEY_SORT_TIP = "Sorts by currency, then amount (amounts in different currencies do not compare)"
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
        return "SKU " + fmt.clean_text(key[4:], 40)
    return "chosen offer" if key else ""


class _Row:
    __slots__ = ("display", "product", "search", "spark")

    def __init__(self, product: Product, spark: list[float] | None = None) -> None:
        self.product = product
        self.spark = spark  # None: not read yet (read when the row is first painted)
        self.display: dict[int, str] = {}  # formatted cells, built on first paint
        parts = (product.title, product.shop, product.url, variant_text(product))
        self.search = search_key(" ".join(part for part in parts if part))


PreparedRows = list[_Row]


def prepare_rows(products: Iterable[Product]) -> PreparedRows:
    """The model's rows for ``products``; plain Python, so a pool thread can build them (see set_rows)."""
    return [_Row(p) for p in products]


def _none_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value)


def _money_key(value: Decimal | None, currency: str | None) -> tuple[bool, Any]:
    # amounts in different currencies do not compare: grouped by currency code, then by amount
    return (value is None, ((currency or "").upper(), value))


def _change_key(p: Product) -> tuple[bool, Any]:
    if p.price is None or not p.previous_price:
        return (True, 0)
    return (False, (p.price - p.previous_price) / p.previous_price)


_SORT_KEYS: dict[int, SortKey] = {
    COL_TITLE: lambda p: (False, (p.title or p.url).casefold()),
    COL_SHOP: lambda p: (False, (p.shop or "").casefold()),
    COL_PRICE: lambda p: _money_key(p.price, p.currency),
    COL_CHANGE: _change_key,
    COL_LOWEST: lambda p: _money_key(p.lowest_price, p.currency),
    COL_HIGHEST: lambda p: _money_key(p.highest_price, p.currency),
    COL_TARGET: lambda p: _money_key(p.target_price, p.currency),
    COL_AVAILABILITY: lambda p: (False, str(p.availability)),
    COL_LAST_CHECKED: lambda p: _none_last(p.last_checked_at),
    COL_NEXT_CHECK: lambda p: _none_last(p.next_check_at),
    COL_HISTORY: lambda p: (False, p.id or 0),
}


def _stored_next_check(p: Product) -> datetime | str:
    return "paused" if p.paused else (p.next_check_at or "not scheduled")


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
        self._rows: list[_Row] = []
        self._index: dict[int, int] = {}  # product id -> row
        # product id -> (image_url, pixmap or None when there is no usable file); absent: not asked yet
        self._thumbs: dict[int, tuple[str, QPixmap | None]] = {}
        self._sort: tuple[int, Qt.SortOrder] | None = None
        # A row whose sort value changed is put back in order by one sort for a burst of updates.
        self._resort_timer = QTimer(self, singleShot=True, interval=RESORT_MS)
        self._resort_timer.timeout.connect(self._resort)
        # Called with a product id when a row's sparkline is first needed (only painted rows are ever read).
        self.sparkline_requested: Callable[[int], None] | None = None
        # Called with (product id, image_url) when a painted row's thumbnail is not loaded for that URL.
        self.thumbnail_requested: Callable[[int, str], None] | None = None
        # When the next check comes, or why none does; the window sets the scheduler's plan (next_check.py).
        self.next_check_when: Callable[[Product], datetime | str] = _stored_next_check
        # product id -> (next try, error) while its check waits to be retried (gui/check_retries.py)
        self._retrying: dict[int, tuple[datetime | None, str]] = {}
        self._unsure: set[int] = set()  # products whose newest reading is unsure
        # product id -> the "All shops" cell: (text, tooltip, cheapest home price); see products/shops.py
        self._best: dict[int, tuple[str, str, Decimal | None]] = {}

    # -- Qt model API ---------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def index(
        self,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        # Qt's own index() asks rowCount() and columnCount(): two calls into Python per index a view makes
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < len(_HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(section)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return MONEY_SORT_TIP if section in _MONEY_COLUMNS else None
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column == COL_ALL_SHOPS and role in _BEST_ROLES:
            return self._best_data(row.product.id or 0, role)
        if self._retrying and (role, column) in _RETRY_CELLS and row.product.id in self._retrying:
            return self._retry_data(row.product, column, role)
        if role == Qt.ItemDataRole.DisplayRole:
            text = row.display.get(column)
            if text is None:
                text = row.display[column] = (
                    self.next_check_text(row.product)
                    if column == COL_NEXT_CHECK
                    else self._text(row.product, column)
                )
                if column == COL_PRICE and row.product.id in self._unsure and row.product.price is not None:
                    text = row.display[column] = UNSURE_MARK + text
            return text
        if role == ProductRole:
            return row.product
        if role == ProductIdRole:
            return row.product.id
        if role == SearchRole:
            return row.search
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
                return f"{UNSURE_TIP}\n{fmt.money(row.product.price, row.product.currency)}"
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
        if self._rows:
            self.dataChanged.emit(
                self.index(0, COL_ALL_SHOPS), self.index(len(self._rows) - 1, COL_ALL_SHOPS)
            )

    def multiData(self, index: QModelIndex | QPersistentModelIndex, roleDataSpan: Roles) -> None:
        fill_roles(self.data, index, roleDataSpan)  # one call per painted cell, not seven

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column not in _SORT_KEYS and column >= 0:
            return
        self._sort = (column, order) if column >= 0 else None  # -1: back to the order products were added
        self.layoutAboutToBeChanged.emit()
        old_ids = [r.product.id for r in self._rows]
        self._sort_rows()
        self._rebuild_index()
        persistent = self.persistentIndexList()
        if persistent:
            new = [self.index(self._index[old_ids[i.row()] or 0], i.column()) for i in persistent]
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    def _retry_data(self, p: Product, column: int, role: int) -> Any:
        eta, error = self._retrying[p.id or 0]
        when = fmt.clock_time(eta) if eta else "soon"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(p)  # no error sign on the title: it is not failing yet
        if role == Qt.ItemDataRole.DisplayRole:
            return f"Retrying at {when}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return fmt.plain_tooltip(f"The last try failed: {fmt.clean_text(error, 300)}\nNext try at {when}")
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
        return when if isinstance(when, str) else fmt.relative(when)

    def refresh_times(self) -> None:
        """Redraw the relative times ("12 min ago", "in 47 min"): they go stale by themselves."""
        for row in self._rows:
            row.display.pop(COL_NEXT_CHECK, None)
            row.display.pop(COL_LAST_CHECKED, None)
        if self._rows:
            last = len(self._rows) - 1
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
                self._rows[row].display.pop(COL_PRICE, None)
                changed.append(row)
        if not quiet:
            for row in changed:
                self.dataChanged.emit(self.index(row, COL_PRICE), self.index(row, COL_PRICE))

    def is_unsure(self, product_id: int) -> bool:
        return product_id in self._unsure

    def refresh_next_check(self) -> None:
        """Re-ask ``next_check_text`` for every row (the schedule moved on): one dataChanged, one column."""
        for row in self._rows:
            row.display.pop(COL_NEXT_CHECK, None)
        if self._rows:
            last = len(self._rows) - 1
            self.dataChanged.emit(self.index(0, COL_NEXT_CHECK), self.index(last, COL_NEXT_CHECK))

    def set_products(self, products: Iterable[Product]) -> None:
        """Replace everything (the first load, an import)."""
        self.set_rows(prepare_rows(products))

    def set_rows(self, rows: PreparedRows) -> None:
        """Replace everything with rows from :func:`prepare_rows` (10,000 rows: 10 ms less on this thread)."""
        self.beginResetModel()
        self._rows = rows
        if self._sort is not None:
            self._sort_rows()
        self._rebuild_index()
        self.endResetModel()

    def upsert(self, product: Product) -> None:
        """Show a new or changed product (one row's dataChanged, or one inserted row)."""
        assert product.id is not None
        row = self._index.get(product.id)
        if row is None:
            position = len(self._rows)
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows.append(_Row(product))
            self._index[product.id] = position
            self.endInsertRows()
            self._keep_order(position)
            return
        spark = self._rows[row].spark
        self._rows[row] = _Row(product, spark)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(_HEADERS) - 1))
        self._keep_order(row)

    def upsert_many(self, items: list[tuple[Product, list[float] | None]]) -> None:
        """Show new or changed products with their sparklines, one dataChanged per row.

        (Per row on purpose: a range spanning many rows makes the view repaint everything and the proxy map
        every row in it, which costs far more Python calls than the few rows that changed.)
        """
        last = len(_HEADERS) - 1
        for product, spark in items:
            assert product.id is not None
            row = self._index.get(product.id)
            if row is None:
                self.upsert(product)
                self._rows[self._index[product.id]].spark = spark
                continue
            self._rows[row] = _Row(product, spark)
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
            self._keep_order(row)

    def _keep_order(self, row: int) -> None:
        if self._sort is None or self._resort_timer.isActive():
            return  # in id order new rows come last anyway; or a sort is already due
        column, order = self._sort
        if not in_place(self._rows, row, _SORT_KEYS[column], order == Qt.SortOrder.DescendingOrder):
            self._resort_timer.start()

    def _resort(self) -> None:
        if self._sort is not None:
            self.sort(*self._sort)

    def stop(self) -> None:
        self._resort_timer.stop()

    def remove(self, product_id: int) -> None:
        row = self._index.get(product_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        self._thumbs.pop(product_id, None)
        del self._rows[row]
        self._rebuild_index()
        self.endRemoveRows()

    def set_sparklines(self, prices: Mapping[int, Sequence[Decimal | float]]) -> None:
        rows = []
        for product_id, values in prices.items():
            row = self._index.get(product_id)
            if row is not None:
                self._rows[row].spark = [v if isinstance(v, float) else float(v) for v in values]
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
        return self._rows[row].product

    def earliest_due(self) -> Product | None:
        """The unpaused product due first (never checked counts as due now), else a paused one; None: none.

        One pass over plain attributes (about 2 ms for 10,000 rows): the status bar asks every few seconds.
        """
        best: Product | None = None
        paused: Product | None = None
        for row in self._rows:
            product = row.product
            if product.paused:
                paused = paused or product
                continue
            due = product.next_check_at
            if due is None:
                return product
            if best is None or due < best.next_check_at:  # type: ignore[operator]
                best = product
        return best or paused

    def product_ids(self) -> list[int]:
        return [r.product.id or 0 for r in self._rows]

    # -- helpers --------------------------------------------------------------------------------------
    def _sort_rows(self) -> None:
        if self._sort is None:
            self._rows.sort(key=lambda r: r.product.id or 0)
            return
        column, order = self._sort
        sort_rows(self._rows, _SORT_KEYS[column], order == Qt.SortOrder.DescendingOrder)

    def _rebuild_index(self) -> None:
        self._index = {r.product.id or 0: i for i, r in enumerate(self._rows)}

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
                return "Failed: " + fmt.clean_text(p.last_error, ERROR_SHOWN)
            return AVAILABILITY_TEXT.get(p.availability, AVAILABILITY_TEXT[Availability.UNKNOWN])
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
            paused = "Paused: not checked until you resume it" if p.paused else ""
            parts = (
                fmt.clean_text(p.title, 1000),
                f"Variant: {variant}" if variant else "",
                fmt.clean_text(p.url, 500),
                paused,
            )
            tip = "\n".join(part for part in parts if part)  # fmt: skip
            if p.last_error:
                tip += "\nLast error: " + fmt.clean_text(p.last_error, 300)
            return fmt.plain_tooltip(tip)
        if column in _MONEY_COLUMNS:
            value = getattr(p, _MONEY_COLUMNS[column])  # the whole amount, should the column be narrow
            if value is None:
                return None
            return fmt.plain_tooltip(f"{fmt.money(value, p.currency)} ({fmt.clean_text(p.currency, 10)})")
        if column in (COL_LAST_CHECKED, COL_AVAILABILITY) and p.last_error:
            exact = f"{fmt.local_time(p.last_checked_at)}\n" if column == COL_LAST_CHECKED else ""
            return fmt.plain_tooltip(exact + "Last error: " + fmt.clean_text(p.last_error, 300))
        if column == COL_LAST_CHECKED and p.last_checked_at is not None:
            return fmt.local_time(p.last_checked_at)
        return None


def _alignment(column: int) -> Qt.AlignmentFlag:
    horizontal = Qt.AlignmentFlag.AlignRight if column in _NUMERIC else Qt.AlignmentFlag.AlignLeft
    return horizontal | Qt.AlignmentFlag.AlignVCenter
