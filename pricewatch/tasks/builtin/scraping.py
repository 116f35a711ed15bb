"""Scrape tasks: one URL (fetch, extract, and store when the URL is a tracked product) and a batch of URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pricewatch.models import utcnow
from pricewatch.scraping.urls import validate_url
from pricewatch.tasks.builtin.price_tracking import has_reading, outcome_json, store_extraction, submit_alerts
from pricewatch.tasks.registry import task

if TYPE_CHECKING:
    from pricewatch.tasks.context import TaskContext


@task("scraping.scrape_product", queue="scraping")
def scrape_product(
    ctx: TaskContext, url: str, selector: str | None = None, offer_key: str | None = None
) -> dict[str, Any]:
    """Fetch and extract one page; the result is the extraction (a page without a price says why).

    When the URL is a tracked product and the extraction used the product's own selector and offer, the
    reading is stored like a check (history row only on change) and its alert rules are evaluated.
    """
    url = validate_url(url)
    app = ctx.app
    product = app.products.get_by_url(url)
    ctx.raise_if_cancelled()
    fetched = app.fetcher.fetch(
        url, respect_robots=not (product is not None and product.ignore_robots), cancel=ctx.cancel_event
    )
    ctx.raise_if_cancelled()
    own_settings = product is not None and selector in (None, product.css_selector) and offer_key in (
        None, product.offer_key
    )  # fmt: skip
    if product is not None:
        selector = selector or product.css_selector
        offer_key = offer_key or product.offer_key
    extraction = app.extractor.extract(
        fetched.html or "", fetched.final_url, selector=selector, encoding=fetched.encoding,
        cancel=ctx.cancel_event,
    )  # fmt: skip
    extraction = extraction.pick(offer_key)
    result: dict[str, Any] = extraction.to_json()
    result.update(
        url=url,
        final_url=fetched.final_url,
        status=fetched.status,
        from_cache=fetched.from_cache,
        product_id=product.id if product is not None else None,
        stored=False,
    )
    if product is not None and own_settings and has_reading(extraction):
        outcome = store_extraction(app, product, extraction, fetched, utcnow())
        result.update(stored=True, check=outcome_json(outcome), notifications=submit_alerts(ctx, outcome))
    return result


@task("scraping.scrape_batch", queue="default")
def scrape_batch(ctx: TaskContext, urls: list[str]) -> dict[str, Any]:
    """One ``scraping.scrape_product`` child per URL; the engine rolls the children up into progress."""
    valid = [validate_url(u) for u in urls]  # all or nothing: a bad URL fails the batch before any fetch
    for url in valid:
        ctx.raise_if_cancelled()
        ctx.submit("scraping.scrape_product", url=url)
    return {"urls": len(valid)}
