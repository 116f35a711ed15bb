"""The live task table: a tree (batches expand to their children) fed by the engine's signals.

Signals only queue ids; a 100 ms timer applies them in batches within a time budget (Picard's pattern), each
change re-reading one row by primary key, each batch inserting a parent's new children as one block. A
thousand tasks finishing at once therefore cost a few small slices of the GUI thread, never a model reset.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)

from pricewatch.gui import task_columns as tc
from pricewatch.models import TaskRecord, TaskState

FLUSH_MS = 100
BUDGET_S = 0.025  # of GUI-thread time per flush
MAX_TOP_LEVEL = 3000  # finished top-level tasks beyond this are dropped from the view (not from the journal)

Index = QModelIndex | QPersistentModelIndex


class _Node:
    __slots__ = ("children", "parent", "record")

    def __init__(self, record: TaskRecord | None, parent: _Node | None) -> None:
        self.record = record
        self.parent = parent
        self.children: list[_Node] = []

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


class TaskTreeModel(QAbstractItemModel):
    """Tasks newest first; children under their parent, oldest first.

    Signals:
        record_updated(object): a TaskRecord was (re)read and applied.
        counts_changed(object): a Counter of states over the tasks shown.
    """

    record_updated = Signal(object)
    counts_changed = Signal(object)

    def __init__(
        self,
        fetch: Callable[[str], TaskRecord | None],
        subject: Callable[[TaskRecord], str] = tc.default_subject,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._subject = subject
        self._root = _Node(None, None)
        self._nodes: dict[str, _Node] = {}
        self._dirty: dict[str, None] = {}  # ids to re-read (ordered set)
        self._progress: dict[str, tuple[int, int, str]] = {}
        self._counts: Counter[TaskState] = Counter()
        self._timer = QTimer(self, interval=FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self.paused = False

    # -- feeding --------------------------------------------------------------------------------------
    def connect_signals(self, signals: Any) -> None:
        signals.task_added.connect(self.on_task_added)
        signals.task_changed.connect(self.on_task_changed)
        signals.task_progress.connect(self.on_task_progress)

    @Slot(str)
    def on_task_added(self, task_id: str) -> None:
        self._mark(task_id)

    @Slot(str, str)
    def on_task_changed(self, task_id: str, _state: str) -> None:
        self._mark(task_id)

    @Slot(str, int, int, str)
    def on_task_progress(self, task_id: str, current: int, total: int, message: str) -> None:
        self._progress[task_id] = (current, total, message)
        self._start_timer()

    def _mark(self, task_id: str) -> None:
        self._dirty[task_id] = None
        self._start_timer()

    def _start_timer(self) -> None:
        if not self._timer.isActive() and not self.paused:
            self._timer.start()

    def load(self, records: Iterable[TaskRecord]) -> None:
        """Replace everything with ``records`` (newest first); pending events are applied after."""
        self.beginResetModel()
        self._root.children.clear()
        self._nodes.clear()
        self._counts.clear()
        ordered = sorted(records, key=lambda r: r.queued_at, reverse=True)
        for record in ordered:
            self._nodes[record.id] = _Node(record, None)
            self._counts[record.state] += 1
        for record in ordered:
            node = self._nodes[record.id]
            parent = self._nodes.get(record.parent_id or "") or self._root
            node.parent = parent
            parent.children.append(node)
        for node in self._nodes.values():
            node.children.reverse()  # children oldest first
        self.endResetModel()
        self.counts_changed.emit(Counter(self._counts))
        self._start_timer()

    @Slot()
    def flush(self, budget: float = BUDGET_S) -> None:
        """Apply queued events until the budget is spent; the timer stops when nothing is left."""
        deadline = time.monotonic() + budget
        if self._progress:
            progress, self._progress = self._progress, {}
            for task_id, values in progress.items():
                self._apply_progress(task_id, *values)
        new: dict[str, list[TaskRecord]] = {}  # parent id ("" = top level) -> new records, parents first
        arriving: set[str] = set()
        parents: dict[str, None] = {}
        changed = False
        while self._dirty and time.monotonic() < deadline:
            task_id = next(iter(self._dirty))
            del self._dirty[task_id]
            record = self._fetch(task_id)
            if record is None:
                continue
            changed = True
            node = self._nodes.get(task_id)
            if node is None:
                # a parent added in this same batch counts as known (its group is inserted first)
                parent = record.parent_id or ""
                key = parent if parent in self._nodes or parent in arriving else ""
                new.setdefault(key, []).append(record)
                arriving.add(record.id)
            else:
                self._replace(node, record)
            if record.parent_id:
                parents[record.parent_id] = None
            self.record_updated.emit(record)
        for parent_id, records in new.items():
            self._insert(parent_id, records)
        # A parent's row (progress, result) changes with its children without a signal of its own: re-read it
        # once in the next batch.
        for parent_id in parents:
            if parent_id in self._nodes:
                self._dirty[parent_id] = None
        if changed:
            self._prune()
            self.counts_changed.emit(Counter(self._counts))
        if not self._dirty and not self._progress:
            self._timer.stop()

    def flush_all(self) -> None:
        while self._dirty or self._progress:
            self.flush(budget=3600)

    def stop(self) -> None:
        self._timer.stop()
        self._dirty.clear()
        self._progress.clear()

    # -- applying -------------------------------------------------------------------------------------
    def _replace(self, node: _Node, record: TaskRecord) -> None:
        old = node.record
        assert old is not None
        if old.state is not record.state:
            self._counts[old.state] -= 1
            self._counts[record.state] += 1
        node.record = record
        parent = self._index_of(node.parent)
        row = node.row()
        self.dataChanged.emit(self.index(row, 0, parent), self.index(row, tc.COLUMN_COUNT - 1, parent))

    def _apply_progress(self, task_id: str, current: int, total: int, message: str) -> None:
        node = self._nodes.get(task_id)
        if node is None or node.record is None:
            return
        record = node.record
        record.progress_current, record.progress_total, record.progress_message = current, total, message
        parent = self._index_of(node.parent)
        cell = self.index(node.row(), tc.COL_PROGRESS, parent)
        self.dataChanged.emit(cell, cell)

    def _insert(self, parent_id: str, records: list[TaskRecord]) -> None:
        parent = self._nodes[parent_id] if parent_id else self._root
        parent_index = self._index_of(parent)
        if parent is self._root:  # newest first at the top
            records.sort(key=lambda r: r.queued_at, reverse=True)
            first, last = 0, len(records) - 1
            self.beginInsertRows(parent_index, first, last)
            parent.children[0:0] = [self._new_node(r, parent) for r in records]
        else:  # children oldest first, appended
            records.sort(key=lambda r: r.queued_at)
            first = len(parent.children)
            self.beginInsertRows(parent_index, first, first + len(records) - 1)
            parent.children.extend(self._new_node(r, parent) for r in records)
        self.endInsertRows()

    def _new_node(self, record: TaskRecord, parent: _Node) -> _Node:
        node = _Node(record, parent)
        self._nodes[record.id] = node
        self._counts[record.state] += 1
        return node

    def _prune(self) -> None:
        children = self._root.children
        if len(children) <= MAX_TOP_LEVEL:
            return
        start = MAX_TOP_LEVEL
        while start < len(children) and not _finished_tree(children[start]):
            start += 1
        if start >= len(children):
            return
        self.beginRemoveRows(QModelIndex(), start, len(children) - 1)
        for node in children[start:]:
            self._forget(node)
        del children[start:]
        self.endRemoveRows()

    def _forget(self, node: _Node) -> None:
        if node.record is not None:
            self._nodes.pop(node.record.id, None)
            self._counts[node.record.state] -= 1
        for child in node.children:
            self._forget(child)

    # -- lookups --------------------------------------------------------------------------------------
    def record(self, task_id: str) -> TaskRecord | None:
        node = self._nodes.get(task_id)
        return node.record if node else None

    def index_of(self, task_id: str, column: int = 0) -> QModelIndex:
        node = self._nodes.get(task_id)
        return self._index_of(node, column) if node else QModelIndex()

    def _index_of(self, node: _Node | None, column: int = 0) -> QModelIndex:
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row(), column, node)

    def counts(self) -> Counter[TaskState]:
        return Counter(self._counts)

    def top_level_ids(self) -> list[str]:
        return [n.record.id for n in self._root.children if n.record]

    # -- Qt model API ---------------------------------------------------------------------------------
    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root  # type: ignore[no-any-return]

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if 0 <= row < len(node.children) and 0 <= column < tc.COLUMN_COUNT:
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        return self._index_of(node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return tc.COLUMN_COUNT

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            return tc.header_data(section, role)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = index.internalPointer().record
        if record is None:
            return None
        return tc.cell_data(record, index.column(), role, self._subject)


def _finished_tree(node: _Node) -> bool:
    if node.record is not None and not node.record.state.is_final:
        return False
    return all(_finished_tree(child) for child in node.children)
