"""The facade's fetching and cache section, against the real page server."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from pricewatch.app import PriceWatch
from pricewatch.errors import CancelledError, InvalidURLError, PermanentError
from pricewatch.scraping.fetch import FetchResult
from tests.support.app import open_pricewatch
from tests.support.pageserver import PageServer

PRODUCT = """<!doctype html><html lang="en"><head><title>Kettle</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",
 "name": "Steel Kettle",
 "offers": {"@type": "Offer", "price": "19.99", "priceCurrency": "EUR",
 "availability": "https://schema.org/InStock"}}</script></head>
<body><h1>Steel Kettle</h1><p class="price">19,99 €</p></body></html>"""

NO_PRICE = "<html><head><title>About us</title></head><body><p>We sell kettles.</p></body></html>"


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    app = open_pricewatch()
    app.settings.fetch.per_host_delay = 0  # politeness has its own tests; keep these quick
    try:
        yield app
    finally:
        app.close()


def test_preview_fetches_and_extracts_without_storing(app: PriceWatch, page_server: PageServer) -> None:
    url = page_server.add("/kettle", PRODUCT)
    extraction = app.preview(url)
    assert extraction.price == Decimal("19.99") and extraction.currency == "EUR"
    assert extraction.title and "Kettle" in extraction.title
    assert app.list_products() == []
    assert page_server.headers("/kettle")["user-agent"].startswith("PriceWatch/")


def test_preview_without_a_price_returns_the_reason(app: PriceWatch, page_server: PageServer) -> None:
    url = page_server.add("/about", NO_PRICE)
    extraction = app.preview(url)
    assert extraction.price is None and extraction.reason


def test_preview_with_a_selector(app: PriceWatch, page_server: PageServer) -> None:
    page = "<html><body><span class='a'>5,00 €</span><span id='real'>7,50 €</span></body></html>"
    url = page_server.add("/sel", page)
    extraction = app.preview(url, selector="#real")
    assert extraction.price == Decimal("7.50")


def test_preview_raises_fetch_faults(app: PriceWatch, page_server: PageServer) -> None:
    with pytest.raises(InvalidURLError):
        app.preview("file:///etc/passwd")
    url = page_server.add("/gone", "gone", status=404)
    with pytest.raises(PermanentError):
        app.preview(url)


def test_cache_functions(app: PriceWatch, page_server: PageServer) -> None:
    url = page_server.add("/kettle", PRODUCT)
    app.preview(url)
    app.preview(url)
    assert page_server.hits("/kettle") == 1  # the second preview came from the cache
    key = f"fetch:{url}"
    assert [e.key for e in app.cache_entries()] == [key]
    cached = app.cache_get(key)
    assert isinstance(cached, FetchResult) and cached.html == PRODUCT
    assert app.cache_stats()["entries"] == 1
    assert app.cache_delete(key) is True and app.cache_delete(key) is False
    app.preview(url)
    app.cache.set("task:1", {"ok": True})
    assert app.cache_clear("fetch:") == 1
    assert [e.key for e in app.cache_entries()] == ["task:1"]
    assert app.cache_clear() == 1


def test_cache_size_and_ttl_come_from_settings(app: PriceWatch) -> None:
    app.settings.cache.max_entries = 7
    app.settings.cache.ttl_seconds = 42
    app.settings.cache.max_mb = 0.5
    stats = app.cache_stats()
    assert (stats["max_entries"], stats["ttl_seconds"], stats["max_bytes"]) == (7, 42.0, 500_000)


def test_cache_byte_budget_defaults_to_32_mb_and_reads_from_toml() -> None:
    from pricewatch.config import Settings, settings_from_dict

    assert Settings().cache.max_mb == 32.0
    loaded = settings_from_dict({"cache": {"max_mb": 8}})
    assert loaded.settings.cache.max_mb == 8.0 and loaded.problems == []


def test_pages_over_the_byte_budget_are_not_cached(app: PriceWatch, page_server: PageServer) -> None:
    app.settings.cache.max_mb = 0.2
    small = page_server.add("/small", PRODUCT)
    big = page_server.add("/big", PRODUCT.replace("<body>", "<body>" + "<p>filler</p>" * 20_000))
    app.preview(small)
    app.preview(big)
    assert [e.key for e in app.cache_entries()] == [f"fetch:{small}"]


def test_close_stops_the_fetcher(page_server: PageServer) -> None:
    app = open_pricewatch()
    url = page_server.add("/p", PRODUCT)
    fetcher = app.fetcher
    assert app.fetcher is fetcher and app.cache is fetcher.cache
    app.close()
    with pytest.raises(CancelledError):
        fetcher.fetch(url, respect_robots=False, use_cache=False)
