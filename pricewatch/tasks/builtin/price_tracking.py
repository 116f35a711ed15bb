"""Price checks: one product (fetch, extract, store, alerts) and a batch of due products.

Both tasks are safe to repeat after a crash: storing a check is one transaction that only writes a history row
when price or availability changed, and the batch re-submits children with their unique keys.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pricewatch.errors import CancelledError, NoPriceError
from pricewatch.models import Availability, Product, utcnow
from pricewatch.tasks.builtin.images import wants_thumbnail
from pricewatch.tasks.errors import TaskCancelled
from pricewatch.tasks.registry import task
from pricewatch.tasks.runner import error_facts
from pricewatch.text import clean_line

if TYPE_CHECKING:
    from pricewatch.scraping.extract import Extraction
    from pricewatch.scraping.fetch import FetchResult
    from pricewatch.storage import CheckOutcome
    from pricewatch.tasks.context import TaskContext
    from pricewatch.tasks.services import TaskServices

log = logging.getLogger(__name__)

# The hourly job also checks products due within this margin, so a product checked a little after the hour
# is not pushed to the hour after next. A product due well after the slot (07:47, after a "check now" at
# 06:47) waits for the next slot (08:00): a check is never earlier than its interval asks, less this margin,
# which is what "every 60 minutes" promises. The window shows that real time (scheduling.CheckPlan).
DUE_GRACE = timedelta(minutes=5)


def due_grace(every_minutes: int) -> timedelta:
    """The margin for a check run that comes every ``every_minutes``: never more than the gap between runs."""
    return min(DUE_GRACE, timedelta(minutes=max(1, every_minutes)))


ERROR_MAX_CHARS = 300
TITLE_MAX_CHARS = 300
QUANTITY_MAX_CHARS = 100


def next_check_time(services: TaskServices, product: Product, now: datetime) -> datetime:
    """Now plus the product's interval, minus a little jitter (at most 10 % of the interval)."""
    interval = timedelta(minutes=max(1, product.check_interval_minutes))
    jitter = min(float(services.settings.schedule.check_jitter_seconds), interval.total_seconds() / 10)
    return now + interval - timedelta(seconds=random.uniform(0, max(0.0, jitter)))


def has_reading(extraction: Extraction) -> bool:
    """A page without a price still tells something when it says the product is out of stock."""
    return extraction.price is not None or extraction.availability is not Availability.UNKNOWN


def store_extraction(
    services: TaskServices, product: Product, extraction: Extraction, fetched: FetchResult, now: datetime
) -> CheckOutcome:
    """Record one successful check of ``product`` (one transaction; a history row only on change)."""
    assert product.id is not None
    fields: dict[str, Any] = {"etag": fetched.etag, "last_modified": fetched.last_modified}
    if extraction.title and not product.title:  # never overwrite a title the user typed or kept
        fields["title"] = clean_line(extraction.title, TITLE_MAX_CHARS)
    if extraction.image_url:
        fields["image_url"] = extraction.image_url[:2000]
    if extraction.quantity and not product.quantity:  # never overwrite a quantity the user set
        fields["quantity"] = clean_line(extraction.quantity, QUANTITY_MAX_CHARS)
    return services.observations.record_check(
        product.id,
        checked_at=now,
        price=extraction.price,
        currency=extraction.currency,
        availability=extraction.availability,
        next_check_at=next_check_time(services, product, now),
        unsure=extraction.unsure,
        list_price=extraction.list_price,
        **fields,
    )


def store_and_alert(
    ctx: TaskContext, store: Callable[[], CheckOutcome], *, product_id: int, unsure: bool = False
) -> tuple[CheckOutcome, list[str]]:
    """Store a reading, update its rules' states and queue the notifications they fire, in one commit.

    Apart, a crash after the reading's commit would lose the alert for good: the run again after the crash
    sees the stored price, no change, nothing to fire. Together, the run again stores and fires it once.

    An ``unsure`` reading (the extractor was not confident) is stored, marked, and fires nothing alone: the
    next reading confirms it or not. A sure one, or the same unsure reading again (a page that says it
    consistently), is compared with the last sure reading, so a change it confirms notifies then, and a
    misread that the next check corrects never does.
    """
    services = ctx.services
    with services.db.transaction():
        ctx.raise_if_superseded()  # under the write lock: a run another engine took over writes nothing
        baseline = services.observations.sure_baseline(product_id)
        outcome = store()
        if unsure and (outcome.changed or baseline is None or not baseline.unsure_since):
            return outcome, []  # a first unsure reading of this price: wait for the next one
        if unsure:  # the same unsure reading twice in a row: the page says it consistently
            services.observations.confirm_latest(product_id)
        if baseline is not None and baseline.unsure_since:
            outcome = replace(
                outcome,
                previous_price=baseline.price,
                previous_availability=baseline.availability,
                changed=(outcome.price, outcome.availability) != (baseline.price, baseline.availability),
            )
        return outcome, submit_alerts(ctx, outcome)


def submit_alerts(ctx: TaskContext, outcome: CheckOutcome) -> list[str]:
    """Evaluate the product's alert rules (when the alerts part is present) and queue each notification."""
    evaluate = getattr(ctx.services, "evaluate_alerts", None)
    if evaluate is None:
        return []
    return [ctx.submit("notifications.send", **payload) for payload in evaluate(outcome)]


def submit_thumbnail(ctx: TaskContext, product_id: int | None) -> str | None:
    """Queue the image fetch when the product now has an image_url whose thumbnail is not stored yet."""
    product = ctx.services.products.get(int(product_id or 0))
    if product is None or not wants_thumbnail(ctx.services, product):
        return None
    key = f"thumb:product:{product.id}"
    return ctx.submit("images.fetch_thumbnail", product_id=product.id, unique_key=key)


def outcome_json(outcome: CheckOutcome) -> dict[str, Any]:
    def money(value: Any) -> str | None:
        return None if value is None else str(value)

    return {
        "changed": outcome.changed,
        "first_check": outcome.first_check,
        "price": money(outcome.price),
        "previous_price": money(outcome.previous_price),
        "currency": outcome.currency,
        "availability": str(outcome.availability),
        "previous_availability": str(outcome.previous_availability),
    }


def record_failure(services: TaskServices, product: Product, exc: BaseException) -> None:
    """Remember why a check failed (shown in the UI) and when to try again."""
    assert product.id is not None
    message = clean_line(str(exc) or type(exc).__name__)
    facts = error_facts(exc)
    try:
        services.products.set_fields(
            product.id,
            last_error=message,
            last_error_kind=facts["error_kind"],
            last_error_status=facts["error_status"],
            next_check_at=next_check_time(services, product, utcnow()),
        )
    except Exception:  # the product may have been removed meanwhile; the task's own error still shows
        log.exception("could not record the failure of product %s", product.id)


def read_page(
    ctx: TaskContext, product: Product, conditional: bool
) -> tuple[Extraction | None, FetchResult, dict[str, object]]:
    """Fetch and extract the product's page in its fetch mode; the extraction is None after a 304.

    Returns the extraction, the page, and which fetcher ran (for the task's result). A first check may take
    the add dialog's preview from the cache instead of asking the shop again.
    """
    services = ctx.services
    cached = services.fetcher.cached(product.url) if product.last_checked_at is None else None
    if cached is not None and cached.html is not None:
        extraction = services.extractor.extract(
            cached.html, cached.final_url, selector=product.css_selector, encoding=cached.encoding,
            cancel=ctx.cancel_event,
        )  # fmt: skip
        return extraction, cached, {"fetcher": "plain", "tried": ["plain"], "browser_reason": None}
    # A check asks the shop (conditionally) and leaves the cache alone, so checking a thousand products
    # does not keep a thousand pages in memory.
    # With executor = "celery" the read may happen on a worker; the row then names it.
    try:
        moded = services.modes.fetch(
            product.url,
            product.fetch_mode,
            selector=product.css_selector,
            etag=product.etag if conditional else None,
            last_modified=product.last_modified if conditional else None,
            respect_robots=not product.ignore_robots,
            cancel=ctx.cancel_event,
            use_cache=False,
            aside=ctx.off_queue,
        )
    except Exception as exc:
        ctx.ran_on(getattr(exc, "worker", None) or "")
        raise
    ctx.ran_on(moded.worker or "")
    return moded.extraction, moded.result, moded.info()


@task("price_tracking.check_product_price", queue="scraping", follow_ups=True)
def check_product_price(ctx: TaskContext, product_id: int) -> dict[str, Any]:
    """Check one product: conditional fetch, extract, store, then queue the notifications its rules fire."""
    services = ctx.services
    product = services.products.get(int(product_id))
    if product is None:  # removed after the check was queued: nothing to do, nothing failed
        return {"product_id": product_id, "skipped": "the product no longer exists"}
    # Validators only help once a price is known; the first check may reuse a preview's cached page.
    conditional = product.price is not None or product.availability is not Availability.UNKNOWN
    now = utcnow()
    try:
        ctx.raise_if_cancelled()
        extraction, fetched, fetcher = read_page(ctx, product, conditional)
        ctx.raise_if_cancelled()
        reason = None
        if extraction is None:  # 304: the page did not change
            assert product.id is not None
            outcome, notifications = store_and_alert(
                ctx,
                lambda: services.observations.record_check(
                    product.id or 0,
                    checked_at=now,
                    price=product.price,
                    currency=product.currency,
                    availability=product.availability,
                    next_check_at=next_check_time(services, product, now),
                    list_price=product.list_price,  # the page did not change: nor did its was-price
                    etag=fetched.etag or product.etag,
                    last_modified=fetched.last_modified or product.last_modified,
                ),
                product_id=product.id or 0,
            )
        else:
            assert extraction is not None
            extraction = extraction.pick(product.offer_key)
            if not has_reading(extraction):
                raise NoPriceError(f"no price found on the page: {extraction.reason or 'unknown reason'}")
            reason = extraction.reason
            outcome, notifications = store_and_alert(
                ctx,
                lambda: store_extraction(services, product, extraction, fetched, now),
                product_id=product.id or 0,
                unsure=extraction.unsure,
            )
    except (TaskCancelled, CancelledError):
        raise
    except Exception as exc:
        if not ctx.cancelled:  # a fault caused by cancel or shutdown is not the product's error
            record_failure(services, product, exc)
        raise
    thumbnail = submit_thumbnail(ctx, product.id)
    return {
        "product_id": product.id,
        "url": product.url,
        "final_url": fetched.final_url,
        "status": fetched.status,
        "not_modified": fetched.not_modified,
        "from_cache": fetched.from_cache,
        "reason": reason,
        **fetcher,
        "unsure": bool(extraction is not None and extraction.unsure),
        **outcome_json(outcome),
        "notifications": notifications,
        "thumbnail_task": thumbnail,
    }


@task("price_tracking.check_prices", queue="default")
def check_prices(
    ctx: TaskContext, force: bool = False, product_ids: list[int] | None = None
) -> dict[str, Any]:
    """Queue a check of every due product (all active ones with ``force``, or the listed ones)."""
    services = ctx.services
    missing: list[int] = []
    if product_ids is not None:
        # Listed explicitly: checked even when paused, like a single "check now".
        ids: list[int] = []
        for raw in product_ids:
            pid = int(raw)
            (ids if services.products.get(pid) is not None else missing).append(pid)
    elif force:
        ids = [p.id for p in services.list_products() if not p.paused and p.id is not None]
    else:
        due = services.products.due(utcnow() + due_grace(services.settings.schedule.check_every_minutes))
        ids = [p.id for p in due if p.id is not None]
    for pid in ids:
        ctx.raise_if_cancelled()
        ctx.submit("price_tracking.check_product_price", product_id=pid, unique_key=f"check:product:{pid}")
    return {"products": len(ids), "product_ids": ids, "missing": missing}
