"""A hostile shop on a real local server: every attack ends in a named error within its deadline, and the
fetch never holds more than 50 MB over the process's baseline."""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from decimal import Decimal

import brotli
import httpx
import pytest

from pricewatch.errors import ScrapeError
from pricewatch.scraping.extract import extract
from pricewatch.scraping.fetch import Fetcher, FetchSettings
from tests.support import bombs
from tests.support.memory import memory_watch
from tests.support.pageserver import PageServer

MEMORY_LIMIT_MB = 50


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    settings = FetchSettings(per_host_delay=0.0, respect_robots=False, deadline=5.0, read_timeout=3.0)
    with Fetcher(settings) as fetcher:
        yield fetcher


def fails_within(fetcher: Fetcher, url: str, seconds: float, **options: object) -> ScrapeError:
    """The error fetching ``url`` ends in, checked to come within ``seconds`` and 50 MB."""
    started = time.monotonic()
    with memory_watch() as use, pytest.raises(ScrapeError) as caught:
        fetcher.fetch(url, use_cache=False, **options)  # type: ignore[arg-type]
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert use.worst_mb < MEMORY_LIMIT_MB, use
    return caught.value


BOMBS = {
    "gzip": ("gzip", bombs.gzip_bomb),
    "stacked-gzip": ("gzip, gzip", bombs.stacked_gzip_bomb),
    "brotli": ("br", bombs.brotli_bomb),
    "stacked-gzip-brotli": ("gzip, br", bombs.stacked_brotli_gzip_bomb),
}


@pytest.mark.parametrize("name", list(BOMBS))
def test_decompression_bomb_is_too_large(page_server: PageServer, fetcher: Fetcher, name: str) -> None:
    encoding, build = BOMBS[name]
    url = page_server.add("/bomb", build(), headers={"Content-Encoding": encoding})
    error = fails_within(fetcher, url, 10)
    assert error.kind == "too_large"
    assert "larger than 10 MB" in str(error)


def test_bomb_image_is_too_large(page_server: PageServer, fetcher: Fetcher) -> None:
    url = page_server.add(
        "/bomb.png", bombs.stacked_gzip_bomb(), headers={"Content-Encoding": "gzip, gzip"},
        content_type="image/png",
    )  # fmt: skip
    with memory_watch() as use, pytest.raises(ScrapeError) as caught:
        fetcher.fetch_image(url)
    assert caught.value.kind == "too_large"
    assert use.worst_mb < MEMORY_LIMIT_MB, use


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send it
        ("gzip, br", lambda b: brotli.compress(gzip.compress(b))),
    ],
)
def test_honest_compressed_pages_still_read_whole(
    page_server: PageServer, fetcher: Fetcher, encoding: str, pack: Callable[[bytes], bytes]
) -> None:
    page = "<html><body>" + "".join(f"<p>Preis {i},99 €</p>" for i in range(200_000)) + "</body></html>"
    url = page_server.add("/page", pack(page.encode()), headers={"Content-Encoding": encoding})
    assert fetcher.fetch(url, use_cache=False).html == page


@pytest.mark.parametrize("encoding", ["zstd", "gzip, gzip, gzip, gzip"])
def test_unreadable_or_too_deep_encodings_are_named(
    page_server: PageServer, fetcher: Fetcher, encoding: str
) -> None:
    url = page_server.add("/odd", b"\x28\xb5\x2f\xfd junk", headers={"Content-Encoding": encoding})
    assert fails_within(fetcher, url, 5).kind == "decoding"


def robots_fetcher(deadline: float = 2.0) -> Fetcher:
    settings = FetchSettings(per_host_delay=0.0, deadline=deadline, read_timeout=1.0, per_host_concurrency=4)
    return Fetcher(settings)


def trickling_robots(page_server: PageServer) -> None:
    """A robots.txt that sends a byte every 0.2 s, each well within the read timeout, for a minute."""
    body = b"User-agent: *\n" + b"#" * 300
    page_server.add("/robots.txt", body, content_type="text/plain", chunk_size=1, chunk_delay=0.2)


def test_trickling_robots_txt_ends_by_its_deadline(page_server: PageServer) -> None:
    trickling_robots(page_server)
    url = page_server.add("/p", "<p>12,99 €</p>")
    with robots_fetcher() as fetcher:
        error = fails_within(fetcher, url, 4)
    assert error.kind == "timeout" and error.transient
    assert "robots.txt" in str(error)
    assert page_server.hits("/p") == 0


def test_a_check_waiting_for_anothers_robots_txt_can_be_cancelled(page_server: PageServer) -> None:
    trickling_robots(page_server)
    first, second = page_server.add("/a", "<p>1 €</p>"), page_server.add("/b", "<p>2 €</p>")
    errors: dict[str, BaseException] = {}
    cancel = threading.Event()

    def fetch(name: str, url: str, flag: threading.Event | None) -> None:
        try:
            fetcher.fetch(url, use_cache=False, cancel=flag)
        except ScrapeError as exc:
            errors[name] = exc

    with robots_fetcher(deadline=8.0) as fetcher:
        loading = threading.Thread(target=fetch, args=("first", first, None))
        loading.start()
        while page_server.hits("/robots.txt") == 0:
            time.sleep(0.01)
        waiting = threading.Thread(target=fetch, args=("second", second, cancel))
        waiting.start()
        time.sleep(0.2)
        cancelled_at = time.monotonic()
        cancel.set()
        waiting.join(5)
        assert time.monotonic() - cancelled_at < 0.5, "the waiting check ignored its cancel flag"
        assert errors["second"].kind == "cancelled"
        loading.join(10)
    assert errors["first"].kind == "timeout"
    assert page_server.hits("/robots.txt") == 1


def test_checks_waiting_for_a_hanging_robots_txt_share_its_failure(page_server: PageServer) -> None:
    trickling_robots(page_server)
    urls = [page_server.add(f"/p{i}", "<p>1 €</p>") for i in range(4)]
    errors: list[ScrapeError] = []
    with robots_fetcher() as fetcher:

        def fetch(url: str) -> None:
            try:
                fetcher.fetch(url, use_cache=False)
            except ScrapeError as exc:
                errors.append(exc)

        started = time.monotonic()
        threads = [threading.Thread(target=fetch, args=(url,)) for url in urls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        elapsed = time.monotonic() - started
    assert elapsed < 4, f"{elapsed:.1f} s: the checks waited for robots.txt one after another"
    assert [e.kind for e in errors] == ["timeout"] * 4
    assert page_server.hits("/robots.txt") == 1


EXOTIC_CHARSETS = [
    "punycode", "idna", "undefined", "utf-7", "unicode_escape", "raw_unicode_escape", "rot13", "base64",
    "hex", "zlib", "uu", "x-user-defined", "a" * 300, "",
]  # fmt: skip


@pytest.mark.parametrize("charset", EXOTIC_CHARSETS)
@pytest.mark.parametrize("where", ["header", "meta"])
@pytest.mark.parametrize("body", [b"12,99 EUR</p><p>-abc-", b"12,99 \x80</p><p>caf\xe9 \\x41 +AGEAYg-"])
def test_exotic_or_bogus_charsets_decode_safely(
    page_server: PageServer, fetcher: Fetcher, charset: str, where: str, body: bytes
) -> None:
    page = b"<html><head>%s</head><body><h1>Kettle</h1><p class=price>%s</p></body></html>" % (
        f'<meta charset="{charset}">'.encode("latin-1") if where == "meta" else b"",
        body,
    )
    content_type = f"text/html; charset={charset}" if where == "header" else "text/html"
    url = page_server.add("/odd", page, headers={"Content-Type": content_type}, content_type=None)
    result = fetcher.fetch(url, use_cache=False)
    assert result.encoding in ("utf-8", "cp1252")
    assert "<p class=price>12,99" in (result.html or "")
    assert extract(result.html or "", result.final_url).price == Decimal("12.99")


@pytest.mark.parametrize("charset", ["punycode", "idna", "undefined", "utf-7"])
def test_saved_page_with_exotic_charset_extracts(charset: str) -> None:
    page = f'<html><head><meta charset="{charset}"></head><body><p class=price>12,99 \x80</p></body></html>'
    assert extract(page.encode("latin-1"), None).price == Decimal("12.99")


@pytest.mark.parametrize(
    "target",
    ["http://10.1.2.3/admin", "http://169.254.169.254/latest/meta-data/", "http://192.168.1.1/",
     "http://[fd00::1]/", "http://100.64.0.1/"],
)  # fmt: skip
def test_redirect_from_a_local_shop_to_a_private_network_is_refused(
    page_server: PageServer, fetcher: Fetcher, target: str
) -> None:
    url = page_server.add_redirect("/go", target)
    error = fails_within(fetcher, url, 1)
    assert error.kind == "redirects"
    assert "private or local network" in str(error)


def test_redirect_between_loopback_hosts_is_followed(page_servers: PageServer, fetcher: Fetcher) -> None:
    page_servers.add("/there", "<p>12,99 €</p>")
    url = page_servers.add_redirect("/go", page_servers.url("/there", "127.0.0.2"))
    assert fetcher.fetch(url, use_cache=False).final_url.startswith("http://127.0.0.2:")


def mock_fetcher(handler: Callable[[httpx.Request], httpx.Response]) -> Fetcher:
    """A shop on the internet (an address a local server cannot have)."""
    settings = FetchSettings(per_host_delay=0.0, respect_robots=False)
    return Fetcher(settings, transport=httpx.MockTransport(handler))


def test_redirect_from_an_internet_shop_to_this_computer_is_refused(page_server: PageServer) -> None:
    local = page_server.add("/admin", "<p>secret</p>")
    asked: list[str] = []

    def shop(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(302, headers={"Location": local})

    with mock_fetcher(shop) as fetcher, pytest.raises(ScrapeError) as caught:
        fetcher.fetch("https://shop.example/p")
    assert caught.value.kind == "redirects"
    assert asked == ["https://shop.example/p"]


def test_https_to_http_redirect_is_refused() -> None:
    asked: list[str] = []

    def shop(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(301, headers={"Location": "http://shop.example/p"})

    with mock_fetcher(shop) as fetcher, pytest.raises(ScrapeError) as caught:
        fetcher.fetch("https://shop.example/p")
    assert caught.value.kind == "redirects"
    assert "https to plain http" in str(caught.value)
    assert asked == ["https://shop.example/p"]


def test_conditional_headers_stay_with_their_host(page_servers: PageServer, fetcher: Fetcher) -> None:
    page_servers.add("/same", "<p>1 €</p>")
    page_servers.add("/other", "<p>2 €</p>")
    page_servers.add_redirect("/a", "/same")
    page_servers.add_redirect("/b", page_servers.url("/other", "127.0.0.2"))
    validators = {"etag": '"v1"', "last_modified": "Wed, 01 Jan 2025 00:00:00 GMT"}
    fetcher.fetch(page_servers.url("/a"), **validators)
    fetcher.fetch(page_servers.url("/b"), **validators)
    assert page_servers.headers("/same")["if-none-match"] == '"v1"'
    other = page_servers.headers("/other")
    assert "if-none-match" not in other and "if-modified-since" not in other


def test_cookies_stay_with_their_host(page_servers: PageServer, fetcher: Fetcher) -> None:
    page_servers.add("/other", "<p>2 €</p>")
    page_servers.add(
        "/login", b"", status=302, content_type=None,
        headers={"Set-Cookie": "session=s3cret; Path=/", "Location": page_servers.url("/other", "127.0.0.2")},
    )  # fmt: skip
    fetcher.fetch(page_servers.url("/login"))
    assert "cookie" not in page_servers.headers("/other")


def test_image_link_to_this_computer_from_an_internet_page_is_refused(
    page_server: PageServer, fetcher: Fetcher
) -> None:
    image = page_server.add("/admin.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    with pytest.raises(ScrapeError) as caught:
        fetcher.fetch_image(image, page_url="https://shop.example/p")
    assert caught.value.kind == "unsafe_address"
    assert page_server.hits("/admin.png") == 0
    assert fetcher.fetch_image(image, page_url=page_server.url("/p")).data.startswith(b"\x89PNG")


def test_robots_txt_redirect_to_a_private_network_is_not_followed(page_server: PageServer) -> None:
    page_server.add_redirect("/robots.txt", "http://10.1.2.3/robots.txt")
    url = page_server.add("/p", "<p>12,99 €</p>")
    settings = FetchSettings(per_host_delay=0.0, deadline=5.0, connect_timeout=3.0)
    with Fetcher(settings) as fetcher:
        started = time.monotonic()
        assert fetcher.fetch(url, use_cache=False).status == 200
        assert time.monotonic() - started < 1


def test_endless_chunked_body_is_too_large(page_server: PageServer, fetcher: Fetcher) -> None:
    def endless() -> Iterator[bytes]:
        while True:
            yield b"<p>" + b"x" * 65_000 + b"</p>"

    url = page_server.add("/endless", endless, length=None)
    assert fails_within(fetcher, url, 5).kind == "too_large"


def test_one_byte_per_second_body_ends_at_the_deadline(page_server: PageServer) -> None:
    url = page_server.add("/slow", b"<p>" + b"x" * 100 + b"</p>", chunk_size=1, chunk_delay=1.0)
    settings = FetchSettings(per_host_delay=0.0, respect_robots=False, deadline=2.0, read_timeout=1.5)
    with Fetcher(settings) as fetcher:
        error = fails_within(fetcher, url, 3.5)
    assert error.kind == "timeout" and error.transient


def test_megabyte_of_headers_is_a_named_error(page_server: PageServer, fetcher: Fetcher) -> None:
    headers = {f"X-Junk-{i}": "j" * 1000 for i in range(1000)}
    url = page_server.add("/headers", "<p>1 €</p>", headers=headers)
    error = fails_within(fetcher, url, 5)
    assert error.kind == "connect" and "RemoteProtocolError" in str(error)


def test_redirect_loop_is_named(page_server: PageServer, fetcher: Fetcher) -> None:
    page_server.add_redirect("/a", "/b")
    page_server.add_redirect("/b", "/a")
    error = fails_within(fetcher, page_server.url("/a"), 2)
    assert error.kind == "redirects" and "loop" in str(error)


@pytest.mark.parametrize("status", [429, 503])
def test_rate_limit_storm_pauses_the_shop_and_names_the_wait(
    page_server: PageServer, fetcher: Fetcher, status: int
) -> None:
    urls = [page_server.add_rate_limited(f"/p{i}", 120, status=status) for i in range(20)]
    first = fails_within(fetcher, urls[0], 2)
    assert first.transient and first.retry_after == 120
    for url in urls[1:]:  # the rest wait for nothing: the shop asked for two minutes, the deadline is 5 s
        error = fails_within(fetcher, url, 0.5)
        assert error.kind == "rate_limited" and error.retry_after is not None and error.retry_after > 100
    assert page_server.hits() == 1
