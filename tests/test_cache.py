"""ResponseCache: TTL expiry on a controlled clock, LRU size limit, prefixes, stats, threads."""

from __future__ import annotations

import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest

from pricewatch.cache import CacheEntry, ResponseCache


class FakeTime:
    """A monotonic timer and a wall clock that only move when told to."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

    def timer(self) -> float:
        return self.now

    def clock(self) -> datetime:
        return self.wall + timedelta(seconds=self.now - 1000.0)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


def make(clock: FakeTime, max_entries: int = 10, ttl: float = 60) -> ResponseCache:
    return ResponseCache(max_entries, ttl, timer=clock.timer, clock=clock.clock)


def test_get_set_delete(clock: FakeTime) -> None:
    cache = make(clock)
    assert cache.get("fetch:a") is None
    assert cache.get("fetch:a", "dflt") == "dflt"
    cache.set("fetch:a", "<html>")
    assert cache.get("fetch:a") == "<html>"
    assert "fetch:a" in cache
    assert cache.delete("fetch:a") is True
    assert cache.delete("fetch:a") is False
    assert cache.get("fetch:a") is None


def test_entries_expire_after_ttl(clock: FakeTime) -> None:
    cache = make(clock, ttl=60)
    cache.set("k", "v")
    clock.advance(59.9)
    assert cache.get("k") == "v"
    clock.advance(0.2)
    assert cache.get("k") is None
    assert len(cache) == 0


def test_expire_counts_dropped_entries(clock: FakeTime) -> None:
    cache = make(clock, ttl=60)
    cache.set("old1", "a")
    cache.set("old2", "b")
    clock.advance(30)
    cache.set("new", "c")
    clock.advance(31)
    assert cache.expire() == 2
    assert cache.expire() == 0
    assert [e.key for e in cache.entries()] == ["new"]
    assert cache.stats()["expired"] == 2


def test_entries_report_size_and_times(clock: FakeTime) -> None:
    cache = make(clock, ttl=300)
    cache.set("fetch:x", "12345")
    clock.advance(10)
    cache.set("task:1", b"abc")
    first, second = cache.entries()
    # Sizes are the memory held, not the length: text costs its object header too.
    size = sys.getsizeof("12345")
    assert first == CacheEntry("fetch:x", size, clock.wall, clock.wall + timedelta(seconds=300))
    assert second.key == "task:1" and second.size == sys.getsizeof(b"abc") > 3
    assert second.stored_at - first.stored_at == timedelta(seconds=10)
    assert first.stored_at.tzinfo is not None


def test_least_recently_used_goes_first(clock: FakeTime) -> None:
    cache = make(clock, max_entries=2)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # now b is least recently used
    cache.set("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)


def test_clear_by_prefix_and_all(clock: FakeTime) -> None:
    cache = make(clock)
    for key in ("fetch:a", "fetch:b", "task:1"):
        cache.set(key, key)
    assert cache.clear("fetch:") == 2
    assert [e.key for e in cache.entries()] == ["task:1"]
    assert cache.clear() == 1
    assert cache.entries() == []


def test_stats_count_hits_and_misses(clock: FakeTime) -> None:
    cache = make(clock, max_entries=5, ttl=30)
    cache.set("a", "xyz")
    cache.get("a")
    cache.get("a")
    cache.get("b")
    stats = cache.stats()
    assert stats == {
        "entries": 1,
        "max_entries": 5,
        "max_bytes": None,
        "ttl_seconds": 30.0,
        "bytes": sys.getsizeof("xyz"),
        "hits": 2,
        "misses": 1,
        "sets": 1,
        "expired": 0,
        "too_large": 0,
    }


@pytest.mark.parametrize(("size", "ttl"), [(0, 10), (10, 0), (10, -1)])
def test_bad_limits_are_refused(size: int, ttl: float) -> None:
    with pytest.raises(ValueError):
        ResponseCache(size, ttl)
    with pytest.raises(ValueError):
        ResponseCache(10, 10, max_bytes=-1)


def page(kib: int) -> str:
    return "x" * (kib * 1024)


def test_byte_budget_drops_least_recently_used_pages(clock: FakeTime) -> None:
    budget = 3 * sys.getsizeof(page(100)) + 100  # room for three 100 KiB pages, far fewer than max_entries
    cache = ResponseCache(100, 60, max_bytes=budget, timer=clock.timer, clock=clock.clock)
    for key in "abc":
        cache.set(key, page(100))
    assert cache.get("a") is not None  # b is now least recently used
    cache.set("d", page(100))
    assert [k for k in "abcd" if k in cache] == ["a", "c", "d"]
    cache.set("e", page(200))  # needs two pages' room
    assert [k for k in "abcde" if k in cache] == ["d", "e"]
    stats = cache.stats()
    assert stats["bytes"] <= budget and stats["max_bytes"] == budget and stats["entries"] == 2


def test_a_value_over_the_whole_budget_is_not_kept(clock: FakeTime) -> None:
    cache = ResponseCache(10, 60, max_bytes=50_000, timer=clock.timer, clock=clock.clock)
    cache.set("small", "s")
    cache.set("big", "old")
    cache.set("big", page(60))  # too large: not stored, and the older value under the key goes too
    assert cache.get("big") is None and cache.get("small") == "s"
    assert cache.stats()["too_large"] == 1


def test_entry_limit_still_holds_with_a_byte_budget(clock: FakeTime) -> None:
    cache = ResponseCache(2, 60, max_bytes=10_000_000, timer=clock.timer, clock=clock.clock)
    for key in "abc":
        cache.set(key, key)
    assert len(cache) == 2 and "a" not in cache


def test_many_threads_share_it_safely() -> None:
    cache = ResponseCache(64, 60)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        try:
            start.wait()
            for i in range(2000):
                key = f"fetch:{(n * 7 + i) % 100}"
                cache.set(key, str(i))
                cache.get(key)
                if i % 50 == 0:
                    cache.entries()
                    cache.clear("fetch:9")
                    cache.expire()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache) <= 64
    stats = cache.stats()
    assert stats["sets"] == 8 * 2000
    assert stats["hits"] + stats["misses"] == 8 * 2000
