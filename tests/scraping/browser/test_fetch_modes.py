"""auto, plain and browser modes through real fetchers, a real helper and a real SQLite memory per shop."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.scraping.browser import BrowserFetcher
from pricewatch.scraping.browser.cookies import CookieFile, SharedCookieJar
from pricewatch.scraping.fetch import Fetcher, FetchSettings
from pricewatch.scraping.fetch_modes import FetchMode, ModeChooser
from pricewatch.scraping.page_check import NEEDS_BROWSER
from pricewatch.storage.db import Database
from pricewatch.storage.shop_modes import ShopModes
from tests.support.pageserver import PageServer


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[ShopModes]:
    db = Database(tmp_path / "modes.sqlite3")
    try:
        yield ShopModes(db)
    finally:
        db.close()


class Counting:
    """The browser factory, counting how often the chooser asked for a rendered page."""

    def __init__(self, browser: BrowserFetcher) -> None:
        self.browser = browser
        self.asked = 0

    def __call__(self) -> BrowserFetcher:
        self.asked += 1
        return self.browser


def test_auto_renders_a_script_price_and_remembers_the_shop_needs_the_browser(
    plain: Fetcher, browser: BrowserFetcher, shop: PageServer, memory: ShopModes
) -> None:
    chooser = ModeChooser(plain, lambda: browser, memory)
    first = chooser.fetch(shop.url("/script"), use_cache=False)
    assert first.extraction is not None and str(first.extraction.price) == "49.90"
    assert first.fetcher is FetchMode.BROWSER and first.tried == (FetchMode.PLAIN, FetchMode.BROWSER)
    assert first.browser_reason and "scripts" in first.browser_reason
    assert memory.get("127.0.0.1") == "browser"
    plain_hits = shop.hits("/script")
    again = chooser.fetch(shop.url("/script"), use_cache=False)
    assert again.tried == (FetchMode.BROWSER,) and str(again.extraction.price) == "49.90"  # type: ignore[union-attr]
    assert shop.hits("/script") == plain_hits + 1  # the browser's request only, no plain one first


def test_a_price_from_a_json_endpoint_auto_finds_it_and_plain_says_the_page_needs_a_browser(
    plain: Fetcher, browser: BrowserFetcher, shop: PageServer, memory: ShopModes
) -> None:
    chooser = ModeChooser(plain, lambda: browser, memory)
    plain_only = chooser.fetch(shop.url("/fetched"), FetchMode.PLAIN, use_cache=False)
    assert plain_only.extraction is not None and plain_only.extraction.price is None
    assert plain_only.extraction.reason is not None
    assert plain_only.extraction.reason.startswith(NEEDS_BROWSER)
    auto = chooser.fetch(shop.url("/fetched"), use_cache=False)
    assert auto.fetcher is FetchMode.BROWSER and str(auto.extraction.price) == "129.00"  # type: ignore[union-attr]


def test_a_page_with_its_price_in_the_html_never_starts_the_browser(
    plain: Fetcher, browser: BrowserFetcher, shop: PageServer, memory: ShopModes
) -> None:
    factory = Counting(browser)
    chooser = ModeChooser(plain, factory, memory)
    read = chooser.fetch(shop.url("/plain"), use_cache=False)
    assert read.fetcher is FetchMode.PLAIN and str(read.extraction.price) == "19.99"  # type: ignore[union-attr]
    assert factory.asked == 0
    assert memory.get("127.0.0.1") == "plain"


def test_the_browser_mode_renders_even_a_plain_page(
    plain: Fetcher, browser: BrowserFetcher, shop: PageServer
) -> None:
    read = ModeChooser(plain, lambda: browser).fetch(shop.url("/plain"), "browser")
    assert read.tried == (FetchMode.BROWSER,) and str(read.extraction.price) == "19.99"  # type: ignore[union-attr]


def test_auto_passes_a_bot_check_and_later_plain_fetches_reuse_its_cookie(
    plain: Fetcher, browser: BrowserFetcher, shop: PageServer, memory: ShopModes
) -> None:
    chooser = ModeChooser(plain, lambda: browser, memory)
    read = chooser.fetch(shop.url("/guarded"), use_cache=False)
    assert read.fetcher is FetchMode.BROWSER and str(read.extraction.price) == "75.00"  # type: ignore[union-attr]
    assert read.browser_reason and "refused" in read.browser_reason  # the plain request got the 503 wall
    cookie_file = browser.settings.cookie_file
    assert stat.S_IMODE(cookie_file.stat().st_mode) == 0o600
    assert any(c["name"] == "pw_check" for c in CookieFile(cookie_file).load())
    # A plain fetcher sharing the browser's cookies gets past the wall without a browser.
    jar = SharedCookieJar(CookieFile(cookie_file))
    with Fetcher(FetchSettings(per_host_delay=0.0), cookies=jar) as with_cookies:
        page = with_cookies.fetch(shop.url("/guarded"), use_cache=False)
    assert page.status == 200 and "75.00" in (page.html or "")
    assert "pw_check=passed" in shop.headers("/guarded")["cookie"]
