"""Filtering the products table: the search box matches title, shop, URL and variant through one precomputed
role, with accents and case folded away on both sides (see search_text); a smart filter's hidden rows answer
that role with "" (see the model's ``set_shown_ids``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

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
        self._key = ""
        self._narrowed = False

    def set_search(self, text: str) -> None:
        self._key = search_key(text.strip())
        self._apply()

    def set_narrowed(self, narrowed: bool) -> None:
        """A smart filter is on (or off): the model answers its hidden rows' :data:`SearchRole` with ""."""
        self._narrowed = narrowed
        self._apply()

    @property
    def narrowed(self) -> bool:
        return self._narrowed

    def _apply(self) -> None:
        # Without typed text a smart filter still needs a pattern: "." matches every row's text but "". The
        # check stays in C++, with no Python call per row beyond the model's data(). Setting a pattern filters
        # again even when it is the same one (a filter's other products).
        if self._key or not self._narrowed:
            self.setFilterFixedString(self._key)
        else:
            self.setFilterRegularExpression(".")

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source sorts with key functions; this proxy stays in source order (O(n) remap in C++).
        source = self.sourceModel()
        assert isinstance(source, ProductTableModel)
        source.sort(column, order)
