"""The fetcher against a real local HTTP server: statuses, limits, redirects, caching, charsets."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from pricewatch.cache import ResponseCache
from pricewatch.config import FetchOptions
from pricewatch.errors import (
    CancelledError,
    InvalidURLError,
    PermanentError,
    ScrapeError,
    TransientError,
)
from pricewatch.scraping.fetch import Fetcher, FetchSettings
from tests.support.pageserver import PAGES_DIR, PageServer, Reply, http_date

FAST = FetchSettings(
    user_agent="PriceWatch/9.9 (+test)",
    connect_timeout=2,
    read_timeout=5,
    deadline=10,
    per_host_delay=0,
    max_body_bytes=1_000_000,
)


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST, cache=ResponseCache(32, 300)) as fetcher:
        yield fetcher


def fail(fetcher: Fetcher, url: str, **kwargs: object) -> ScrapeError:
    with pytest.raises(ScrapeError) as info:
        fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_settings_come_from_user_settings() -> None:
    options = FetchOptions(user_agent="X/1", max_body_mb=2.5, per_host_delay=3, respect_robots=False)
    settings = FetchSettings.from_settings(options)
    assert (settings.user_agent, settings.max_body_bytes) == ("X/1", 2_500_000)
    assert (settings.per_host_delay, settings.respect_robots, settings.max_redirects) == (3, False, 10)


def test_fetches_a_real_saved_page(fetcher: Fetcher, page_server: PageServer) -> None:
    url = page_server.add_page("/p/argos", "peb_argos.co.uk_25910052eef8.html.gz", gzip_encoded=True)
    result = fetcher.fetch(url)
    expected = gzip.decompress((PAGES_DIR / "peb_argos.co.uk_25910052eef8.html.gz").read_bytes())
    assert result.status == 200 and not result.not_modified and not result.from_cache
    assert result.html is not None and len(result.html) > 10_000
    assert result.html.encode(result.encoding or "utf-8") == expected
    assert (result.url, result.final_url) == (url, url)
    assert result.elapsed_ms > 0
    seen = page_server.headers("/p/argos")
    assert seen["user-agent"] == "PriceWatch/9.9 (+test)"
    assert "gzip" in seen["accept-encoding"] and "br" in seen["accept-encoding"]


def test_only_http_urls_and_no_io_for_bad_ones(fetcher: Fetcher, page_server: PageServer) -> None:
    for bad in ("file:///etc/passwd", "ftp://x/y", "javascript:alert(1)", "", "http://"):
        assert isinstance(fail(fetcher, bad), InvalidURLError)
    assert page_server.hits() == 0


def test_server_too_slow_is_a_transient_timeout(page_server: PageServer) -> None:
    url = page_server.add("/slow", "late", delay=30)
    with Fetcher(replace(FAST, read_timeout=0.3)) as fetcher:
        error = fail(fetcher, url, respect_robots=False)
    assert isinstance(error, TransientError) and error.kind == "timeout"


def test_trickling_body_stops_at_the_deadline(page_server: PageServer) -> None:
    body = b"<html>" + b"x" * 200 + b"</html>"
    url = page_server.add("/trickle", body, chunk_size=10, chunk_delay=0.2, length=False)
    with Fetcher(replace(FAST, read_timeout=5, deadline=0.5)) as fetcher:
        error = fail(fetcher, url, respect_robots=False)
    assert isinstance(error, TransientError) and error.kind == "timeout"


@pytest.mark.parametrize("declare_length", [True, False])
def test_oversized_body_is_refused(fetcher: Fetcher, page_server: PageServer, declare_length: bool) -> None:
    url = page_server.add_huge("/huge", 50_000_000, declare_length=declare_length)
    error = fail(fetcher, url)
    assert isinstance(error, PermanentError) and error.kind == "too_large"
    assert "1 MB" in str(error)


def test_body_at_the_limit_is_read(fetcher: Fetcher, page_server: PageServer) -> None:
    url = page_server.add_huge("/exact", 1_000_000)
    result = fetcher.fetch(url)
    assert result.html is not None and len(result.html) == 1_000_000


def test_redirects_are_followed(fetcher: Fetcher, page_server: PageServer) -> None:
    page_server.add_redirect("/old", "/moved", status=301)
    page_server.add_redirect("/moved", page_server.url("/new"))
    page_server.add("/new", "<html>here</html>")
    result = fetcher.fetch(page_server.url("/old"))
    assert result.final_url == page_server.url("/new")
    assert result.url == page_server.url("/old")
    assert result.html == "<html>here</html>"


def test_redirect_loop_is_named(fetcher: Fetcher, page_server: PageServer) -> None:
    page_server.add_redirect("/a", "/b")
    page_server.add_redirect("/b", "/a")
    error = fail(fetcher, page_server.url("/a"))
    assert isinstance(error, PermanentError) and error.kind == "redirects"
    assert "loop" in str(error) and "/a -> " in str(error)
    assert page_server.hits("/a") == 1 and page_server.hits("/b") == 1


def test_too_many_redirects(fetcher: Fetcher, page_server: PageServer) -> None:
    for i in range(12):
        page_server.add_redirect(f"/r{i}", f"/r{i + 1}")
    page_server.add("/r12", "<html>end</html>")
    error = fail(fetcher, page_server.url("/r0"))
    assert isinstance(error, PermanentError) and error.kind == "redirects"
    assert "more than 10 redirects" in str(error)
    assert page_server.hits("/r10") == 1 and page_server.hits("/r11") == 0
    page_server.add("/r10", "<html>end</html>")  # ten hops are fine
    assert fetcher.fetch(page_server.url("/r0"), use_cache=False).html == "<html>end</html>"


def test_redirect_to_another_scheme_is_refused(fetcher: Fetcher, page_server: PageServer) -> None:
    page_server.add_redirect("/evil", "file:///etc/passwd")
    error = fail(fetcher, page_server.url("/evil"))
    assert isinstance(error, PermanentError) and error.kind == "redirects"
    assert "file" in str(error)


@pytest.mark.parametrize("retry_after", ["7", "date"])
def test_429_carries_retry_after(fetcher: Fetcher, page_server: PageServer, retry_after: str) -> None:
    value = http_date(120) if retry_after == "date" else retry_after
    url = page_server.add_rate_limited("/busy", value)
    error = fail(fetcher, url)
    assert isinstance(error, TransientError) and error.kind == "rate_limited"
    assert error.retry_after is not None
    if retry_after == "date":
        assert 100 < error.retry_after <= 120
    else:
        assert error.retry_after == 7


def test_503_is_transient_and_then_recovers(fetcher: Fetcher, page_server: PageServer) -> None:
    page_server.add_sequence(
        "/flaky", [Reply(status=503, headers={"Retry-After": "1"}), Reply(body="<html>ok</html>")]
    )
    error = fail(fetcher, page_server.url("/flaky"))
    assert isinstance(error, TransientError) and error.kind == "http_5xx" and error.retry_after == 1
    assert fetcher.fetch(page_server.url("/flaky")).html == "<html>ok</html>"


@pytest.mark.parametrize(("status", "kind"), [(404, "http_4xx"), (410, "http_4xx"), (403, "http_4xx")])
def test_client_errors_are_permanent(
    fetcher: Fetcher, page_server: PageServer, status: int, kind: str
) -> None:
    url = page_server.add("/gone", "no", status=status)
    error = fail(fetcher, url)
    assert isinstance(error, PermanentError) and error.kind == kind and str(status) in str(error)


def test_connection_refused_is_transient(fetcher: Fetcher) -> None:
    server = PageServer().start()
    url = server.url("/x")
    server.close()  # nothing listens on that port now
    error = fail(fetcher, url, respect_robots=False)
    assert isinstance(error, TransientError) and error.kind == "connect"


@pytest.mark.parametrize("content_type", ["application/json", "image/png", "application/pdf"])
def test_not_html_is_permanent(fetcher: Fetcher, page_server: PageServer, content_type: str) -> None:
    url = page_server.add("/data", b"{}", content_type=content_type)
    error = fail(fetcher, url)
    assert isinstance(error, PermanentError) and error.kind == "not_html"


def test_xhtml_and_missing_content_type_are_read(fetcher: Fetcher, page_server: PageServer) -> None:
    a = page_server.add("/x", b"<html>x</html>", content_type="application/xhtml+xml")
    b = page_server.add("/none", b"<html>n</html>", content_type=None)
    assert fetcher.fetch(a).html == "<html>x</html>"
    assert fetcher.fetch(b).html == "<html>n</html>"


def test_etag_revalidation_gives_304(fetcher: Fetcher, page_server: PageServer) -> None:
    lm = "Wed, 21 Oct 2015 07:28:00 GMT"
    url = page_server.add("/e", "<html>v1</html>", etag='"v1"', last_modified=lm)
    first = fetcher.fetch(url)
    assert (first.etag, first.last_modified) == ('"v1"', lm)
    again = fetcher.fetch(url, etag=first.etag)
    assert again.not_modified and again.html is None and again.status == 304
    assert again.etag == '"v1"' and not again.from_cache
    assert page_server.headers("/e")["if-none-match"] == '"v1"'
    by_date = fetcher.fetch(url, last_modified=lm)
    assert by_date.not_modified and page_server.headers("/e")["if-modified-since"] == lm
    changed = fetcher.fetch(url, etag='"v0"')
    assert changed.html == "<html>v1</html>" and not changed.not_modified


def test_turkish_page_without_header_charset(fetcher: Fetcher, page_server: PageServer) -> None:
    raw = (PAGES_DIR / "turkish-1254.html").read_bytes()
    url = page_server.add("/tr", raw, content_type="text/html")  # no charset in the header
    result = fetcher.fetch(url)
    assert result.encoding == "cp1254"
    assert result.html is not None
    assert "\u00c7elik \u00c7aydanl\u0131k" in result.html  # dotless i: only cp1254 gets it right
    assert "\u0131\u011fd\u0131r ve \u015f\u0131rnak" in result.html


def test_wrong_header_charset_loses_to_the_bytes(fetcher: Fetcher, page_server: PageServer) -> None:
    text = "<html><head><meta charset='utf-8'></head><body>Fiyat: 1.299,00 ₺ — İndirim</body></html>"
    url = page_server.add("/wrong", text.encode("utf-8"), content_type="text/html; charset=iso-8859-1")
    result = fetcher.fetch(url)
    assert result.html == text and result.encoding == "utf-8"


def test_meta_charset_is_used_when_the_header_says_nothing(fetcher: Fetcher, page_server: PageServer) -> None:
    text = "<html><head><meta charset='iso-8859-7'></head><body>Τιμή: 12,50 €</body></html>"
    url = page_server.add("/greek", text.encode("iso-8859-7"), content_type="text/html")
    result = fetcher.fetch(url)
    assert result.html == text and result.encoding == "iso8859-7"


def test_recent_fetch_comes_from_the_cache(fetcher: Fetcher, page_server: PageServer) -> None:
    url = page_server.add("/c", "<html>c</html>")
    first = fetcher.fetch(url)
    second = fetcher.fetch(url)
    assert page_server.hits("/c") == 1
    assert second.from_cache and not first.from_cache and second.html == first.html
    fetcher.fetch(url, use_cache=False)
    fetcher.fetch(url, etag='"zzz"')  # conditional requests always ask the server
    assert page_server.hits("/c") == 3


def test_uncached_fetch_does_not_fill_the_cache(fetcher: Fetcher, page_server: PageServer) -> None:
    url = page_server.add("/u", "<html>u</html>")
    fetcher.fetch(url, use_cache=False)
    assert fetcher.cached(url) is None
    assert not fetcher.fetch(url).from_cache and page_server.hits("/u") == 2
    cached = fetcher.cached(url)
    assert cached is not None and cached.from_cache and cached.html == "<html>u</html>"


def test_cancel_before_start_does_no_io(fetcher: Fetcher, page_server: PageServer) -> None:
    url = page_server.add("/p", "<html>p</html>")
    cancel = threading.Event()
    cancel.set()
    assert isinstance(fail(fetcher, url, cancel=cancel), CancelledError)
    assert page_server.hits() == 0


def test_cancel_while_reading_a_slow_body(fetcher: Fetcher, page_server: PageServer) -> None:
    cancel = threading.Event()

    def chunks() -> Iterator[bytes]:
        yield b"<html>" + b"a" * 100
        cancel.set()  # the user presses cancel while the page is arriving
        for _ in range(50):
            yield b"b" * 100

    url = page_server.add("/long", chunks, length=None, chunk_delay=0.05)
    assert isinstance(fail(fetcher, url, cancel=cancel), CancelledError)


def test_closed_fetcher_refuses_work(page_server: PageServer) -> None:
    url = page_server.add("/p", "<html>p</html>")
    fetcher = Fetcher(FAST)
    fetcher.close()
    assert isinstance(fail(fetcher, url, respect_robots=False), CancelledError)


def test_result_info_is_json_without_the_page(fetcher: Fetcher, page_server: PageServer) -> None:
    import json

    url = page_server.add("/i", "<html>info</html>", etag='"e1"')
    info = fetcher.fetch(url).info()
    assert json.loads(json.dumps(info)) == info
    assert (info["status"], info["etag"], info["bytes"], info["from_cache"]) == (200, '"e1"', 17, False)
    assert "html" not in info


def test_connection_dropped_mid_page_is_transient(fetcher: Fetcher, page_server: PageServer) -> None:
    url = page_server.add("/cut", "<html>" + "x" * 5000 + "</html>", drop_after=100)
    error = fail(fetcher, url)
    assert isinstance(error, TransientError) and error.kind == "connect"
