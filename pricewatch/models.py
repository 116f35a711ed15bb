"""Dataclasses and enums shared by every layer.

Money is always :class:`~decimal.Decimal`, currencies are ISO 4217 codes, and every datetime is timezone-aware
UTC. Nothing here imports Qt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


def utcnow() -> datetime:
    """The current time as an aware UTC datetime (the only clock the core layers use)."""
    return datetime.now(UTC)


# The end of a snooze that lasts until the product's price changes (for those that compare ends).
UNTIL_PRICE_CHANGES = datetime.max.replace(tzinfo=UTC)


class Availability(enum.StrEnum):
    """schema.org ItemAvailability values PriceWatch distinguishes."""

    IN_STOCK = "InStock"
    OUT_OF_STOCK = "OutOfStock"
    PRE_ORDER = "PreOrder"
    BACK_ORDER = "BackOrder"
    UNKNOWN = "Unknown"

    @property
    def buyable(self) -> bool:
        """Whether a shopper can order the product now (pre- and back-orders count)."""
        return self in (Availability.IN_STOCK, Availability.PRE_ORDER, Availability.BACK_ORDER)


class TaskState(enum.StrEnum):
    """Task states, with Celery's names so existing scripts keep working."""

    PENDING = "PENDING"
    STARTED = "STARTED"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    RETRY = "RETRY"
    REVOKED = "REVOKED"

    @property
    def is_final(self) -> bool:
        return self in FINAL_TASK_STATES


FINAL_TASK_STATES = frozenset({TaskState.SUCCESS, TaskState.FAILURE, TaskState.REVOKED})
UNFINISHED_TASK_STATES = frozenset({TaskState.PENDING, TaskState.STARTED, TaskState.RETRY})


class NotificationState(enum.StrEnum):
    PENDING = "PENDING"
    HELD = "HELD"  # waiting for quiet hours to end, delivered later in a digest
    SENT = "SENT"
    FAILED = "FAILED"  # a channel could not deliver it (the error says why)
    # Not sent on purpose: the user's own daily cap per product held it back. Not a failure: never retried,
    # never in a "failed" count or filter; ``error`` carries the reason shown to the user.
    SUPPRESSED = "SUPPRESSED"


class AlertKind(enum.StrEnum):
    """The kinds of alert rule a product can carry."""

    TARGET_PRICE = "target_price"  # price at or below ``amount``
    DROP_PERCENT = "drop_percent"  # drop of at least ``percent`` since the last check or from the window high
    DROP_AMOUNT = "drop_amount"  # drop of at least ``amount`` since the last check or from the window high
    ANY_DROP = "any_drop"
    PRICE_INCREASE = "price_increase"
    BACK_IN_STOCK = "back_in_stock"
    OUT_OF_STOCK = "out_of_stock"
    LOWEST_IN_DAYS = "lowest_in_days"  # the price is the lowest of the last ``window_days`` (30) days
    CHEAPEST_BELOW = (
        "cheapest_below"  # the cheapest listing of all shops at or below ``amount`` (home currency)
    )


class AlertState(enum.StrEnum):
    ARMED = "armed"
    FIRED = "fired"


@dataclass(slots=True)
class Product:
    """A tracked product page and what the last check found on it."""

    url: str
    id: int | None = None
    title: str | None = None
    shop: str | None = None
    currency: str | None = None
    price: Decimal | None = None
    previous_price: Decimal | None = None
    lowest_price: Decimal | None = None
    highest_price: Decimal | None = None
    availability: Availability = Availability.UNKNOWN
    target_price: Decimal | None = None
    image_url: str | None = None
    css_selector: str | None = None
    offer_key: str | None = None  # the offer/variant the user picked on a multi-offer page
    offer_name: str | None = None  # that offer's name on the page, to show which one is tracked
    fetch_mode: str = "auto"  # auto (plain, the browser when needed), plain or browser
    notes: str | None = None  # the user's own words about the product
    sku: str | None = None  # the page's identifier of the item (SKU, GTIN): the same item under two addresses
    check_interval_minutes: int = 60
    ignore_robots: bool = False
    paused: bool = False
    etag: str | None = None
    last_modified: str | None = None
    last_error: str | None = None  # the raw message (CLI, API, log)
    last_error_kind: str | None = None  # its kind ("http_4xx", "no_price"), for a sentence in the window
    last_error_status: int | None = None  # the shop's HTTP status with it, if any
    created_at: datetime = field(default_factory=utcnow)
    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None
    snoozed_until: datetime | None = None  # its notifications are held back until then
    list_price: Decimal | None = None  # the struck-through "was" price the page showed at the last check
    quantity: str | None = None  # how much it holds ("6 x 1.5 L"), from the page or the user; see units
    snooze_until_change: bool = False  # ... or until its price changes again


@dataclass(slots=True, frozen=True)
class PriceObservation:
    """A change of price or availability seen at ``observed_at`` (rows exist only for changes)."""

    product_id: int
    observed_at: datetime
    price: Decimal | None
    currency: str | None
    availability: Availability
    id: int | None = None
    unsure: bool = False  # the extraction was not confident: shown as such, and it fires no alert alone
    list_price: Decimal | None = None  # the struck-through "was" price the page showed with it


@dataclass(slots=True)
class AlertRule:
    """One rule of a product; ``state`` is the rule's place in the armed -> fired -> re-armed machine."""

    product_id: int
    kind: AlertKind
    id: int | None = None
    amount: Decimal | None = None
    percent: Decimal | None = None
    window_days: int | None = None  # for drops: measure from the highest price in the last N days
    enabled: bool = True
    state: AlertState = AlertState.ARMED
    last_fired_at: datetime | None = None
    snoozed_until: datetime | None = None  # it notifies nothing until then (its state still moves on)
    snooze_until_change: bool = False  # ... or until the product's price changes again


@dataclass(slots=True)
class TaskRecord:
    """The persisted journal row of one task."""

    id: str
    name: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    state: TaskState = TaskState.PENDING
    queue: str = "default"
    priority: int = 0
    parent_id: str | None = None
    unique_key: str | None = None
    retries: int = 0
    max_retries: int = 3
    result: Any = None
    error: str | None = None
    # What front ends read instead of parsing ``error``: the fault's kind (a ScrapeError's ``kind``, else the
    # exception's class name), the shop's HTTP status and the wait it asked for.
    error_kind: str | None = None
    error_status: int | None = None
    error_retry_after: float | None = None
    traceback: str | None = None
    progress_current: int = 0
    progress_total: int = 0
    progress_message: str = ""
    queued_at: datetime = field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    eta: datetime | None = None  # the next try time while in RETRY
    worker: str | None = None  # the Celery worker that read the page (None: the engine's own process)

    @property
    def progress_percent(self) -> float:
        if self.progress_total <= 0:
            return 100.0 if self.state is TaskState.SUCCESS else 0.0
        return round(100.0 * self.progress_current / self.progress_total, 1)


@dataclass(slots=True)
class NotificationRecord:
    """A notification and what happened when it was sent."""

    title: str
    message: str
    id: int | None = None
    product_id: int | None = None
    channels: list[str] = field(default_factory=list)
    state: NotificationState = NotificationState.PENDING
    error: str | None = None
    attempts: int = 0
    data: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utcnow)
    sent_at: datetime | None = None
