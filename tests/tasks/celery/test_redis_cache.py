"""``[cache] backend = "redis"`` and per-host politeness in Redis, against a real redis-server.

The cache: TTL expiry, the API's get and delete, a value that is not JSON read as a miss (the fetcher then
asks the shop), a page cached by one program read by another. The gate: two gates (two workers) on one
Redis keep one host's concurrency and delay between them.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis

from pricewatch.app import PriceWatch
from pricewatch.redis_cache import RedisCache
from pricewatch.scraping.shared_gate import RedisHostGate
from tests.support.api import LiveApi, live_api
from tests.support.app import open_pricewatch
from tests.support.brokers import RedisServer
from tests.support.coordinator import shop_page, wait_until
from tests.support.pageserver import PageServer

pytestmark = pytest.mark.timeout(60)
C = "/api/v1/cache"


def redis_app(server: RedisServer, prefix: str) -> PriceWatch:
    app = open_pricewatch(executor="sync")
    app.settings.cache.backend = "redis"
    app.settings.cache.redis_url = server.url(3)
    app.settings.cache.key_prefix = prefix
    app.settings.fetch.per_host_delay = 0.0
    return app


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    with redis.Redis.from_url(redis_server.url(3)) as client:
        yield client


@pytest.fixture
def api(redis_server: RedisServer) -> Iterator[LiveApi]:
    app = redis_app(redis_server, "pw-api:")
    try:
        yield from live_api(app)
    finally:
        app.close()


def test_entries_expire_after_their_ttl(client: redis.Redis) -> None:
    cache = RedisCache(client, ttl_seconds=0.3, prefix="pw-ttl:")
    cache.set("task:1", {"price": "9.99", "ok": True})
    assert cache.get("task:1") == {"price": "9.99", "ok": True}
    (entry,) = cache.entries()
    assert entry.key == "task:1" and 0 < (entry.expires_at - entry.stored_at).total_seconds() <= 0.3
    assert 0 < client.pttl("pw-ttl:task:1") <= 300  # Redis itself holds the TTL
    wait_until(lambda: cache.get("task:1") is None, 5, "the entry to expire", step=0.05)
    assert cache.entries() == [] and len(cache) == 0
    stats = cache.stats()
    assert stats["hits"] >= 1 and stats["misses"] >= 1 and stats["backend"] == "redis"


def test_api_reads_and_deletes_entries_of_the_redis_cache(api: LiveApi, page_server: PageServer) -> None:
    url = page_server.add("/c", shop_page("4.20"))
    api.app.fetcher.fetch(url)  # fills the cache through the fetcher, as a preview does
    key = f"fetch:{url}"
    overview = api.client.get(C).json()
    assert [e["key"] for e in overview["entries"]] == [key] and overview["stats"]["entries"] == 1
    entry = api.client.get(f"{C}/{quote(key, safe='')}")
    assert entry.status_code == 200, entry.text
    assert entry.json()["value"]["status"] == 200 and '"price": "4.20"' in entry.json()["value"]["html"]
    assert api.client.delete(f"{C}/{quote(key, safe='')}").json() == {"success": True, "deleted": 1}
    assert api.client.get(f"{C}/{quote(key, safe='')}").status_code == 404
    assert api.client.delete(f"{C}/{quote(key, safe='')}").status_code == 404


def test_a_value_that_is_not_json_is_a_miss_and_the_shop_is_asked(
    redis_server: RedisServer, client: redis.Redis, page_server: PageServer
) -> None:
    url = page_server.add("/corrupt", shop_page("5.00"))
    with redis_app(redis_server, "pw-bad:") as app:
        client.set(f"pw-bad:fetch:{url}", b"\xff{not json", px=60_000)
        assert app.cache_get(f"fetch:{url}") is None
        assert app.fetcher.cached(url) is None
        page = app.fetcher.fetch(url)  # a miss: a real request, whose page replaces the bad value
        assert page.from_cache is False and page_server.hits("/corrupt") == 1
        assert app.fetcher.fetch(url).from_cache is True and page_server.hits("/corrupt") == 1
        assert app.cache_stats()["corrupt"] == 3  # read by cache_get, cached() and the fetch


def test_a_page_cached_by_one_program_is_read_by_another(
    redis_server: RedisServer, page_server: PageServer
) -> None:
    url = page_server.add("/shared", shop_page("7.00"))
    with redis_app(redis_server, "pw-shared:") as first, redis_app(redis_server, "pw-shared:") as second:
        first.fetcher.fetch(url)
        cached = second.fetcher.cached(url)
        assert cached is not None and cached.from_cache and '"price": "7.00"' in (cached.html or "")
        assert second.preview(url).price is not None and page_server.hits("/shared") == 1
        assert first.cache_clear() == 1 and second.fetcher.cached(url) is None


def test_redis_down_the_cache_misses_and_the_program_goes_on(tmp_path: Path, page_server: PageServer) -> None:
    server = RedisServer(tmp_path / "gone")  # never started: nothing listens on its port
    url = page_server.add("/nocache", shop_page("3.00"))
    with redis_app(server, "pw-gone:") as app:
        assert app.fetcher.fetch(url).status == 200 and app.fetcher.fetch(url).from_cache is False
        assert app.cache_get(f"fetch:{url}") is None and app.cache_entries() == []
        assert app.cache_stats()["errors"] >= 2


def test_two_gates_on_one_redis_keep_one_host_s_limits(client: redis.Redis) -> None:
    """Two workers' gates: never more than 2 in flight together, starts at least 0.1 s apart."""
    host = f"shop.test:{time.monotonic_ns()}"
    gates = [RedisHostGate(client, 2, 0.1, prefix="pw-gate:") for _ in range(2)]
    lock = threading.Lock()
    in_flight, peak, starts = 0, 0, []

    def request(gate: RedisHostGate) -> None:
        nonlocal in_flight, peak
        with gate.slot(host, deadline=time.monotonic() + 20):
            with lock:
                in_flight += 1
                peak = max(peak, in_flight)
                starts.append(time.monotonic())
            time.sleep(0.15)
            with lock:
                in_flight -= 1

    threads = [threading.Thread(target=request, args=(gates[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    starts.sort()
    assert len(starts) == 8 and peak == 2
    assert min(b - a for a, b in itertools.pairwise(starts)) >= 0.09
    gates[0].pause(host, 5)
    assert 4 < gates[1].paused_for(host) <= 5  # a Retry-After one worker saw holds for the other
