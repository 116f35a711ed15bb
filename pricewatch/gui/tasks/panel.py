"""The monitoring dashboard: filters, the live task tree, its context menu and the detail pane."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pricewatch.app import PriceWatch
from pricewatch.errors import NotFoundError
from pricewatch.gui.tasks import columns as tc
from pricewatch.gui.tasks.detail import TaskDetailPane
from pricewatch.gui.tasks.filter import TaskFilterProxy
from pricewatch.gui.tasks.model import TaskTreeModel
from pricewatch.gui.tasks.outside import cancel_label, cancel_message
from pricewatch.gui.tasks.progress_delegate import ProgressDelegate
from pricewatch.gui.tasks.tree import TaskTreeView
from pricewatch.models import TaskRecord, TaskState
from pricewatch.translation import QT_TRANSLATE_NOOP

_STATE_FILTERS: tuple[tuple[str, frozenset[TaskState]], ...] = (
    (QT_TRANSLATE_NOOP("TaskPanel", "All states"), frozenset()),
    (
        QT_TRANSLATE_NOOP("TaskPanel", "Active"),
        frozenset({TaskState.PENDING, TaskState.STARTED, TaskState.RETRY}),
    ),
    (QT_TRANSLATE_NOOP("TaskPanel", "Running"), frozenset({TaskState.STARTED})),
    (QT_TRANSLATE_NOOP("TaskPanel", "Queued"), frozenset({TaskState.PENDING})),
    (QT_TRANSLATE_NOOP("TaskPanel", "Retrying"), frozenset({TaskState.RETRY})),
    (QT_TRANSLATE_NOOP("TaskPanel", "Done"), frozenset({TaskState.SUCCESS})),
    (QT_TRANSLATE_NOOP("TaskPanel", "Failed"), frozenset({TaskState.FAILURE})),
    (QT_TRANSLATE_NOOP("TaskPanel", "Cancelled"), frozenset({TaskState.REVOKED})),
)
QUEUES = ("default", "scraping", "notifications")
RELATIVE_REFRESH_MS = 60_000


class TaskPanel(QWidget):
    """Signals:
    message(str): something to show in the status bar.
    """

    message = Signal(str)

    def __init__(self, app: PriceWatch, model: TaskTreeModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.model = model
        # The filter proxy is attached only while a filter is set: unfiltered, the tree shows the model,
        # so a thousand inserted or changed rows cost no per-row Python filter calls (see _use_filter).
        self.proxy = TaskFilterProxy(self)

        self.state_filter = QComboBox(self)
        self.state_filter.setObjectName("taskStateFilter")
        for label, states in _STATE_FILTERS:
            self.state_filter.addItem(QCoreApplication.translate("TaskPanel", label), states)
        self.name_filter = QComboBox(self)
        self.name_filter.setObjectName("taskNameFilter")
        self.name_filter.addItem(self.tr("All tasks"), "")
        for name in app.registered_task_names():
            self.name_filter.addItem(tc.friendly_name(name), name)
        self.queue_filter = QComboBox(self)
        self.queue_filter.setObjectName("taskQueueFilter")
        self.queue_filter.addItem(self.tr("All queues"), "")
        for queue in QUEUES:
            self.queue_filter.addItem(queue.capitalize(), queue)
        self.text_filter = QLineEdit(self)
        self.text_filter.setPlaceholderText(self.tr("Filter by product, address or error"))
        self.text_filter.setClearButtonEnabled(True)
        self.state_filter.currentIndexChanged.connect(self._states_changed)
        self.name_filter.currentIndexChanged.connect(self._name_changed)
        self.queue_filter.currentIndexChanged.connect(self._queue_changed)
        self.text_filter.textChanged.connect(self._text_changed)

        self.tree = TaskTreeView(self)
        self.tree.setObjectName("taskTree")
        self.tree.setModel(model)
        self.tree.setUniformRowHeights(True)  # no per-row size queries on thousands of tasks
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setItemDelegateForColumn(tc.COL_PROGRESS, ProgressDelegate(self.tree))
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        header = self.tree.header()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        for column, width in enumerate(tc.WIDTHS):
            self.tree.setColumnWidth(column, width)
        for column in tc.HIDDEN_BY_DEFAULT:
            header.setSectionHidden(column, True)
        # "2 min ago" goes stale by itself: the painted rows are redrawn once a minute (no model work)
        self._clock = QTimer(self, interval=RELATIVE_REFRESH_MS)
        self._clock.timeout.connect(self.tree.viewport().update)
        self._clock.start()
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        self.detail = TaskDetailPane(self)
        model.records_updated.connect(self._records_updated)

        self.cancel_action = QAction(self.tr("&Cancel Task"), self)
        self.cancel_action.triggered.connect(self.cancel_selected)
        self.retry_action = QAction(self.tr("&Retry Task"), self)
        self.retry_action.triggered.connect(self.retry_selected)
        self.copy_error_action = QAction(self.tr("Copy &Error"), self)
        self.copy_error_action.triggered.connect(self.copy_error)
        self.copy_id_action = QAction(self.tr("Copy Task &ID"), self)
        self.copy_id_action.triggered.connect(self.copy_id)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(QLabel(self.tr("Show"), self))
        filters.addWidget(self.state_filter)
        filters.addWidget(self.name_filter)
        self.queue_filter.hide()  # queues are the engine's concern, not the user's; the filter stays usable
        filters.addWidget(self.text_filter, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("taskSplitter")
        splitter.addWidget(self.tree)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 320])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)

    # -- filters --------------------------------------------------------------------------------------
    @Slot()
    def _states_changed(self) -> None:
        self.proxy.set_states(self.state_filter.currentData())
        self._use_filter()

    @Slot()
    def _name_changed(self) -> None:
        self.proxy.set_name(self.name_filter.currentData())
        self._use_filter()

    @Slot()
    def _queue_changed(self) -> None:
        self.proxy.set_queue(self.queue_filter.currentData())
        self._use_filter()

    @Slot(str)
    def _text_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._use_filter()

    def _use_filter(self) -> None:
        """Show the proxy while filtering, the model itself otherwise (keeping the current task)."""
        wanted = self.proxy if self.proxy.is_filtering() else self.model
        if self.tree.model() is wanted:
            self._clear_hidden_detail()
            return
        current = self.detail.task_id
        header = self.tree.header().saveState()
        if wanted is self.proxy:
            self.proxy.setSourceModel(self.model)
        self.tree.setModel(wanted)
        if wanted is self.model:
            self.proxy.setSourceModel(None)  # type: ignore[arg-type]
        self.tree.header().restoreState(header)
        self.tree.selectionModel().currentRowChanged.connect(self._current_changed)
        if current and not self.select_task(current):
            self.detail.show_task(None)  # the filter hides it: the pane must not describe an invisible row

    def _clear_hidden_detail(self) -> None:
        shown = self.detail.task_id
        if shown and self.tree.model() is self.proxy and not self.proxy.shows(self.model.index_of(shown)):
            self.detail.show_task(None)

    def view_model(self) -> QAbstractItemModel:
        return self.tree.model()

    def set_state_filter(self, label: str) -> None:
        self.state_filter.setCurrentIndex(self.state_filter.findText(label))

    # -- selection ------------------------------------------------------------------------------------
    def selected_records(self) -> list[TaskRecord]:
        rows = self.tree.selectionModel().selectedRows(0)
        return [r for index in rows if (r := index.data(tc.TaskRole)) is not None]

    def select_task(self, task_id: str) -> bool:
        index = self.model.index_of(task_id)
        if self.tree.model() is self.proxy:
            index = self.proxy.mapFromSource(index)
        if not index.isValid():
            return False
        if index.parent().isValid():
            self.tree.expand(index.parent())
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        return True

    @Slot(QModelIndex, QModelIndex)
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(current.data(tc.TaskRole) if current.isValid() else None)

    def _show(self, record: TaskRecord | None) -> None:
        children: dict[str, int] | None = None
        if record is not None:
            index = self.model.index_of(record.id)
            counts: Counter[TaskState] = Counter()
            for row in range(self.model.rowCount(index)):
                child = self.model.index(row, 0, index).data(tc.TaskRole)
                if child is not None:
                    counts[child.state] += 1
            children = {str(state): count for state, count in counts.items()} or None
        self.detail.show_task(record, children)

    @Slot(object)
    def _records_updated(self, records: list[TaskRecord]) -> None:
        shown = self.detail.task_id
        if shown and any(r.id == shown or r.parent_id == shown for r in records):
            self._show(self.model.record(shown))

    # -- actions --------------------------------------------------------------------------------------
    def _context_menu(self, pos: QPoint) -> None:
        records = self.selected_records()
        if not records:
            return
        self.cancel_action.setEnabled(any(not r.state.is_final for r in records))
        self.cancel_action.setText(cancel_label(self.app, records))
        self.retry_action.setEnabled(any(r.state in (TaskState.FAILURE, TaskState.REVOKED) for r in records))
        self.copy_error_action.setEnabled(any(r.error for r in records))
        menu = QMenu(self)
        menu.addActions([self.cancel_action, self.retry_action])
        menu.addSeparator()
        menu.addActions([self.copy_error_action, self.copy_id_action])
        menu.popup(self.tree.viewport().mapToGlobal(pos))

    @Slot()
    def cancel_selected(self) -> None:
        for record in self.selected_records():
            if record.state.is_final:
                continue
            text = cancel_message(self.app, record)  # before the cancel: says whose task it is
            try:
                self.app.cancel_task(record.id)
            except NotFoundError:
                continue
            self.message.emit(text)

    @Slot()
    def retry_selected(self) -> list[str]:
        new_ids = []
        for record in self.selected_records():
            if record.state not in (TaskState.FAILURE, TaskState.REVOKED):
                continue
            new_ids.append(self.app.retry_task(record.id))
            self.message.emit(self.tr("Queued {task} again").format(task=tc.name_in_sentence(record.name)))
        return new_ids

    @Slot()
    def copy_error(self) -> None:
        errors = [
            f"{r.id}: {r.error}\n{r.traceback or ''}".strip() for r in self.selected_records() if r.error
        ]
        if errors:
            QGuiApplication.clipboard().setText("\n\n".join(errors))

    def stop(self) -> None:
        self._clock.stop()

    @Slot()
    def copy_id(self) -> None:
        QGuiApplication.clipboard().setText("\n".join(r.id for r in self.selected_records()))
