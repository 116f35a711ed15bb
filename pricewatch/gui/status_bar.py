"""The status bar: messages on the left; product count, tasks, next check and API address on the right.

The count is a permanent widget: in the temporary message slot it hid messages ("Imported 12 products…") and
vanished itself when the next message timed out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from pricewatch.app import PriceWatch
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import TaskState

SCHEDULE_REFRESH_MS = 30_000


class StatusBar(QStatusBar):
    def __init__(self, app: PriceWatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.products_label = QLabel(self)
        self.products_label.setObjectName("productsStatus")
        self.tasks_label = QLabel(self)
        self.tasks_label.setObjectName("tasksStatus")
        self.schedule_label = QLabel(self)
        self.schedule_label.setObjectName("scheduleStatus")
        self.api_label = QLabel(self)
        self.api_label.setObjectName("apiStatus")
        self.api_label.setTextInteractionFlags(self.api_label.textInteractionFlags().TextSelectableByMouse)
        for label in (self.products_label, self.tasks_label, self.schedule_label, self.api_label):
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        self.restart_button: QPushButton | None = None  # once a newer PriceWatch upgraded the database
        self._timer = QTimer(self, interval=SCHEDULE_REFRESH_MS)
        self._timer.timeout.connect(self.refresh_schedule)
        self._timer.start()
        self.set_counts(Counter())
        self.refresh_schedule()

    def set_product_count(self, total: int, shown: int) -> None:
        noun = "product" if total == 1 else "products"
        self.products_label.setText(f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}")

    @Slot(object)
    def set_counts(self, counts: Counter[TaskState]) -> None:
        running = counts.get(TaskState.STARTED, 0)
        queued = counts.get(TaskState.PENDING, 0) + counts.get(TaskState.RETRY, 0)
        if running or queued:
            self.tasks_label.setText(f"{running} running · {queued} queued")
        else:
            self.tasks_label.setText("No tasks running")

    @Slot()
    def refresh_schedule(self) -> None:
        """Next scheduled check and the API address (cheap reads of in-memory state)."""
        if self.restart_button is not None:
            self.schedule_label.setText("Scheduled checks stopped")
        elif self.app.settings.schedule.paused:
            self.schedule_label.setText("Scheduled checks paused")
        else:
            upcoming: list[datetime] = [
                job["next_run_at"] for job in self.app.scheduled_jobs()
                if job.get("next_run_at") and "check" in str(job.get("id", "")) + str(job.get("task", ""))
            ]  # fmt: skip
            when = fmt.local_time(min(upcoming)) if upcoming else "not scheduled"
            self.schedule_label.setText(f"Next check: {when}")
        # A scheduled run that could not start stays in sight (until a run starts again), not only in the log.
        failure = self.app.scheduler.failure()
        if failure:
            self.schedule_label.setText(f"⚠ {self.schedule_label.text()} · last run failed")
        self.schedule_label.setToolTip(fmt.plain_tooltip(failure) or "")
        self.schedule_label.setStyleSheet("color: #bf8700" if failure else "")
        url = self.app.api_url
        self.api_label.setText(f"API: {url}" if url else "")
        self.api_label.setVisible(bool(url))

    def show_restart_needed(self, restart: Callable[[], None]) -> QPushButton:
        """A lasting "updated — Restart" button (messages time out or get replaced; this must not)."""
        if self.restart_button is None:
            self.restart_button = QPushButton("PriceWatch was updated — Restart", self)
            self.restart_button.setObjectName("restartNotice")
            self.restart_button.setToolTip(
                "A newer PriceWatch upgraded the database; this window can no longer save anything"
            )
            self.restart_button.clicked.connect(restart)
            self.insertPermanentWidget(0, self.restart_button)
        self.refresh_schedule()
        return self.restart_button

    def stop(self) -> None:
        self._timer.stop()
        self.clearMessage()  # ends the message timeout's timer too
