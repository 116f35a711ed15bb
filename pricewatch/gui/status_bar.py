"""The status bar: messages on the left; product count, background work, next check and API address on the
right. The next check is the earliest the product rows show (both read the scheduler's check plan).

The count is a permanent widget: in the temporary message slot it hid messages ("Imported 12 products…") and
vanished itself when the next message timed out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from pricewatch.app import PriceWatch
from pricewatch.gui.tasks.indicator import ActivityIndicator
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import TaskState

SCHEDULE_REFRESH_MS = 30_000
SOON_MS = 5_000


class StatusBar(QStatusBar):
    def __init__(self, app: PriceWatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.products_label = QLabel(self)
        self.products_label.setObjectName("productsStatus")
        self.activity = ActivityIndicator(self)
        self.tasks_label = self.activity.button  # "2 running · 1 queued"; a click shows the task table
        self.schedule_label = QLabel(self)
        self.schedule_label.setObjectName("scheduleStatus")
        self.workers_label = QLabel(self)
        self.workers_label.setObjectName("workersStatus")
        self.workers_label.setVisible(False)
        self.api_label = QLabel(self)
        self.api_label.setObjectName("apiStatus")
        self.api_label.setTextInteractionFlags(self.api_label.textInteractionFlags().TextSelectableByMouse)
        # The earliest next check of the products (the window sets it: see NextCheckColumn.earliest).
        self.next_check: Callable[[], datetime | str | None] = lambda: None
        labels = (self.products_label, self.activity, self.schedule_label, self.workers_label, self.api_label)
        for label in labels:
            label.setContentsMargins(8, 0, 8, 0)
            self.addPermanentWidget(label)
        self.restart_button: QPushButton | None = None  # once a newer PriceWatch upgraded the database
        self._timer = QTimer(self, interval=SCHEDULE_REFRESH_MS)
        self._timer.timeout.connect(self.refresh_schedule)
        self._timer.start()
        # Products a check refreshed may move the next check: one look every few seconds, not per batch.
        self._soon = QTimer(self, singleShot=True, interval=SOON_MS)
        self._soon.timeout.connect(self.refresh_schedule)
        self.set_counts(Counter())
        self.refresh_schedule()

    def set_product_count(self, total: int, shown: int) -> None:
        if shown == total:
            text = self.tr("1 product") if total == 1 else self.tr("{total} products")
        else:
            text = self.tr("{shown} of 1 product") if total == 1 else self.tr("{shown} of {total} products")
        self.products_label.setText(text.format(shown=shown, total=total))

    @Slot(object)
    def set_counts(self, counts: Counter[TaskState]) -> None:
        self.activity.set_counts(counts)

    @Slot()
    def refresh_schedule(self) -> None:
        """Next scheduled check and the API address (cheap reads of in-memory state)."""
        exact = ""
        if self.restart_button is not None:
            self.schedule_label.setText(self.tr("Scheduled checks stopped"))
        elif self.app.settings.schedule.paused:
            self.schedule_label.setText(self.tr("Scheduled checks paused"))
        else:
            when = self.next_check()
            if isinstance(when, datetime):
                self.schedule_label.setText(self.tr("Next check {when}").format(when=fmt.relative(when)))
                exact = self.tr("Next check: {time}").format(time=fmt.local_time(when))
            else:
                reason = fmt.schedule_reason(when) if when else self.tr("none due")
                self.schedule_label.setText(self.tr("Next check: {reason}").format(reason=reason))
        # A scheduled run that could not start stays in sight (until a run starts again), not only in the log.
        failure = self.app.scheduler.failure()
        if failure:
            self.schedule_label.setText(
                self.tr("⚠ {schedule} · last run failed").format(schedule=self.schedule_label.text())
            )
        self.schedule_label.setToolTip(fmt.plain_tooltip(failure) or exact)
        self.schedule_label.setStyleSheet("color: #bf8700" if failure else "")
        url = self.app.api_url
        self.api_label.setText(f"API: {url}" if url else "")
        self.api_label.setVisible(bool(url))
        self.refresh_workers()

    def refresh_workers(self) -> None:
        """With executor = "celery": whether checks read on the workers or, and why, here (in memory)."""
        celery = self.app.executor_status().get("celery")
        self.workers_label.setVisible(celery is not None)
        if celery is None:
            return
        state, reason = celery.get("state"), fmt.clean_text(celery.get("reason") or "")
        if state == "workers":
            text = self.tr("Checks on workers")
        elif state == "local":
            text = self.tr("Checks here, not on workers")
        else:
            text = self.tr("Connecting to the workers")
        self.workers_label.setText(text)
        self.workers_label.setToolTip(reason or text)
        self.workers_label.setStyleSheet("color: #bf8700" if state == "local" else "")

    @Slot()
    def refresh_schedule_soon(self) -> None:
        if not self._soon.isActive():
            self._soon.start()

    def show_restart_needed(self, restart: Callable[[], None]) -> QPushButton:
        """A lasting "updated — Restart" button (messages time out or get replaced; this must not)."""
        if self.restart_button is None:
            self.restart_button = QPushButton(self.tr("PriceWatch was updated — Restart"), self)
            self.restart_button.setObjectName("restartNotice")
            self.restart_button.setToolTip(
                self.tr("A newer PriceWatch upgraded the database; this window can no longer save anything")
            )
            self.restart_button.clicked.connect(restart)
            self.insertPermanentWidget(0, self.restart_button)
        self.refresh_schedule()
        return self.restart_button

    def stop(self) -> None:
        self._timer.stop()
        self._soon.stop()
        self.clearMessage()  # ends the message timeout's timer too
