"""What a task is doing, in words a person uses: "Checking 'Kettle' · 2 min ago".

The task table's first column and the status bar's activity indicator read from here; task ids, internal
names and queues stay in the detail pane.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import TaskRecord

SUBJECT_SHOWN = 60  # characters of a product title or address in a label
# task name -> (what it does to one thing, what it does without one); {} is the thing, quoted
_VERBS = {
    "price_tracking.check_product_price": ("Checking {}", "Checking a product"),
    "price_tracking.check_prices": ("Checking {}", "Checking prices"),
    "scraping.scrape_batch": ("Looking up {}", "Looking up pages"),
    "maintenance.cleanup_old_data": ("Cleaning up old data", "Cleaning up old data"),
    "maintenance.clear_old_cache": ("Clearing old cached pages", "Clearing old cached pages"),
    "notifications.send": ("Notifying: {}", "Sending a notification"),
    "notifications.send_batch": ("Sending notifications", "Sending notifications"),
    "notifications.flush_held": ("Sending notifications held in quiet hours", "Sending held notifications"),
    "images.fetch_thumbnail": ("Fetching the picture of {}", "Fetching a picture"),
}


def _quoted(subject: str) -> str:
    """A product's title in quotes; counts ("12 products") and addresses as they are."""
    if not subject or subject[0].isdigit() or subject in ("all products", "due products"):
        return subject
    return f"'{fmt.clean_text(subject, SUBJECT_SHOWN)}'"


def activity(record: TaskRecord, subject: Callable[[TaskRecord], str]) -> str:
    """What ``record`` does, for which product or page ("Checking 'Kettle'")."""
    about = subject(record)
    if record.name == "scraping.scrape_product":
        preview = (record.kwargs or {}).get("store") is False
        verb = "Looking up {}" if preview else "Reading {}"
        return verb.format(_quoted(about)) if about else verb.format("a page")
    if record.name == "price_tracking.check_prices" and about in ("all products", "due products"):
        return "Checking every product" if about == "all products" else "Checking the products that are due"
    with_subject, without = _VERBS.get(record.name, ("{}", record.name))
    if "{}" not in with_subject:
        return with_subject
    return with_subject.format(_quoted(about)) if about else without


def last_moment(record: TaskRecord) -> datetime:
    """When the task last did something: finished, started, or was queued."""
    return record.finished_at or record.started_at or record.queued_at


def label(record: TaskRecord, subject: Callable[[TaskRecord], str], now: datetime | None = None) -> str:
    """The task table's first column: "Checking 'Kettle' · 2 min ago"."""
    return f"{activity(record, subject)} · {fmt.relative(last_moment(record), now)}"
