"""Price checks without waiting: a facade with politeness and backoff shrunk, and the page the checks read.

``product_page`` here takes the price first and can be out of stock (the check tests vary both); the one in
:mod:`tests.support.pages` takes the title first and can list several offers.
"""

from __future__ import annotations

from pricewatch.app import PriceWatch
from pricewatch.models import TaskRecord
from tests.support.app import open_pricewatch


def product_page(price: str | None, *, availability: str = "InStock", title: str = "Espresso Machine") -> str:
    offer = f'"price": "{price}", ' if price is not None else ""
    stock = "<p>Sorry, this item is out of stock.</p>" if availability == "OutOfStock" else ""
    return f"""<!doctype html><html lang="en"><head><title>{title} | Shop</title>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "Product", "name": "{title}",
  "image": "https://shop.example/img/1.jpg",
  "offers": {{"@type": "Offer", {offer}"priceCurrency": "EUR",
             "availability": "https://schema.org/{availability}"}}}}
</script></head><body><h1>{title}</h1>{stock}</body></html>"""


def fast_app(executor: str = "sync") -> PriceWatch:
    """A facade with politeness delays and retry backoff shrunk for tests (settings in memory only)."""
    app = open_pricewatch(executor=executor)
    app.settings.fetch.per_host_delay = 0.0
    app.settings.fetch.per_host_concurrency = 8
    app.settings.tasks.retry_base_delay = 0.01
    app.settings.tasks.retry_max_delay = 0.05
    return app


def run(app: PriceWatch, task_id: str) -> TaskRecord:
    record = app.wait_for_task(task_id, timeout=30)
    assert record.state.is_final, record
    return record
