"""A hostile shop on a real local server: every attack ends in a named error within its deadline, and the
fetch never holds more than 50 MB over the process's baseline."""

from __future__ import annotations

import gzip
import time
import zlib
from collections.abc import Callable, Iterator

import brotli
import pytest

from pricewatch.scraping.errors import ScrapeError
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
