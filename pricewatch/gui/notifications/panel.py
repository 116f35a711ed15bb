"""The notifications tab: the log of what PriceWatch told the user, and a button to test the channels."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pricewatch.app import PriceWatch
from pricewatch.gui.notifications.model import STATE_TEXT, WIDTHS, NotificationModel, shown_state, state_text
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import NotificationRecord, NotificationState, TaskRecord
from pricewatch.translation import in_sentence

LIMIT = 500
RELOAD_DELAY_MS = 300  # many notification tasks finishing together cause one read


def summary_text(records: list[NotificationRecord]) -> str:
    """The counts line, like "12 notifications: 9 delivered, 2 held by daily cap" (held back: no failure)."""
    if not records:
        return QCoreApplication.translate("NotificationsPanel", "No notifications yet")
    counts = Counter(shown_state(r) for r in records)
    parts = [
        QCoreApplication.translate("NotificationsPanel", "{count} delivered").format(
            count=counts[NotificationState.SENT]
        )
    ]
    parts += [
        f"{counts[state]} {in_sentence(state_text(state), STATE_TEXT[state])}"
        for state in (NotificationState.FAILED, NotificationState.HELD, NotificationState.SUPPRESSED)
        if counts[state]
    ]
    return QCoreApplication.translate("NotificationsPanel", "{count} notifications: {parts}").format(
        count=len(records), parts=", ".join(parts)
    )


class NotificationsPanel(QWidget):
    """Signals:
    loaded(): the log was (re)read.
    """

    loaded = Signal()

    def __init__(self, app: PriceWatch, work: BackgroundWork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.work = work
        self.model = NotificationModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("notificationsTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # may quote a channel's error
        self.test_button = QPushButton(self.tr("Send a Test Notification"), self)
        self.test_button.clicked.connect(self.send_test)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.test_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._reload_timer = QTimer(self, singleShot=True, interval=RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.reload)
        self._stopped = False

    @Slot()
    def reload(self) -> None:
        app = self.app
        self.work.submit(lambda: app.list_notifications(limit=LIMIT), self._loaded)

    def _loaded(self, records: list[NotificationRecord]) -> None:
        self.model.set_records(records)
        self.summary.setText(summary_text(records))
        self.loaded.emit()

    @Slot(object)
    def on_task_records(self, records: list[TaskRecord]) -> None:
        """Notification tasks changed: read the log again (once for a burst)."""
        if not self._stopped and any(
            r.name.startswith("notifications.") and r.state.is_final for r in records
        ):
            self._reload_timer.start()

    @Slot()
    def send_test(self) -> None:
        app = self.app
        self.test_button.setEnabled(False)
        # sending may wait on D-Bus or an Apprise server: never on the GUI thread
        self.work.submit(app.send_test_notification, self._test_sent, self._test_failed)

    def _test_sent(self, _record: NotificationRecord) -> None:
        self.test_button.setEnabled(True)
        self.reload()

    def _test_failed(self, error: str) -> None:
        self.test_button.setEnabled(True)
        self.summary.setText(self.tr("The test failed: {error}").format(error=error))

    def stop(self) -> None:
        self._stopped = True
        self._reload_timer.stop()
