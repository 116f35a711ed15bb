"""Scrape tasks: one URL (fetch, extract, store a fresh reading of a tracked product) and a batch of URLs."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pricewatch.models import utcnow
from pricewatch.tasks.builtin.price_tracking import (
    has_reading,
    outcome_json,
    store_and_alert,
    store_extraction,
)
from pricewatch.tasks.registry import task
from pricewatch.urls import validate_url

if TYPE_CHECKING:
    from pricewatch.models import Product
    from pricewatch.scraping.fetch import FetchResult
    from pricewatch.tasks.context import TaskContext
    from pricewatch.tasks.services import TaskServices


@task("scraping.scrape_product", queue="scraping", follow_ups=True)
def scrape_product(
    ctx: TaskContext,
    url: str,
    selector: str | None = None,
    offer_key: str | None = None,
    store: bool = True,
) -> dict[str, Any]:
    """Fetch and extract one page; the result is the extraction (a page without a price says why).

    A tracked page is always fetched fresh (never the page cache): the result then shows the page as it is
    now, not a copy older than the product's last check. With ``store`` (the API's and the command line's
    scrape) that fresh reading is real data: when it used the product's own selector and offer and the
    product was not checked again meanwhile, it is stored like a check (history row only on change) and its
    alert rules are evaluated. The window's add/edit look-up passes ``store=False``: a preview that opening
    and cancelling a dialog must leave no trace of; saving queues a real check instead.
    """
    url = validate_url(url)
    services = ctx.services
    product = services.products.get_by_url(url)
    ctx.raise_if_cancelled()
    fetch_started = utcnow()
    own_settings = product is not None and selector in (None, product.css_selector) and offer_key in (
        None, product.offer_key
    )  # fmt: skip
    if product is not None:
        selector = selector or product.css_selector
        offer_key = offer_key or product.offer_key
    moded = services.modes.fetch(
        url,
        product.fetch_mode if product is not None else "auto",
        selector=selector,
        respect_robots=not (product is not None and product.ignore_robots),
        cancel=ctx.cancel_event,
        use_cache=product is None,  # an untracked page's preview is cached for the first check after Add
    )
    ctx.raise_if_cancelled()
    fetched = moded.result
    assert moded.extraction is not None  # no validators were sent: never a 304
    extraction = moded.extraction
    extraction = extraction.pick(offer_key)
    result: dict[str, Any] = extraction.to_json()
    result.update(
        url=url,
        final_url=fetched.final_url,
        status=fetched.status,
        from_cache=fetched.from_cache,
        product_id=product.id if product is not None else None,
        stored=False,
        **moded.info(),
    )
    if store and product is not None and own_settings and has_reading(extraction):
        current = _newer_than_page(services, product, fetched, fetch_started)
        if current is not None:
            outcome, notifications = store_and_alert(
                ctx,
                lambda: store_extraction(services, current, extraction, fetched, utcnow()),
                product_id=current.id or 0,
                unsure=extraction.unsure,
            )
            result.update(stored=True, check=outcome_json(outcome), notifications=notifications)
    return result


def _newer_than_page(
    services: TaskServices, product: Product, fetched: FetchResult, fetch_started: datetime
) -> Product | None:
    """The product as stored now, when the page fetched at ``fetch_started`` is newer than its last reading.

    None for a cached page (it may be older than the last check) and when a check finished after this fetch
    began: storing the page then would put an old price after a newer one, a false drop or rise.
    """
    if fetched.from_cache or fetched.not_modified or product.id is None:
        return None
    current = services.products.get(product.id)
    if current is None:
        return None
    if current.last_checked_at is not None and current.last_checked_at >= fetch_started:
        return None
    return current


@task("scraping.scrape_batch", queue="default")
def scrape_batch(ctx: TaskContext, urls: list[str]) -> dict[str, Any]:
    """One ``scraping.scrape_product`` child per URL; the engine rolls the children up into progress."""
    valid = [validate_url(u) for u in urls]  # all or nothing: a bad URL fails the batch before any fetch
    for url in valid:
        ctx.raise_if_cancelled()
        ctx.submit("scraping.scrape_product", url=url)
    return {"urls": len(valid)}
