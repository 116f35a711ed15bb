"""Columns of the task table: what each cell shows, its colour, and the roles the views and filters use."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor

from pricewatch.gui.tasks import activity
from pricewatch.gui.tasks.activity import ALL_PRODUCTS, DUE_PRODUCTS
from pricewatch.gui.tasks.rolled_up import returned_value
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import TaskRecord, TaskState
from pricewatch.text import clean_line
from pricewatch.translation import QT_TRANSLATE_NOOP, in_sentence

(COL_ACTIVITY, COL_NAME, COL_SUBJECT, COL_QUEUE, COL_STATE, COL_PROGRESS, COL_RETRIES, COL_QUEUED,
 COL_STARTED, COL_FINISHED, COL_DURATION, COL_RESULT) = range(12)  # fmt: skip
HEADERS = (
    QT_TRANSLATE_NOOP("TaskColumns", "Activity"),
    QT_TRANSLATE_NOOP("TaskColumns", "Task"),
    QT_TRANSLATE_NOOP("TaskColumns", "Product or URL"),
    QT_TRANSLATE_NOOP("TaskColumns", "Queue"),
    QT_TRANSLATE_NOOP("TaskColumns", "State"),
    QT_TRANSLATE_NOOP("TaskColumns", "Progress"),
    QT_TRANSLATE_NOOP("TaskColumns", "Retries"),
    QT_TRANSLATE_NOOP("TaskColumns", "Queued"),
    QT_TRANSLATE_NOOP("TaskColumns", "Started"),
    QT_TRANSLATE_NOOP("TaskColumns", "Finished"),
    QT_TRANSLATE_NOOP("TaskColumns", "Duration"),
    QT_TRANSLATE_NOOP("TaskColumns", "Result or error"),
)
COLUMN_COUNT = len(HEADERS)
WIDTHS = (380, 190, 260, 90, 110, 130, 60, 135, 135, 135, 75, 320)
# What a person reads: the activity line ("Checking 'Kettle' · 2 min ago"), its state, progress and result.
# The rest (the queue among them) stays available in the detail pane; ids only there.
HIDDEN_BY_DEFAULT = (COL_NAME, COL_SUBJECT, COL_QUEUE, COL_RETRIES, COL_QUEUED, COL_STARTED, COL_FINISHED)

TaskRole = Qt.ItemDataRole.UserRole + 1
TaskIdRole = Qt.ItemDataRole.UserRole + 2
StateRole = Qt.ItemDataRole.UserRole + 3  # the TaskState value as text, for filters
ProgressRole = Qt.ItemDataRole.UserRole + 4  # (current, total, message)

STATE_TEXT = {
    TaskState.PENDING: QT_TRANSLATE_NOOP("TaskColumns", "Queued"),
    TaskState.STARTED: QT_TRANSLATE_NOOP("TaskColumns", "Running"),
    TaskState.SUCCESS: QT_TRANSLATE_NOOP("TaskColumns", "Done"),
    TaskState.FAILURE: QT_TRANSLATE_NOOP("TaskColumns", "Failed"),
    TaskState.RETRY: QT_TRANSLATE_NOOP("TaskColumns", "Retrying"),
    TaskState.REVOKED: QT_TRANSLATE_NOOP("TaskColumns", "Cancelled"),
}
STATE_COLOURS = {
    TaskState.PENDING: QColor(110, 119, 129), TaskState.STARTED: QColor(9, 105, 218),
    TaskState.SUCCESS: QColor(26, 127, 55), TaskState.FAILURE: QColor(207, 34, 46),
    TaskState.RETRY: QColor(191, 135, 0), TaskState.REVOKED: QColor(130, 80, 223),
}  # fmt: skip
PARTLY_FAILED_COLOUR = QColor(191, 135, 0)  # amber: finished, but not everything worked
_NAMES = {
    "scraping.scrape_product": QT_TRANSLATE_NOOP("TaskColumns", "Look up page"),
    "scraping.scrape_batch": QT_TRANSLATE_NOOP("TaskColumns", "Look up pages"),
    "price_tracking.check_prices": QT_TRANSLATE_NOOP("TaskColumns", "Check prices"),
    "price_tracking.check_product_price": QT_TRANSLATE_NOOP("TaskColumns", "Check price"),
    "maintenance.cleanup_old_data": QT_TRANSLATE_NOOP("TaskColumns", "Clean up old data"),
    "maintenance.clear_old_cache": QT_TRANSLATE_NOOP("TaskColumns", "Clear old cache"),
    "notifications.send": QT_TRANSLATE_NOOP("TaskColumns", "Send notification"),
    "notifications.send_batch": QT_TRANSLATE_NOOP("TaskColumns", "Send notifications"),
    "notifications.flush_held": QT_TRANSLATE_NOOP("TaskColumns", "Send held notifications"),
    "images.fetch_thumbnail": QT_TRANSLATE_NOOP("TaskColumns", "Fetch picture"),
}


def short_id(task_id: str) -> str:
    """The distinguishing end of an id (ids of one run share their first half)."""
    return task_id[-8:]


_SUBJECTS = {
    ALL_PRODUCTS: QT_TRANSLATE_NOOP("TaskColumns", "all products"),
    DUE_PRODUCTS: QT_TRANSLATE_NOOP("TaskColumns", "due products"),
}
_COUNTED = {
    "page": (QT_TRANSLATE_NOOP("TaskColumns", "1 page"), QT_TRANSLATE_NOOP("TaskColumns", "{count} pages")),
    "product": (
        QT_TRANSLATE_NOOP("TaskColumns", "1 product"),
        QT_TRANSLATE_NOOP("TaskColumns", "{count} products"),
    ),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskColumns", text)


def friendly_name(name: str) -> str:
    return _tr(_NAMES[name]) if name in _NAMES else name


def name_in_sentence(name: str) -> str:
    """ "check prices" in "Queued check prices again" (German keeps its capitals: "Preise prüfen")."""
    return in_sentence(friendly_name(name), _NAMES.get(name, name))


def state_word(state: TaskState) -> str:
    """ "Queued", "Running", ... in the window's language."""
    return _tr(STATE_TEXT[state]) if state in STATE_TEXT else str(state)


def shown_subject(subject: str) -> str:
    """A subject as the table shows it: "all products" and "due products" in the window's language."""
    return _tr(_SUBJECTS[subject]) if subject in _SUBJECTS else subject


def record_name(record: TaskRecord) -> str:
    """The name of this task: a scrape that may store a reading is told apart from the dialog's preview."""
    if record.name == "scraping.scrape_product":
        if (record.kwargs or {}).get("store") is False:
            return QCoreApplication.translate("TaskColumns", "Look up page (preview)")
        return QCoreApplication.translate("TaskColumns", "Scrape page")
    return friendly_name(record.name)


def default_subject(record: TaskRecord) -> str:
    kwargs = record.kwargs or {}
    if "url" in kwargs:
        return fmt.clean_text(str(kwargs["url"]), 200)
    if "product_id" in kwargs:
        return QCoreApplication.translate("TaskColumns", "product {id}").format(id=kwargs["product_id"])
    if "title" in kwargs:
        return fmt.clean_text(str(kwargs["title"]), 120)
    if "urls" in kwargs and isinstance(kwargs["urls"], list):
        return plural(len(kwargs["urls"]), "page")
    if kwargs.get("product_ids"):
        return plural(len(kwargs["product_ids"]), "product")
    if record.name == "price_tracking.check_prices":
        return _checked_products(record)
    return ""


def _checked_products(record: TaskRecord) -> str:
    """A check of all (or all due) products: their count once the batch has queued them."""
    if record.progress_total:
        return plural(record.progress_total, "product")
    value = returned_value(record.result)
    if isinstance(value, dict) and isinstance(value.get("products"), int):
        return plural(value["products"], "product")
    return ALL_PRODUCTS if (record.kwargs or {}).get("force") else DUE_PRODUCTS


def plural(count: int, noun: str) -> str:
    """ "1 product", "2 products" ("page" or "product"), in the window's language."""
    one, many = _COUNTED[noun]
    return _tr(one) if count == 1 else _tr(many).format(count=count)


def failed_children(record: TaskRecord) -> int:
    """How many children of a finished batch failed (a batch succeeds unless every child failed)."""
    result = record.result
    if (
        record.state is TaskState.SUCCESS
        and isinstance(result, dict)
        and isinstance(result.get("failed"), int)
    ):
        return int(result["failed"])
    return 0


def state_text(record: TaskRecord) -> str:
    failed = failed_children(record)
    if failed:
        # like the CLI's "5 of 7 checks failed", not a plain green "Done"
        return QCoreApplication.translate("TaskColumns", "Done, {count} failed").format(count=failed)
    return state_word(record.state)


def state_colour(record: TaskRecord) -> QColor | None:
    return PARTLY_FAILED_COLOUR if failed_children(record) else STATE_COLOURS.get(record.state)


def follow_up_note(record: TaskRecord, children: Iterable[TaskRecord | None]) -> str:
    """What failed after a finished check (its picture), which leaves the check itself Done; else ""."""
    if record.name != "price_tracking.check_product_price" or record.state is not TaskState.SUCCESS:
        return ""
    failed = (c for c in children if c is not None and c.state is TaskState.FAILURE)
    return (
        QCoreApplication.translate("TaskColumns", "picture could not be fetched")
        if any(c.name == "images.fetch_thumbnail" for c in failed)
        else ""
    )


def duration_seconds(record: TaskRecord) -> float | None:
    if record.started_at is None or record.finished_at is None:
        return None
    return (record.finished_at - record.started_at).total_seconds()


def result_text(record: TaskRecord) -> str:
    if record.state is TaskState.FAILURE or (record.error and record.state is not TaskState.SUCCESS):
        return fmt.clean_text(record.error, 200)
    if record.state is TaskState.RETRY and record.eta is not None:
        return QCoreApplication.translate("TaskColumns", "next try {when}: {error}").format(
            when=fmt.relative(record.eta), error=fmt.clean_text(record.error, 150)
        )
    if record.state is TaskState.STARTED and record.progress_message:
        return fmt.clean_text(record.progress_message, 200)
    result = returned_value(record.result)  # an old journal row may hold a roll-up; its value is the result
    if result is None:
        return ""
    if isinstance(result, dict):
        if result.get("price") is not None:
            try:
                price = fmt.money(Decimal(str(result["price"])), result.get("currency"))
            except ArithmeticError:
                price = fmt.clean_text(str(result["price"]), 30)
            return fmt.clean_text(f"{result.get('title') or ''}  {price}".strip())
        if set(result) == {"products"} and isinstance(result["products"], int):
            return QCoreApplication.translate("TaskColumns", "{products} checked").format(
                products=plural(result["products"], "product")
            )
        shown = {k: v for k, v in result.items() if not isinstance(v, list | dict)}
        return fmt.clean_text(json.dumps(shown, ensure_ascii=False, default=str), 200)
    return fmt.clean_text(str(result), 200)


def header_data(section: int, role: int) -> Any:
    if role == Qt.ItemDataRole.DisplayRole:
        return _tr(HEADERS[section])
    return None


def cell_data(
    record: TaskRecord, column: int, role: int, subject: Callable[[TaskRecord], str], note: str = ""
) -> Any:
    """``note`` is the :func:`follow_up_note` of the record (shown with its result and as a tooltip)."""
    if role == Qt.ItemDataRole.DisplayRole:
        if note and column == COL_RESULT:
            return "; ".join(t for t in (result_text(record), note.capitalize()) if t)
        return _display(record, column, subject)
    if role == TaskRole:
        return record
    if role == TaskIdRole:
        return record.id
    if role == StateRole:
        return str(record.state)
    if role == ProgressRole:
        return (record.progress_current, record.progress_total, record.progress_message)
    if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATE:
        return state_colour(record)
    if role == Qt.ItemDataRole.ForegroundRole and column == COL_RESULT and record.state is TaskState.FAILURE:
        return STATE_COLOURS[TaskState.FAILURE]
    if role == Qt.ItemDataRole.ToolTipRole:
        if note and column in (COL_STATE, COL_RESULT):
            return f"{state_text(record)} ({note})"
        if column == COL_RESULT and record.error:
            return fmt.plain_tooltip(fmt.clean_text(record.error, 1000))
        if column == COL_ACTIVITY:
            return fmt.plain_tooltip(
                activity.activity(record, subject)
                + "\n"
                + fmt.local_time(activity.last_moment(record), seconds=True)
            )
        if column == COL_NAME:
            return record.name
    if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_RETRIES, COL_DURATION):
        return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return None


def _display(record: TaskRecord, column: int, subject: Callable[[TaskRecord], str]) -> str:
    if column == COL_ACTIVITY:
        on = QCoreApplication.translate("TaskColumns", "on {worker}")
        worker = " · " + on.format(worker=clean_line(record.worker, 60)) if record.worker else ""
        return activity.label(record, subject) + worker
    if column == COL_NAME:
        return record_name(record)
    if column == COL_SUBJECT:
        return shown_subject(subject(record))
    if column == COL_QUEUE:
        return record.queue
    if column == COL_STATE:
        return state_text(record)
    if column == COL_PROGRESS:
        if record.progress_total:
            return f"{record.progress_current}/{record.progress_total}"
        return ""
    if column == COL_RETRIES:
        return str(record.retries) if record.retries else ""
    if column == COL_QUEUED:
        return fmt.local_time(record.queued_at, seconds=True)
    if column == COL_STARTED:
        return fmt.local_time(record.started_at, seconds=True) if record.started_at else ""
    if column == COL_FINISHED:
        return fmt.local_time(record.finished_at, seconds=True) if record.finished_at else ""
    if column == COL_DURATION:
        return fmt.duration(duration_seconds(record))
    if column == COL_RESULT:
        return result_text(record)
    return ""
