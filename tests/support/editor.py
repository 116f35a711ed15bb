"""The facade and shop pages the editor and product-window tests use (real engine, real local server)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

from pricewatch.app import PriceWatch
from tests.support.app import open_pricewatch


@contextlib.contextmanager
def started_facade(executor: str = "threads") -> Iterator[PriceWatch]:
    """A facade with its task engine running (no scheduler), politeness and backoff shrunk for tests."""
    app = open_pricewatch(executor=executor)
    app.settings.fetch.per_host_delay = 0.0
    app.settings.fetch.per_host_concurrency = 8
    app.settings.tasks.retry_base_delay = 3600.0  # a retry waits: tests look at the waiting state
    try:
        app.start(scheduler=False)
        yield app
    finally:
        app.close()


def sku_page(title: str, price: str, sku: str, currency: str = "EUR") -> str:
    """A product page whose JSON-LD names the item's SKU."""
    data = {"@context": "https://schema.org", "@type": "Product", "name": title, "sku": sku,
            "offers": {"@type": "Offer", "price": price, "priceCurrency": currency,
                       "availability": "https://schema.org/InStock"}}  # fmt: skip
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title>"
        f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
        f"<body><h1>{title}</h1></body></html>"
    )


# No structured data and three prices of about the same weight: the extraction is unsure and shows them.
UNSURE_PAGE = (
    "<!doctype html><html lang='en'><head><title>Garden chair</title></head><body><h1>Garden chair</h1>"
    "<div class=a><span>Chair</span> <b>49,90 €</b></div>"
    "<div class=b><span>Cushion</span> <b>12,90 €</b></div>"
    "<div class=c>Table 129,00 €</div></body></html>"
)
