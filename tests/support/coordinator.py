"""A PriceWatch that sends its checks to Celery workers, and a shop of products for it to check."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

from pricewatch.app import PriceWatch
from pricewatch.models import TaskRecord, TaskState
from tests.support.app import open_pricewatch
from tests.support.pageserver import PageServer


def shop_page(price: str, title: str = "Espresso Machine") -> str:
    return f"""<!doctype html><html lang="en"><head><title>{title} | Shop</title>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "Product", "name": "{title}",
  "offers": {{"@type": "Offer", "price": "{price}", "priceCurrency": "EUR",
             "availability": "https://schema.org/InStock"}}}}
</script></head><body><h1>{title}</h1></body></html>"""


def celery_app(
    broker: str,
    result_backend: str,
    *,
    per_host_concurrency: int = 8,
    pickup_seconds: float = 3.0,
    in_flight: int = 16,
    deadline: float = 5.0,
    save: bool = False,
) -> PriceWatch:
    """A coordinator (``executor = "celery"``) with test-sized limits; ``save`` writes the settings file so
    other processes (``pricewatch status``) see them."""
    app = open_pricewatch(executor="celery")
    s = app.settings
    s.tasks.executor = "celery"
    s.tasks.broker_url = broker
    s.tasks.result_backend = result_backend
    s.tasks.celery_pickup_seconds = pickup_seconds
    s.tasks.celery_in_flight = in_flight
    s.tasks.extract_in_processes = False
    s.tasks.retry_base_delay = 0.05
    s.tasks.retry_max_delay = 0.2
    s.fetch.per_host_delay = 0.0
    s.fetch.per_host_concurrency = per_host_concurrency
    s.fetch.deadline = deadline
    s.fetch.thumbnails = False
    s.notify.desktop = False
    s.notify.tray = False
    if save:
        app.save_settings()
    return app


def add_products(
    app: PriceWatch, server: PageServer, count: int, price: str = "10.00", *, delay: float = 0.0,
    target: str | None = None, prefix: str = "/item",
) -> list[int]:  # fmt: skip
    """``count`` products on ``server`` (``<prefix><i>``), each page answering after ``delay``."""
    ids = []
    for i in range(count):
        url = server.add(f"{prefix}{i}", shop_page(price, f"Item {i}"), delay=delay)
        ids.append(app.add_product(url, target_price=target).id or 0)
    return ids


def reprice(server: PageServer, count: int, price: str, *, delay: float = 0.0, prefix: str = "/item") -> None:
    for i in range(count):
        server.add(f"{prefix}{i}", shop_page(price, f"Item {i}"), delay=delay)


def run_batch(app: PriceWatch, ids: list[int], timeout: float = 90.0) -> tuple[TaskRecord, list[TaskRecord]]:
    """Check ``ids`` as one batch; returns the batch's record and its children's."""
    batch = app.check_prices(product_ids=ids)
    record = app.wait_for_task(batch, timeout=timeout)
    assert record.state.is_final, f"the batch did not finish in {timeout} s: {record}"
    return record, app.task_children(batch)


def wait_until(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


def finished_children(app: PriceWatch, batch_id: str) -> int:
    return sum(1 for c in app.task_children(batch_id) if c.state is TaskState.SUCCESS)


def history_counts(app: PriceWatch, ids: list[int]) -> dict[int, list[Decimal | None]]:
    return {pid: [o.price for o in app.history(pid)] for pid in ids}
