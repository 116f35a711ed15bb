"""What a task is doing, in words a person uses: "Checking 'Kettle' · 2 min ago".

The task table's first column and the status bar's activity indicator read from here; task ids, internal
names and queues stay in the detail pane.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import TaskRecord
from pricewatch.translation import QT_TRANSLATE_NOOP

# The subjects of a check of every product, or of the due ones, before the batch has counted them.
ALL_PRODUCTS, DUE_PRODUCTS = "all products", "due products"
SUBJECT_SHOWN = 60  # characters of a product title or address in a label
# task name -> (what it does to one thing, what it does without one); {} is the thing, quoted
_VERBS = {
    "price_tracking.check_product_price": (
        QT_TRANSLATE_NOOP("TaskActivity", "Checking {}"),
        QT_TRANSLATE_NOOP("TaskActivity", "Checking a product"),
    ),
    "price_tracking.check_prices": (
        QT_TRANSLATE_NOOP("TaskActivity", "Checking {}"),
        QT_TRANSLATE_NOOP("TaskActivity", "Checking prices"),
    ),
    "scraping.scrape_batch": (
        QT_TRANSLATE_NOOP("TaskActivity", "Looking up {}"),
        QT_TRANSLATE_NOOP("TaskActivity", "Looking up pages"),
    ),
    "maintenance.cleanup_old_data": (
        QT_TRANSLATE_NOOP("TaskActivity", "Cleaning up old data"),
        QT_TRANSLATE_NOOP("TaskActivity", "Cleaning up old data"),
    ),
    "maintenance.clear_old_cache": (
        QT_TRANSLATE_NOOP("TaskActivity", "Clearing old cached pages"),
        QT_TRANSLATE_NOOP("TaskActivity", "Clearing old cached pages"),
    ),
    "notifications.send": (
        QT_TRANSLATE_NOOP("TaskActivity", "Notifying: {}"),
        QT_TRANSLATE_NOOP("TaskActivity", "Sending a notification"),
    ),
    "notifications.send_batch": (
        QT_TRANSLATE_NOOP("TaskActivity", "Sending notifications"),
        QT_TRANSLATE_NOOP("TaskActivity", "Sending notifications"),
    ),
    "notifications.flush_held": (
        QT_TRANSLATE_NOOP("TaskActivity", "Sending notifications held in quiet hours"),
        QT_TRANSLATE_NOOP("TaskActivity", "Sending held notifications"),
    ),
    "images.fetch_thumbnail": (
        QT_TRANSLATE_NOOP("TaskActivity", "Fetching the picture of {}"),
        QT_TRANSLATE_NOOP("TaskActivity", "Fetching a picture"),
    ),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskActivity", text)


def _quoted(subject: str) -> str:
    """A product's title in quotes; counts ("12 products") and addresses as they are."""
    if not subject or subject[0].isdigit() or subject in (ALL_PRODUCTS, DUE_PRODUCTS):
        return subject
    return f"'{fmt.clean_text(subject, SUBJECT_SHOWN)}'"


def activity(record: TaskRecord, subject: Callable[[TaskRecord], str]) -> str:
    """What ``record`` does, for which product or page ("Checking 'Kettle'")."""
    about = subject(record)
    if record.name == "scraping.scrape_product":
        preview = (record.kwargs or {}).get("store") is False
        verb = (
            QCoreApplication.translate("TaskActivity", "Looking up {}")
            if preview
            else QCoreApplication.translate("TaskActivity", "Reading {}")
        )
        return (
            verb.format(_quoted(about))
            if about
            else verb.format(QCoreApplication.translate("TaskActivity", "a page"))
        )
    if record.name == "price_tracking.check_prices" and about in (ALL_PRODUCTS, DUE_PRODUCTS):
        if about == ALL_PRODUCTS:
            return QCoreApplication.translate("TaskActivity", "Checking every product")
        return QCoreApplication.translate("TaskActivity", "Checking the products that are due")
    if record.name not in _VERBS:
        return record.name
    with_subject, without = (_tr(text) for text in _VERBS[record.name])
    if "{}" not in with_subject:
        return with_subject
    return with_subject.format(_quoted(about)) if about else without


def last_moment(record: TaskRecord) -> datetime:
    """When the task last did something: finished, started, or was queued."""
    return record.finished_at or record.started_at or record.queued_at


def label(record: TaskRecord, subject: Callable[[TaskRecord], str], now: datetime | None = None) -> str:
    """The task table's first column: "Checking 'Kettle' · 2 min ago"."""
    return f"{activity(record, subject)} · {fmt.relative(last_moment(record), now)}"
