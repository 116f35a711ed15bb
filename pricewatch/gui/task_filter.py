"""Filtering the task tree by state, task name, queue and text; a parent stays when a child matches."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from pricewatch.gui.task_columns import TaskRole
from pricewatch.models import TaskRecord, TaskState


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
            return self._text in haystack
        return True
