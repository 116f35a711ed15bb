"""The status bar's activity indicator: how many tasks are at work and how far the current burst has got.

It replaces a task table that took half the window: a click on it opens the table.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QToolButton, QWidget

from pricewatch.models import TaskState

_ACTIVE = (TaskState.PENDING, TaskState.STARTED, TaskState.RETRY)
_FINAL = (TaskState.SUCCESS, TaskState.FAILURE, TaskState.REVOKED)


class ActivityIndicator(QWidget):
    """A button ("2 running · 1 queued") and a small progress bar over the tasks since the work began.

    Progress counts tasks, not bytes: of the tasks that were at work or were added since the indicator was
    last idle, the share that has finished.

    Signals:
        clicked(): the user wants to see the task table.
    """

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityIndicator")
        self.button = QToolButton(self)
        self.button.setObjectName("activityButton")
        self.button.setAutoRaise(True)
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.button.clicked.connect(self.clicked)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("activityProgress")
        self.bar.setFixedWidth(90)
        self.bar.setMaximumHeight(12)
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 100)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(4)
        layout.addWidget(self.button)
        layout.addWidget(self.bar)
        self._finished_at_start: int | None = None  # finished tasks when this burst of work began
        self.active = 0
        self.progress = 100
        self.set_counts(Counter())

    @Slot(object)
    def set_counts(self, counts: Counter[TaskState]) -> None:
        running = counts.get(TaskState.STARTED, 0)
        self.active = sum(counts.get(state, 0) for state in _ACTIVE)
        finished = sum(counts.get(state, 0) for state in _FINAL)
        if not self.active:
            self._finished_at_start = None
            self.progress = 100
            self.button.setText(self.tr("No tasks running"))
            self.button.setToolTip(self.tr("Show the tasks PriceWatch ran (Ctrl+T)"))
            self.bar.hide()
            return
        if self._finished_at_start is None or finished < self._finished_at_start:
            self._finished_at_start = finished  # a new burst of work (or older tasks were pruned)
        done = finished - self._finished_at_start
        self.progress = round(100 * done / (done + self.active))
        waiting = self.active - running
        self.button.setText(
            self.tr("{running} running · {waiting} queued").format(running=running, waiting=waiting)
        )
        self.button.setToolTip(
            self.tr(
                "{running} running, {waiting} waiting; {done} finished since this work began.\n"
                "Click to show the tasks (Ctrl+T)"
            ).format(running=running, waiting=waiting, done=done)
        )
        self.bar.setValue(self.progress)
        self.bar.show()
