"""Politeness against a real server: robots.txt, per-host delay and concurrency, cancel while waiting.

Timing is read from the server's own records (arrival order and times), never from sleeps in the test.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from pricewatch.errors import CancelledError, PermanentError, ScrapeError, TransientError
from pricewatch.scraping.fetch import Fetcher, FetchSettings, host_key
from tests.support.pageserver import PageServer, Reply
from tests.support.poll import until

FAST = FetchSettings(user_agent="PriceWatch/9.9 (+test)", connect_timeout=2, read_timeout=5, deadline=10,
                     per_host_delay=0)  # fmt: skip


def run_in_thread(fn: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """Run ``fn`` in a thread; the list gets its result or the exception it raised."""
    out: list[object] = []

    def target() -> None:
        try:
            out.append(fn())
        except BaseException as exc:
            out.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    return thread, out


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as fetcher:
        yield fetcher


# -- robots.txt -------------------------------------------------------------------------------------------
def test_robots_disallow_is_permanent_and_fetched_once(fetcher: Fetcher, page_server: PageServer) -> None:
    page_server.add_robots("User-agent: *\nDisallow: /private\n")
    page_server.add("/private/item", "<html>secret</html>")
    page_server.add("/public/item", "<html>ok</html>")
    with pytest.raises(PermanentError) as info:
        fetcher.fetch(page_server.url("/private/item"))
    assert info.value.kind == "robots" and "robots.txt" in str(info.value)
    assert fetcher.fetch(page_server.url("/public/item")).html == "<html>ok</html>"
    fetcher.fetch(page_server.url("/public/item"), use_cache=False)
    assert page_server.hits("/private/item") == 0
    assert page_server.hits("/robots.txt") == 1
    assert page_server.headers("/robots.txt")["user-agent"] == "PriceWatch/9.9 (+test)"


def test_robots_group_for_pricewatch_is_used(fetcher: Fetcher, page_server: PageServer) -> None:
    page_server.add_robots("User-agent: PriceWatch\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    url = page_server.add("/p", "<html>p</html>")
    with pytest.raises(PermanentError, match="robots"):
        fetcher.fetch(url)


def test_robots_can_be_ignored_per_fetch_or_by_settings(page_server: PageServer) -> None:
    page_server.add_robots("User-agent: *\nDisallow: /\n")
    url = page_server.add("/p", "<html>p</html>")
    with Fetcher(FAST) as fetcher:
        assert fetcher.fetch(url, respect_robots=False).html == "<html>p</html>"
    with Fetcher(replace(FAST, respect_robots=False)) as fetcher:
        assert fetcher.fetch(url).html == "<html>p</html>"
    assert page_server.hits("/robots.txt") == 0


def test_redirect_into_a_disallowed_path_is_stopped(fetcher: Fetcher, page_server: PageServer) -> None:
    page_server.add_robots("User-agent: *\nDisallow: /private\n")
    page_server.add_redirect("/go", "/private/x")
    with pytest.raises(PermanentError, match="robots"):
        fetcher.fetch(page_server.url("/go"))
    assert page_server.hits("/private/x") == 0


def test_missing_robots_allows_everything(fetcher: Fetcher, page_server: PageServer) -> None:
    url = page_server.add("/p", "<html>p</html>")  # /robots.txt answers 404
    assert fetcher.fetch(url).html == "<html>p</html>"
    fetcher.fetch(url, use_cache=False)
    assert page_server.hits("/robots.txt") == 1


def test_unreachable_robots_is_transient_and_not_remembered(
    fetcher: Fetcher, page_server: PageServer
) -> None:
    page_server.add_sequence("/robots.txt", [Reply(status=503), Reply("User-agent: *\nAllow: /\n")])
    url = page_server.add("/p", "<html>p</html>")
    with pytest.raises(TransientError) as info:
        fetcher.fetch(url)
    assert info.value.kind == "http_5xx" and page_server.hits("/p") == 0
    assert fetcher.fetch(url).html == "<html>p</html>"
    assert page_server.hits("/robots.txt") == 2


# -- per-host delay and concurrency ------------------------------------------------------------------------
def test_minimum_delay_between_requests_to_one_host(page_servers: PageServer) -> None:
    one, two = page_servers.addresses
    for address in (one, two):
        page_servers.add(f"/{address}", "<html>x</html>")
    with Fetcher(replace(FAST, per_host_delay=0.5, respect_robots=False)) as fetcher:
        fetcher.fetch(page_servers.url(f"/{one}", one))
        slow, out_slow = run_in_thread(
            lambda: fetcher.fetch(page_servers.url(f"/{one}", one), use_cache=False)
        )
        until(lambda: fetcher.gate.waiting(host_key(page_servers.url("/", one))) == 1, timeout=10)
        fetcher.fetch(page_servers.url(f"/{two}", two))  # another host is not held up
        slow.join(10)
    assert not isinstance(out_slow[0], BaseException)
    first, second = page_servers.requests(f"/{one}")
    (other,) = page_servers.requests(f"/{two}")
    assert first.order < other.order < second.order
    assert second.at - first.at >= 0.45  # the gap is reserved before sending; a little slack for the wire


def test_crawl_delay_from_robots_is_honoured(page_server: PageServer) -> None:
    page_server.add_robots("User-agent: *\nCrawl-delay: 0.6\n")
    url = page_server.add("/p", "<html>p</html>")
    with Fetcher(FAST) as fetcher:
        for _ in range(3):
            fetcher.fetch(url, use_cache=False)
        assert fetcher.gate.host_delay(host_key(url)) == 0.6
    times = [seen.at for seen in page_server.requests()]  # robots.txt, then the page three times
    assert [seen.path for seen in page_server.requests()] == ["/robots.txt", "/p", "/p", "/p"]
    assert all(b - a >= 0.55 for a, b in itertools.pairwise(times[1:]))


def test_per_host_concurrency_limit(page_server: PageServer) -> None:
    page_server.add("/slow", "<html>s</html>", delay=0.3)
    with Fetcher(replace(FAST, per_host_concurrency=2, respect_robots=False)) as fetcher:
        threads = [
            run_in_thread(lambda: fetcher.fetch(page_server.url("/slow"), use_cache=False)) for _ in range(6)
        ]
        for thread, _ in threads:
            thread.join(20)
    assert all(not isinstance(out[0], BaseException) for _, out in threads)
    assert page_server.hits("/slow") == 6
    assert page_server.peak_concurrency() == 2


# -- waiting honours cancel and the deadline ---------------------------------------------------------------
def test_cancel_while_waiting_for_a_host_slot(page_server: PageServer) -> None:
    release = threading.Event()

    def held() -> Iterator[bytes]:
        yield b"<html>"
        release.wait(10)
        yield b"</html>"

    page_server.add("/held", held, length=None)
    page_server.add("/next", "<html>n</html>")
    with Fetcher(replace(FAST, per_host_concurrency=1, respect_robots=False)) as fetcher:
        holder, out_holder = run_in_thread(lambda: fetcher.fetch(page_server.url("/held")))
        until(lambda: page_server.hits("/held") == 1, timeout=10)
        cancel = threading.Event()
        waiter, out_waiter = run_in_thread(lambda: fetcher.fetch(page_server.url("/next"), cancel=cancel))
        until(lambda: fetcher.gate.waiting(host_key(page_server.url("/"))) == 1, timeout=10)
        cancel.set()
        waiter.join(5)
        assert not waiter.is_alive() and isinstance(out_waiter[0], CancelledError)
        release.set()
        holder.join(10)
    assert page_server.hits("/next") == 0
    assert not isinstance(out_holder[0], BaseException)


def test_cancel_while_waiting_for_the_host_delay(page_server: PageServer) -> None:
    url = page_server.add("/p", "<html>p</html>")
    with Fetcher(replace(FAST, per_host_delay=60, deadline=120, respect_robots=False)) as fetcher:
        fetcher.fetch(url)
        cancel = threading.Event()
        waiter, out = run_in_thread(lambda: fetcher.fetch(url, cancel=cancel, use_cache=False))
        until(lambda: fetcher.gate.waiting(host_key(url)) == 1, timeout=10)
        cancel.set()
        waiter.join(5)
        assert not waiter.is_alive() and isinstance(out[0], CancelledError)
        assert fetcher.gate.in_flight(host_key(url)) == 0  # the slot was given back
    assert page_server.hits("/p") == 1


def test_a_turn_beyond_the_deadline_fails_fast(page_server: PageServer) -> None:
    url = page_server.add("/p", "<html>p</html>")
    with Fetcher(replace(FAST, per_host_delay=60, deadline=5, respect_robots=False)) as fetcher:
        fetcher.fetch(url)
        with pytest.raises(ScrapeError) as info:
            fetcher.fetch(url, use_cache=False)
    assert isinstance(info.value, TransientError) and info.value.kind == "timeout"
    assert page_server.hits("/p") == 1


def test_many_threads_share_one_fetcher(page_servers: PageServer) -> None:
    """Forty fetches over two hosts from eight threads: all succeed, no host ever sees more than its limit."""
    from concurrent.futures import ThreadPoolExecutor

    for i in range(20):
        page_servers.add(f"/p{i}", f"<html>page {i}</html>", delay=0.02)
    urls = [page_servers.url(f"/p{i}", address) for i in range(20) for address in page_servers.addresses]
    with Fetcher(replace(FAST, per_host_concurrency=3, respect_robots=False)) as fetcher:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(fetcher.fetch, urls))
        assert all(fetcher.gate.in_flight(host_key(u)) == 0 for u in urls)
    assert [r.html for r in results] == [f"<html>page {i}</html>" for i in range(20) for _ in range(2)]
    assert [r.final_url for r in results] == urls
    for address in page_servers.addresses:
        assert 1 <= page_servers.peak_concurrency(address) <= 3


@pytest.mark.parametrize("stage", ["headers", "body"])
def test_cancel_interrupts_a_read_waiting_on_a_slow_shop(page_server: PageServer, stage: str) -> None:
    """Cancel is seen within a fraction of a second, not after the 20 s read timeout."""
    from pricewatch.scraping.interrupt import is_patched

    if stage == "headers":
        url = page_server.add("/slow", "<html>late</html>", delay=60)
    else:
        url = page_server.add("/slow", b"<html>" + b"x" * 100, chunk_size=10, chunk_delay=60, length=False)
    with Fetcher(replace(FAST, read_timeout=20, deadline=120, respect_robots=False)) as fetcher:
        assert is_patched(fetcher._client._transport)
        cancel = threading.Event()
        thread, out = run_in_thread(lambda: fetcher.fetch(url, cancel=cancel))
        until(lambda: page_server.hits("/slow") == 1, timeout=10)
        cancel.set()
        thread.join(5)
        assert not thread.is_alive(), "the read did not notice the cancel flag"
    assert isinstance(out[0], CancelledError)


def test_sliced_reads_still_time_out(page_server: PageServer) -> None:
    url = page_server.add("/slow", "<html>late</html>", delay=60)
    slow_fetcher = Fetcher(replace(FAST, read_timeout=0.3, respect_robots=False))
    with slow_fetcher as fetcher, pytest.raises(TransientError) as info:
        fetcher.fetch(url, cancel=threading.Event())
    assert info.value.kind == "timeout"


def test_closing_the_fetcher_ends_fetches_in_flight(page_server: PageServer) -> None:
    """Application shutdown: a fetch waiting on a slow shop ends as cancelled (not a retryable fault)."""
    url = page_server.add("/slow", "<html>late</html>", delay=60)
    fetcher = Fetcher(replace(FAST, read_timeout=20, deadline=120, respect_robots=False))
    thread, out = run_in_thread(lambda: fetcher.fetch(url))
    until(lambda: page_server.hits("/slow") == 1, timeout=10)
    fetcher.close()
    thread.join(5)
    assert not thread.is_alive()
    assert isinstance(out[0], CancelledError)


def test_retry_after_pauses_the_whole_host(page_servers: PageServer) -> None:
    """After a 429 with Retry-After, other pages of that shop are not asked for either; other shops are."""
    one, two = page_servers.addresses
    page_servers.add_rate_limited("/busy", 120)
    page_servers.add("/other", "<html>o</html>")
    with Fetcher(replace(FAST, respect_robots=False)) as fetcher:
        with pytest.raises(TransientError) as first:
            fetcher.fetch(page_servers.url("/busy", one))
        assert first.value.retry_after == 120
        with pytest.raises(TransientError) as second:
            fetcher.fetch(page_servers.url("/other", one))
        assert second.value.kind == "rate_limited"
        assert second.value.retry_after is not None and 100 < second.value.retry_after <= 120
        assert fetcher.fetch(page_servers.url("/other", two)).html == "<html>o</html>"
    assert [s.address for s in page_servers.requests("/other")] == [two]


def test_short_retry_after_is_waited_out(page_server: PageServer) -> None:
    page_server.add_sequence(
        "/p", [Reply(status=503, headers={"Retry-After": "1"}), Reply(body="<html>back</html>")]
    )
    with Fetcher(replace(FAST, respect_robots=False)) as fetcher:
        with pytest.raises(TransientError):
            fetcher.fetch(page_server.url("/p"))
        assert fetcher.fetch(page_server.url("/p")).html == "<html>back</html>"
    first, second = page_server.requests("/p")
    assert second.at - first.at >= 0.9  # the second try waited for the shop's Retry-After
