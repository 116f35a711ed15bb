"""The browser fetcher on real pages from a local server, rendered by a real helper process."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from pricewatch.errors import PermanentError, ScrapeError, TransientError
from pricewatch.scraping.browser import BrowserFetcher
from pricewatch.scraping.extract import extract
from tests.support.pageserver import PageServer


def price_of(html: str | None) -> str | None:
    extraction = extract(html or "")
    return None if extraction.price is None else str(extraction.price)


def test_a_price_written_by_a_script_after_load_is_in_the_html(
    browser: BrowserFetcher, shop: PageServer
) -> None:
    result = browser.fetch(shop.url("/script"))
    assert result.status == 200
    assert result.final_url == shop.url("/script")
    assert price_of(result.html) == "49.90"


def test_a_price_fetched_from_a_json_endpoint_later_is_waited_for(
    browser: BrowserFetcher, shop: PageServer
) -> None:
    result = browser.fetch(shop.url("/fetched"))
    assert price_of(result.html) == "129.00"
    assert shop.hits("/api/price.json") >= 1


def test_the_user_agent_is_the_browsers_own_with_the_program_name(
    browser: BrowserFetcher, shop: PageServer
) -> None:
    browser.fetch(shop.url("/plain"))
    agent = shop.headers("/plain")["user-agent"]
    assert agent.startswith("Mozilla/5.0") and "Chrome/" in agent
    assert agent.endswith(" PriceWatch/" + agent.rsplit("/", 1)[1]) and agent == browser.user_agent


def test_a_page_that_never_finishes_loading_ends_as_a_timeout_at_the_deadline(
    browser: BrowserFetcher, shop: PageServer
) -> None:
    started = time.monotonic()
    with pytest.raises(TransientError) as caught:
        browser.fetch(shop.url("/never"))
    took = time.monotonic() - started
    assert caught.value.kind == "timeout" and "6 s" in str(caught.value)
    assert browser.settings.deadline - 0.5 <= took <= browser.settings.deadline + 3


def test_an_endless_script_loop_times_out_and_the_next_page_still_renders(
    browser: BrowserFetcher, shop: PageServer
) -> None:
    with pytest.raises(TransientError) as caught:
        browser.fetch(shop.url("/loop"))
    assert caught.value.kind == "timeout"
    assert price_of(browser.fetch(shop.url("/script")).html) == "49.90"


def test_a_50_mb_dom_is_refused_as_too_large_and_the_helper_lives_on(
    browser: BrowserFetcher, shop: PageServer
) -> None:
    with pytest.raises(ScrapeError) as caught:
        browser.fetch(shop.url("/huge"))
    assert caught.value.kind in ("too_large", "timeout")
    assert price_of(browser.fetch(shop.url("/plain")).html) == "19.99"


def test_the_helper_killed_mid_page_gives_a_retryable_error_and_the_next_fetch_works(
    browser: BrowserFetcher, shop: PageServer
) -> None:
    browser.fetch(shop.url("/plain"))  # the helper is up
    pid = browser.helper_pid
    assert pid is not None
    killer = threading.Timer(0.3, os.kill, (pid, signal.SIGKILL))
    killer.start()
    with pytest.raises(TransientError) as caught:
        browser.fetch(shop.url("/never"))
    killer.join()
    assert caught.value.kind == "browser_crashed" and caught.value.transient
    assert "SIGKILL" in str(caught.value)
    assert price_of(browser.fetch(shop.url("/script")).html) == "49.90"
    assert browser.helper_pid not in (None, pid)


def test_pop_ups_downloads_local_files_and_permission_prompts_never_happen(
    browser: BrowserFetcher, shop: PageServer
) -> None:
    result = browser.fetch(shop.url("/pushy"))
    assert price_of(result.html) == "5.00"
    assert result.final_url == shop.url("/pushy")
    assert shop.hits("/popup") == shop.hits("/popup2") == 0
    assert shop.hits("/file.bin") <= 1  # a download may be asked for; it is cancelled, never saved
    assert not list(browser.settings.folder.rglob("file.bin"))


def test_only_web_addresses_are_rendered(browser: BrowserFetcher) -> None:
    with pytest.raises(PermanentError) as caught:
        browser.fetch("file:///etc/passwd")
    assert caught.value.kind == "bad_url"


def test_local_addresses_are_refused_unless_the_product_itself_is_local(
    browser: BrowserFetcher, shop: PageServer
) -> None:
    from pricewatch.scraping.browser.addresses import is_local_host
    from pricewatch.scraping.browser.protocol import error_from

    assert is_local_host("127.0.0.1") and is_local_host("localhost") and is_local_host("10.1.2.3")
    assert not is_local_host("93.184.215.14", resolve=lambda host: [])
    shop.add_redirect("/to-local", shop.url("/plain"))
    assert browser.fetch(shop.url("/to-local")).final_url == shop.url("/plain")  # a local product: allowed
    # The helper as a public product's fetch drives it: every step to a local address is refused.
    helper = browser._current_helper()
    pending = helper.submit(shop.url("/to-local"), 5.0, "", allow_local=False)
    assert pending.wait(10) and pending.answer is not None
    error = error_from(pending.answer)
    assert error.kind == "redirects" and not error.transient


def test_the_queue_limit_refuses_more_waiting_fetches(browser_folder: object, shop: PageServer) -> None:
    from pathlib import Path

    from pricewatch.scraping.browser import BrowserSettings

    folder = Path(str(browser_folder)) / "queue"
    settings = BrowserSettings(folder=folder, pages=1, queue_limit=1, deadline=3.0)
    with BrowserFetcher(settings) as small:
        errors: list[ScrapeError] = []

        def fetch() -> None:
            try:
                small.fetch(shop.url("/never"))
            except ScrapeError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=fetch) for _ in range(3)]
        for thread in threads:
            thread.start()
            time.sleep(0.2)
        for thread in threads:
            thread.join()
    kinds = sorted(e.kind for e in errors)
    assert kinds == ["busy", "timeout", "timeout"]


def test_the_helper_is_recycled_after_its_page_budget(browser_folder: object, shop: PageServer) -> None:
    from pathlib import Path

    from pricewatch.scraping.browser import BrowserSettings

    settings = BrowserSettings(folder=Path(str(browser_folder)) / "recycle", recycle_after_pages=2)
    with BrowserFetcher(settings) as fetcher:
        started = []
        for _ in range(5):
            fetcher.fetch(shop.url("/plain"))
            started.append(fetcher.started)
    assert started == [1, 1, 2, 2, 3]
    assert fetcher.restarts == 0


@pytest.mark.parametrize("path", ["/plain", "/fetched", "/script"])
def test_a_page_counts_as_done_when_its_price_appears(
    browser: BrowserFetcher, shop: PageServer, path: str
) -> None:
    pending = browser._current_helper().submit(shop.url(path), 6.0, "", allow_local=True)
    assert pending.wait(10) and pending.answer is not None
    assert pending.answer["settled"] == "price"


def test_a_page_without_a_price_is_done_when_it_goes_quiet(browser: BrowserFetcher, shop: PageServer) -> None:
    shop.add("/no-price", "<html><body><h1>Nothing for sale</h1></body></html>")
    pending = browser._current_helper().submit(shop.url("/no-price"), 6.0, "", allow_local=True)
    assert pending.wait(10) and pending.answer is not None
    assert pending.answer["settled"] == "idle"
