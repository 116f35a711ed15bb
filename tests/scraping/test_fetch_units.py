"""Fetch edge cases a well-behaved local server cannot produce (httpx.MockTransport), and fault parsing."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable

import brotli
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pricewatch.errors import PermanentError, ScrapeError, TransientError
from pricewatch.scraping.charset import decode_body, sniff_encoding
from pricewatch.scraping.faults import error_for_exception, error_for_status, parse_retry_after
from pricewatch.scraping.fetch import Fetcher, FetchSettings
from pricewatch.scraping.robots import product_token

SETTINGS = FetchSettings(per_host_delay=0, respect_robots=False, max_body_bytes=100_000)
URL = "https://shop.example/item"


def fetcher_for(handler: Callable[[httpx.Request], httpx.Response], **changes: object) -> Fetcher:
    settings = SETTINGS if not changes else FetchSettings(**{**SETTINGS.__dict__, **changes})  # type: ignore[arg-type]
    return Fetcher(settings, transport=httpx.MockTransport(handler))


def html(body: bytes, **headers: str) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(200, headers={"content-type": "text/html", **headers}, content=body)


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress)],
)
def test_compressed_pages_are_unpacked(encoding: str, pack: Callable[[bytes], bytes]) -> None:
    page = "<html><body>Preis: 12,99 € - ünïcödé</body></html>".encode()
    with fetcher_for(html(pack(page), **{"content-encoding": encoding})) as fetcher:
        assert fetcher.fetch(URL).html == page.decode()


def test_compression_bomb_is_stopped_by_the_decoded_size() -> None:
    bomb = gzip.compress(b"<html>" + b"0" * 5_000_000)  # ~5 KB on the wire, 5 MB unpacked
    assert len(bomb) < SETTINGS.max_body_bytes
    with (
        fetcher_for(html(bomb, **{"content-encoding": "gzip"})) as fetcher,
        pytest.raises(PermanentError) as info,
    ):
        fetcher.fetch(URL)
    assert info.value.kind == "too_large"


def test_broken_compression_is_transient() -> None:
    broken = fetcher_for(html(b"definitely not gzip", **{"content-encoding": "gzip"}))
    with broken as fetcher, pytest.raises(TransientError) as info:
        fetcher.fetch(URL)
    assert info.value.kind == "decoding"


def test_redirect_without_location_is_permanent() -> None:
    with fetcher_for(lambda request: httpx.Response(302)) as fetcher, pytest.raises(PermanentError) as info:
        fetcher.fetch(URL)
    assert info.value.kind == "redirects"


@pytest.mark.parametrize(
    ("exc", "kind", "transient"),
    [
        (httpx.ConnectTimeout("t"), "timeout", True),
        (httpx.ReadTimeout("t"), "timeout", True),
        (httpx.PoolTimeout("t"), "timeout", True),
        (httpx.ConnectError("dns"), "connect", True),
        (httpx.RemoteProtocolError("peer closed"), "connect", True),
        (httpx.ReadError("reset"), "connect", True),
    ],
)
def test_transport_faults_are_classified(exc: Exception, kind: str, transient: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    with fetcher_for(handler) as fetcher, pytest.raises(ScrapeError) as info:
        fetcher.fetch(URL)
    assert (info.value.kind, info.value.transient) == (kind, transient)
    assert error_for_exception(exc, URL).kind == kind


@pytest.mark.parametrize(
    ("status", "kind", "transient"),
    [(500, "http_5xx", True), (502, "http_5xx", True), (408, "http_4xx", True), (429, "rate_limited", True),
     (400, "http_4xx", False), (401, "http_4xx", False), (451, "http_4xx", False)],
)  # fmt: skip
def test_statuses_are_classified(status: int, kind: str, transient: bool) -> None:
    error = error_for_status(status, httpx.Headers(), URL)
    assert error is not None and (error.kind, error.transient) == (kind, transient)
    assert error_for_status(200, httpx.Headers(), URL) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: go now
        ("Thu, 01 Jan 1970 00:10:00 GMT", 0.0),
        ("soon", None),
        ("-3", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_values(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_date_in_the_future() -> None:
    now = 1_445_412_000.0  # 2015-10-21 07:20:00 UTC
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 480.0


def test_user_agent_product_token() -> None:
    assert product_token("PriceWatch/1.2 (+desktop price tracker)") == "PriceWatch"
    assert product_token("MyBot") == "MyBot"


def test_304_to_a_plain_request_is_an_error() -> None:
    with fetcher_for(lambda request: httpx.Response(304)) as fetcher:
        with pytest.raises(PermanentError, match="304"):
            fetcher.fetch(URL)
        assert fetcher.fetch(URL, etag='"x"').not_modified


PIECES = [
    b"<html>", b"caf\xc3\xa9", b"caf\xe9", b"\x81\x8d", "Τιμή".encode("iso-8859-7"), b"\xef\xbb\xbf",
    b"\xff\xfe", b"<meta charset='iso-8859-7'>", b"<meta charset=bogus>", b"<?xml encoding='utf-8'?>",
]  # fmt: skip


@given(
    parts=st.lists(st.sampled_from(PIECES) | st.binary(max_size=8), max_size=8),
    header=st.sampled_from([None, "utf-8", "iso-8859-1", "windows-1252", "shift_jis", "nonsense"]),
)
def test_decoding_once_gives_what_sniffing_then_decoding_gave(parts: list[bytes], header: str | None) -> None:
    content = b"".join(parts)
    codec = sniff_encoding(content, header)
    assert decode_body(content, header) == (content.decode(codec, errors="replace"), codec)
