"""Filtering the task tree by state, task name, queue and text; a parent stays when a child matches."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from pricewatch.gui.tasks.columns import COL_NAME, COL_RESULT, COL_STATE, COL_SUBJECT, TaskRole
from pricewatch.models import TaskRecord, TaskState

# The text filter also matches what these cells show: a check's row shows its product's title (or URL) and
# a friendly task name, while the record itself carries only ``product_id`` and ``price_tracking...``.
_SHOWN_COLUMNS = (COL_NAME, COL_SUBJECT, COL_STATE, COL_RESULT)


class TaskFilterProxy(QSortFilterProxyModel):
    """Keeps the model's order (newest first); only filters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # Recursive filtering (keep a parent whose child matches) costs a walk over the siblings on every
        # dataChanged; it is switched on only while a filter is set.
        self.setRecursiveFilteringEnabled(False)
        self.setDynamicSortFilter(True)
        self._states: frozenset[TaskState] = frozenset()
        self._name = ""
        self._queue = ""
        self._text = ""

    def set_states(self, states: frozenset[TaskState] | set[TaskState]) -> None:
        self.beginFilterChange()
        self._states = frozenset(states)
        self.setRecursiveFilteringEnabled(self.is_filtering())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_name(self, name: str) -> None:
        self.beginFilterChange()
        self._name = name
        self.setRecursiveFilteringEnabled(self.is_filtering())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_queue(self, queue: str) -> None:
        self.beginFilterChange()
        self._queue = queue
        self.setRecursiveFilteringEnabled(self.is_filtering())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.setRecursiveFilteringEnabled(self.is_filtering())
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def shows(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        """Whether the source ``index`` passes the filter (it may be hidden under a collapsed parent)."""
        return self.mapFromSource(index).isValid()

    def is_filtering(self) -> bool:
        return bool(self._states or self._name or self._queue or self._text)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if not self.is_filtering():
            return True
        model = self.sourceModel()
        record: TaskRecord | None = model.index(source_row, 0, source_parent).data(TaskRole)
        if record is None:
            return False
        if self._states and record.state not in self._states:
            return False
        if self._name and record.name != self._name:
            return False
        if self._queue and record.queue != self._queue:
            return False
        if self._text:
            haystack = f"{record.id} {record.name} {record.kwargs} {record.error or ''}".lower()
            if self._text in haystack:
                return True
            shown = (model.index(source_row, column, source_parent).data() for column in _SHOWN_COLUMNS)
            return any(self._text in str(text).lower() for text in shown if text)
        return True
