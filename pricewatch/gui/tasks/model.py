"""The live task table: a tree (batches expand to their children) fed by the engine's signals.

Signals only queue ids; a 60 ms timer hands the ids to a pool thread that re-reads the rows, and applies the
rows read in small chunks within a short time budget (Picard's pattern), each chunk inserting a parent's new
children as one block; while rows wait, the timer comes back every 10 ms. A thousand tasks finishing at once
cost many small slices of the GUI thread, never a model reset.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter, deque
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

from pricewatch.gui.tasks import columns as tc
from pricewatch.gui.tasks.events import TaskEventCollector
from pricewatch.gui.widgets.model_roles import Roles, fill_roles
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import TaskRecord, TaskState

FLUSH_MS = 60
BACKLOG_MS = 10  # the timer's interval while rows read wait to be applied: other events run in between
# GUI-thread time per flush for applying rows (reading them happens on a pool thread). Short: while workers
# run Python, each millisecond of it can cost as much again in waits for the GIL, and the window does nothing
# else meanwhile.
BUDGET_S = 0.003
FETCH_BATCH = 400  # ids read per background read
APPLY_CHUNK = 25  # rows applied at a time; the budget is looked at between chunks
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
        records_updated(object): a list of TaskRecords (re)read and applied, once per batch.
        counts_changed(object): a Counter of states over the tasks shown.
    """

    records_updated = Signal(object)
    counts_changed = Signal(object)

    def __init__(
        self,
        fetch: Callable[[str], TaskRecord | None],
        subject: Callable[[TaskRecord], str] = tc.default_subject,
        parent: QObject | None = None,
        work: BackgroundWork | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._subject = subject
        self._root = _Node(None, None)
        self._nodes: dict[str, _Node] = {}
        self._dirty: dict[str, None] = {}  # ids to re-read (ordered set)
        self._progress: dict[str, tuple[int, int, str]] = {}
        self._ready: deque[TaskRecord] = deque()  # rows read, waiting to be applied
        self._fetching = False
        self._loaded = work is None  # with a loader, events wait for the first load
        self._work = work
        self._counts: Counter[TaskState] = Counter()
        self._timer = QTimer(self, interval=FLUSH_MS)
        self._timer.timeout.connect(self.flush)
        self.paused = False
        self._collector: TaskEventCollector | None = None
        self._stopped = False
        self._signals: Any = None

    # -- feeding --------------------------------------------------------------------------------------
    def connect_signals(self, signals: Any) -> None:
        """Collect the engine's signals on a helper thread (see :mod:`pricewatch.gui.tasks.events`)."""
        self._collector = TaskEventCollector()
        self._collector.connect_signals(signals)
        self._collector.wake.connect(self._start_timer)
        self._signals = signals

    def _mark(self, task_id: str) -> None:
        self._dirty[task_id] = None
        self._start_timer()

    def mark_changed(self, task_ids: Iterable[str]) -> None:
        """Re-read these tasks (changed by another process) as if the engine's signals had named them."""
        if not self._stopped:
            self._dirty.update(dict.fromkeys(task_ids))
            self._start_timer()

    @Slot()
    def _start_timer(self) -> None:
        if not self._timer.isActive() and not self.paused and not self._stopped:
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
        self._loaded = True
        self.counts_changed.emit(Counter(self._counts))
        self._start_timer()

    @Slot()
    def flush(self, budget: float = BUDGET_S) -> None:
        """Apply progress, start a background read of changed rows, apply rows read, within the budget."""
        if not self._loaded:
            return
        deadline = time.monotonic() + budget
        if self._collector is not None:
            changed, progress = self._collector.take()
            self._dirty.update(dict.fromkeys(changed))
            self._progress.update(progress)
        if self._progress:
            progress, self._progress = self._progress, {}
            for task_id, values in progress.items():
                self._apply_progress(task_id, *values)
        if self._dirty and not self._fetching:
            ids = list(itertools.islice(self._dirty, FETCH_BATCH))
            for task_id in ids:
                del self._dirty[task_id]
            self._fetching = True
            self._read(ids)
        while self._ready:
            self._apply([self._ready.popleft() for _ in range(min(APPLY_CHUNK, len(self._ready)))])
            if time.monotonic() >= deadline:
                break
        if not (self._dirty or self._progress or self._ready or self._fetching):
            self._timer.stop()
        interval = BACKLOG_MS if self._ready else FLUSH_MS
        if self._timer.interval() != interval:
            self._timer.setInterval(interval)

    def _read(self, ids: list[str]) -> None:
        fetch = self._fetch
        if self._work is None:
            self._fetched([r for i in ids if (r := fetch(i)) is not None])
        else:
            self._work.submit(lambda: [r for i in ids if (r := fetch(i)) is not None], self._fetched,
                              lambda _error: self._fetched([]))  # fmt: skip

    def _fetched(self, records: list[TaskRecord]) -> None:
        self._fetching = False
        self._ready.extend(records)
        self._start_timer()

    def _apply(self, records: list[TaskRecord]) -> None:
        new: dict[str, list[TaskRecord]] = {}  # parent id ("" = top level) -> new records, parents first
        arriving: set[str] = set()
        parents: dict[str, None] = {}
        changed_rows: dict[_Node, list[int]] = {}
        for record in records:
            node = self._nodes.get(record.id)
            if node is None:
                if record.id in arriving:
                    continue
                # a parent added in this same batch counts as known (its group is inserted first)
                parent = record.parent_id or ""
                key = parent if parent in self._nodes or parent in arriving else ""
                new.setdefault(key, []).append(record)
                arriving.add(record.id)
            else:
                self._replace(node, record, changed_rows)
            if record.parent_id:
                parents[record.parent_id] = None
        # one dataChanged per parent, spanning the rows that changed (not one per row)
        for parent_node, rows in changed_rows.items():
            parent_index = self._index_of(parent_node)
            self.dataChanged.emit(self.index(min(rows), 0, parent_index),
                                  self.index(max(rows), tc.COLUMN_COUNT - 1, parent_index))  # fmt: skip
        for parent_id, group in new.items():
            self._insert(parent_id, group)
        # A parent's row (progress, result) changes with its children without a signal of its own: re-read it
        # once more.
        for parent_id in parents:
            if parent_id in self._nodes:
                self._dirty[parent_id] = None
        if records:
            self._prune()
            self.records_updated.emit(records)
            self.counts_changed.emit(Counter(self._counts))

    def flush_all(self) -> None:
        """Apply everything queued now, reading on this thread (tests, shutdown)."""
        work, self._work = self._work, None
        try:
            while not self.idle():
                self.flush(budget=3600)
        finally:
            self._work = work

    def idle(self) -> bool:
        """Nothing queued, being read or waiting to be applied."""
        collected = self._collector is not None and self._collector.pending()
        return not (collected or self._dirty or self._progress or self._ready or self._fetching)

    def stop(self) -> None:
        self._stopped = True  # a wake or read result still queued must not restart the timer
        if self._collector is not None:
            self._collector.disconnect_signals(self._signals)
            self._collector.stop()
            self._collector = None
        self._timer.stop()
        self._ready.clear()
        self._dirty.clear()
        self._progress.clear()

    # -- applying -------------------------------------------------------------------------------------
    def _replace(self, node: _Node, record: TaskRecord, changed_rows: dict[_Node, list[int]]) -> None:
        old = node.record
        assert old is not None and node.parent is not None
        if old.state is not record.state:
            self._counts[old.state] -= 1
            self._counts[record.state] += 1
        node.record = record
        changed_rows.setdefault(node.parent, []).append(node.row())

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
        return index.internalPointer() if index.isValid() else self._root

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

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            return tc.header_data(section, role)
        return None

    def multiData(self, index: Index, roleDataSpan: Roles) -> None:
        fill_roles(self.data, index, roleDataSpan)  # one call per painted cell, not seven

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        record = node.record
        if record is None:
            return None
        note = tc.follow_up_note(record, (child.record for child in node.children))
        return tc.cell_data(record, index.column(), role, self._subject, note)


def _finished_tree(node: _Node) -> bool:
    if node.record is not None and not node.record.state.is_final:
        return False
    return all(_finished_tree(child) for child in node.children)
