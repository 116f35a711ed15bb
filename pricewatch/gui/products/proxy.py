"""Filtering the products table: the search box matches title, shop, URL and variant through one precomputed
text per row, with accents and case folded away on both sides (see search_text); a smart filter's hidden rows
have "" for text (see the model's ``set_shown_ids``) and are never shown while it is on.

A QSortFilterProxyModel would ask the source model for every row's search text through ``index()`` and
``data()``: two calls from C++ into Python per row, 0.7 s for 100,000 products on each key typed. Here the
matching rows are found by one list comprehension over the model's texts (a few ms) and kept as a sorted list
of source rows, so only the rows being painted cost Python calls. Sorting stays with the source model; the
proxy keeps the source's order.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from pricewatch.gui.products.model import ProductTableModel
from pricewatch.gui.products.search_text import search_key
from pricewatch.gui.widgets.model_roles import Roles

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class ProductFilterProxy(QAbstractProxyModel):
    """The rows of a :class:`ProductTableModel` whose search text contains the search, in the model's order.

    Like the QSortFilterProxyModel it replaces with dynamic filtering off, a row whose text changes is not
    hidden or shown until the next search; rows added while searching are shown when they match.
    """

    def __init__(self, source: ProductTableModel | None, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._rows: list[int] = []  # source rows shown, ascending (the source's order)
        self._removing: tuple[int, int] | None = None  # proxy rows [lo, hi) about to go with source rows
        self._saved: list[tuple[QModelIndex, QPersistentModelIndex]] = []
        self._connected: ProductTableModel | None = None
        self._narrowed = False  # a smart filter is on: rows with no search text are hidden
        if source is not None:
            self.setSourceModel(source)

    # -- the search -------------------------------------------------------------------------------------
    def set_search(self, text: str) -> None:
        needle = search_key(text.strip())
        if needle == self._needle:
            return
        self._needle = needle
        self._relayout()

    def set_narrowed(self, narrowed: bool) -> None:
        """A smart filter is on (or off): the model answers its hidden rows' search text with ""."""
        self._narrowed = narrowed
        self._relayout()  # even when unchanged: the filter may hold other products now

    @property
    def narrowed(self) -> bool:
        return self._narrowed

    def _accepts(self, text: str) -> bool:
        # "" is in every text, so an empty search needs the filter's own test: hidden rows' text is ""
        return self._needle in text if self._needle else bool(text) or not self._narrowed

    def _matching(self) -> list[int]:
        source = self._connected
        if source is None:
            return []
        texts = source.search_texts()
        if not self._needle and not self._narrowed:
            return list(range(len(texts)))
        accepts = self._accepts
        return [row for row, text in enumerate(texts) if accepts(text)]

    def _relayout(self) -> None:
        """Show the rows matching now; the selection and current row keep the products they were on."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [self.mapToSource(index) for index in persistent]
        self._rows = self._matching()
        if persistent:
            self.changePersistentIndexList(persistent, [self.mapFromSource(s) for s in sources])
        self.layoutChanged.emit()

    # -- the source -----------------------------------------------------------------------------------
    def setSourceModel(self, source: QAbstractItemModel | None) -> None:
        assert source is None or isinstance(source, ProductTableModel)
        self.beginResetModel()
        if self._connected is not None:
            self._connect(self._connected, on=False)
        super().setSourceModel(source)  # type: ignore[arg-type]  # None detaches
        self._connected = source
        if source is not None:
            self._connect(source, on=True)
        self._rows = self._matching()
        self.endResetModel()

    def _connect(self, source: ProductTableModel, *, on: bool) -> None:
        pairs = (
            (source.dataChanged, self._source_data_changed),
            (source.layoutAboutToBeChanged, self._source_layout_about),
            (source.layoutChanged, self._source_layout_changed),
            (source.rowsInserted, self._source_rows_inserted),
            (source.rowsAboutToBeRemoved, self._source_rows_about_removed),
            (source.rowsRemoved, self._source_rows_removed),
            (source.modelAboutToBeReset, self.beginResetModel),
            (source.modelReset, self._source_reset),
        )
        for signal, slot in pairs:
            if on:
                signal.connect(slot)
            else:
                signal.disconnect(slot)

    def _source_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any = ()) -> None:
        lo = bisect_left(self._rows, top_left.row())
        hi = bisect_right(self._rows, bottom_right.row())
        if hi > lo:  # the shown rows among the changed ones, and those between them
            first, last = self.index(lo, top_left.column()), self.index(hi - 1, bottom_right.column())
            self.dataChanged.emit(first, last, list(roles or []))

    def _source_layout_about(self, *_args: Any) -> None:
        self._saved = [(p, QPersistentModelIndex(self.mapToSource(p))) for p in self.persistentIndexList()]
        self.layoutAboutToBeChanged.emit()

    def _source_layout_changed(self, *_args: Any) -> None:
        saved, self._saved = self._saved, []
        self._rows = self._matching()  # the source sorted: the same texts in a new order
        if saved:
            old = [proxy for proxy, _source in saved]
            self.changePersistentIndexList(old, [self.mapFromSource(source) for _proxy, source in saved])
        self.layoutChanged.emit()

    def _source_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid() or self._connected is None:
            return
        count = last - first + 1
        at = bisect_left(self._rows, first)
        texts = self._connected.search_texts()
        added = [row for row in range(first, last + 1) if self._accepts(texts[row])]
        # rows after the insertion move down in the source, whether or not a new one is shown
        self._rows[at:] = [row + count for row in self._rows[at:]]
        if not added:
            return
        self.beginInsertRows(_ROOT, at, at + len(added) - 1)
        self._rows[at:at] = added
        self.endInsertRows()

    def _source_rows_about_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        lo, hi = bisect_left(self._rows, first), bisect_right(self._rows, last)
        self._removing = (lo, hi)
        if hi > lo:
            self.beginRemoveRows(_ROOT, lo, hi - 1)

    def _source_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if parent.isValid() or self._removing is None:
            return
        (lo, hi), self._removing = self._removing, None
        count = last - first + 1
        self._rows[lo:] = [row - count for row in self._rows[hi:]]
        if hi > lo:
            self.endRemoveRows()

    def _source_reset(self) -> None:
        self._rows = self._matching()
        self.endResetModel()

    # -- Qt proxy API -----------------------------------------------------------------------------------
    def mapToSource(self, proxy_index: Index) -> QModelIndex:
        source = self._connected
        if source is None or not proxy_index.isValid():
            return QModelIndex()
        row = proxy_index.row()
        if not 0 <= row < len(self._rows):
            return QModelIndex()
        return source.index(self._rows[row], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = source_index.row()
        at = bisect_left(self._rows, row)
        if at == len(self._rows) or self._rows[at] != row:
            return QModelIndex()  # hidden by the search
        return self.createIndex(at, source_index.column())

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        source = self._connected
        return 0 if parent.isValid() or source is None else source.columnCount()

    def index(self, row: int, column: int, parent: Index = _ROOT) -> QModelIndex:
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < self.columnCount()):
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        return QModelIndex()

    def hasChildren(self, parent: Index = _ROOT) -> bool:
        return not parent.isValid() and bool(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        source = self._connected
        return None if source is None else source.data(self.mapToSource(index), role)

    def multiData(self, index: Index, roleDataSpan: Roles) -> None:
        source = self._connected
        if source is not None:
            source.multiData(self.mapToSource(index), roleDataSpan)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source sorts with key functions; its layout change re-filters here in the new order.
        if self._connected is not None:
            self._connected.sort(column, order)
