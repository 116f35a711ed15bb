"""The notification log as a table: when, what, for which product, through which channels, and how it went."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from pricewatch.gui.tasks.columns import STATE_COLOURS
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.list_model import ListTableModel
from pricewatch.models import UNTIL_PRICE_CHANGES, NotificationRecord, NotificationState, TaskState
from pricewatch.storage.codec import time_from_json
from pricewatch.translation import QT_TRANSLATE_NOOP

COL_WHEN, COL_TITLE, COL_MESSAGE, COL_CHANNELS, COL_STATE = range(5)
_HEADERS = (
    QT_TRANSLATE_NOOP("NotificationModel", "When"),
    QT_TRANSLATE_NOOP("NotificationModel", "Title"),
    QT_TRANSLATE_NOOP("NotificationModel", "Message"),
    QT_TRANSLATE_NOOP("NotificationModel", "Sent through"),
    QT_TRANSLATE_NOOP("NotificationModel", "State"),
)
WIDTHS = (140, 240, 420, 140, 120)
SUPPRESSED_COLOUR = QColor(128, 128, 128)  # neutral grey: the user's own limit at work, nothing went wrong
_STATE_COLOURS = {
    NotificationState.SENT: STATE_COLOURS[TaskState.SUCCESS],
    NotificationState.FAILED: STATE_COLOURS[TaskState.FAILURE],
    NotificationState.HELD: STATE_COLOURS[TaskState.RETRY],
    NotificationState.PENDING: STATE_COLOURS[TaskState.PENDING],
    NotificationState.SUPPRESSED: SUPPRESSED_COLOUR,
}
STATE_TEXT = {
    NotificationState.SENT: QT_TRANSLATE_NOOP("NotificationModel", "Sent"),
    NotificationState.FAILED: QT_TRANSLATE_NOOP("NotificationModel", "Failed"),
    NotificationState.HELD: QT_TRANSLATE_NOOP("NotificationModel", "Held (quiet hours)"),
    NotificationState.PENDING: QT_TRANSLATE_NOOP("NotificationModel", "Pending"),
    NotificationState.SUPPRESSED: QT_TRANSLATE_NOOP("NotificationModel", "Held back"),
}


def held_back_text(record: NotificationRecord) -> str:
    """A suppressed notification's state in a row: what held it back."""
    if record.data.get("snoozed") is True:
        return QCoreApplication.translate("NotificationModel", "Snoozed")
    return QCoreApplication.translate("NotificationModel", "Held by daily cap")


# why a snooze held a notification back: (a rule's snooze?, until the price changes?) -> sentence
_SNOOZE_REASONS = {
    (True, True): QT_TRANSLATE_NOOP(
        "NotificationModel", "The alert rule is snoozed until the price changes."
    ),
    (True, False): QT_TRANSLATE_NOOP("NotificationModel", "The alert rule is snoozed until {time}."),
    (False, True): QT_TRANSLATE_NOOP("NotificationModel", "The product is snoozed until its price changes."),
    (False, False): QT_TRANSLATE_NOOP("NotificationModel", "The product is snoozed until {time}."),
}


def held_back_reason(record: NotificationRecord) -> str:
    """Why a suppressed notification was not sent, in the window's language (the stored reason is English)."""
    until = time_from_json(record.data.get("snoozed_until"))
    if record.data.get("snoozed") is True and until is not None:
        forever = until == UNTIL_PRICE_CHANGES
        text = _SNOOZE_REASONS[("snoozed_rule" in record.data, forever)]
        said = QCoreApplication.translate("NotificationModel", text)
        return said if forever else said.format(time=fmt.local_time(until))
    if record.data.get("capped") is True:
        return QCoreApplication.translate(
            "NotificationModel", "Held by the daily cap of notifications for this product."
        )
    return fmt.clean_text(record.error, 600)  # a row written before the reasons had their facts


def shown_state(record: NotificationRecord) -> NotificationState:
    """The state to show: a FAILED row with the daily cap's mark was held back by the cap, not a failure.

    (Migration 6 moved such rows to SUPPRESSED, but a PriceWatch process started before it kept writing them
    as FAILED into the migrated file: the first capped notification then showed as a red "Failed".)
    """
    if record.state is NotificationState.FAILED and record.data.get("capped") is True:
        return NotificationState.SUPPRESSED
    return record.state


def state_text(state: NotificationState) -> str:
    """The state in words ("Held (quiet hours)"), in the window's language."""
    return (
        QCoreApplication.translate("NotificationModel", STATE_TEXT[state])
        if state in STATE_TEXT
        else str(state)
    )


class NotificationModel(ListTableModel[NotificationRecord]):
    """Newest first; replaced as a whole by ``set_records`` (the log is short and read on a pool thread)."""

    HEADERS = _HEADERS
    HEADER_CONTEXT = "NotificationModel"

    def set_records(self, records: list[NotificationRecord]) -> None:
        self._replace_rows(records)

    def record_at(self, row: int) -> NotificationRecord:
        return self._rows[row]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = index.column()
        state = shown_state(record)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_WHEN:
                return fmt.local_time(record.created_at, seconds=True)
            if column == COL_TITLE:
                return fmt.clean_text(record.title, 120)  # notification text comes from scraped pages
            if column == COL_MESSAGE:
                return fmt.clean_text(record.message, 300)
            if column == COL_CHANNELS:
                return ", ".join(record.channels)
            if state is NotificationState.SUPPRESSED:
                return held_back_text(record)
            return state_text(state)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATE:
            return _STATE_COLOURS.get(state)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_STATE and state is NotificationState.SUPPRESSED:
                return fmt.plain_tooltip(held_back_reason(record))
            if column == COL_STATE and record.error:
                return fmt.plain_tooltip(fmt.clean_text(record.error, 600))
            if column == COL_MESSAGE:
                return fmt.plain_tooltip(fmt.clean_text(record.message, 1000))
        return None
