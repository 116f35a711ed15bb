"""A page server with the browser test pages and one browser fetcher per module (its helper starts once)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.scraping.browser import BrowserFetcher, BrowserSettings
from pricewatch.scraping.fetch import Fetcher, FetchSettings
from tests.support.browser_pages import serve_shop
from tests.support.pageserver import PageServer


@pytest.fixture(scope="module")
def shop() -> Iterator[PageServer]:
    server = PageServer().start()
    serve_shop(server)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def browser_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def plain(browser_folder: Path) -> Iterator[Fetcher]:
    with Fetcher(FetchSettings(per_host_delay=0.0, per_host_concurrency=4)) as fetcher:
        yield fetcher


@pytest.fixture(scope="module")
def browser(browser_folder: Path, plain: Fetcher) -> Iterator[BrowserFetcher]:
    settings = BrowserSettings(folder=browser_folder, deadline=6.0)
    with BrowserFetcher(settings, plain=plain) as fetcher:
        yield fetcher
