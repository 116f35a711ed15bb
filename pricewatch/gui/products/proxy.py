"""Filtering the products table: the search box matches title, shop, URL and variant through one precomputed
role, with accents and case folded away on both sides (see search_text)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from pricewatch.gui.products.model import COL_TITLE, ProductTableModel, SearchRole
from pricewatch.gui.products.search_text import search_key


class ProductFilterProxy(QSortFilterProxyModel):
    """Filters with a fixed string on :data:`SearchRole`; sorting is delegated to the source model."""

    def __init__(self, source: ProductTableModel | None, parent: Any = None) -> None:
        super().__init__(parent)
        if source is not None:
            self.setSourceModel(source)
        self.setFilterRole(SearchRole)
        self.setFilterKeyColumn(COL_TITLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(False)
        self._accepted: frozenset[int] | None = None  # a smart filter's products (gui/filters); None: all

    def set_accepted_ids(self, ids: frozenset[int] | None) -> None:
        """Show only these products besides the search (a smart filter), or every product (None)."""
        self.beginFilterChange()
        self._accepted = ids
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def narrowed(self) -> bool:
        """A smart filter is on."""
        return self._accepted is not None

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        accepted = self._accepted
        if accepted is not None:
            source = self.sourceModel()
            assert isinstance(source, ProductTableModel)
            if source.product_at(source_row).id not in accepted:
                return False  # a set look-up: the filter's facts were read once for every product
        return super().filterAcceptsRow(source_row, source_parent)

    def set_search(self, text: str) -> None:
        self.setFilterFixedString(search_key(text.strip()))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source sorts with key functions; this proxy stays in source order (O(n) remap in C++).
        source = self.sourceModel()
        assert isinstance(source, ProductTableModel)
        source.sort(column, order)
