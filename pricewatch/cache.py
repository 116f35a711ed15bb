"""A small in-process cache for recent fetches and task results (the embedded stand-in for Redis).

A thread-safe wrapper around :class:`cachetools.TTLCache`: every entry lives ``ttl_seconds`` and the least
recently used ones go when ``max_entries`` or the byte budget ``max_bytes`` is reached (pages are large: 512
entries of shop pages held ~700 MB before the budget). Keys are text with a prefix per kind
(``fetch:<url>``, ``task:<id>``) so one kind can be cleared at once.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import cachetools

from pricewatch.models import utcnow


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """What the cache holds under one key (for the cache view and ``pricewatch`` tools)."""

    key: str
    size: int  # approximate bytes
    stored_at: datetime  # aware UTC
    expires_at: datetime  # aware UTC


class CacheBackend(Protocol):
    """What the facade, the fetcher and the API use: :class:`ResponseCache` (in this process, the default)
    or :class:`pricewatch.redis_cache.RedisCache` (``[cache] backend = "redis"``)."""

    ttl_seconds: float

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...

    def delete(self, key: str) -> bool: ...

    def clear(self, prefix: str | None = None) -> int: ...

    def expire(self) -> int: ...

    def entries(self) -> list[CacheEntry]: ...

    def stats(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class _Item:
    value: Any
    size: int
    stored_at: datetime


def approx_size(value: Any) -> int:
    """A cheap estimate of the memory held: text by its in-memory size (1-4 bytes a character), objects
    with an ``html`` text by that plus the object, else ``sys.getsizeof``."""
    if isinstance(value, str | bytes | bytearray):
        return sys.getsizeof(value)
    html = getattr(value, "html", None)
    if isinstance(html, str):
        return sys.getsizeof(html) + sys.getsizeof(value)
    return sys.getsizeof(value)


def _item_size(item: _Item) -> int:
    return item.size


class ResponseCache:
    """Thread-safe TTL + LRU cache limited by entries and by bytes.

    Args:
        max_entries: how many entries at most (least recently used dropped first).
        ttl_seconds: how long an entry lives.
        max_bytes: the byte budget (by :func:`approx_size`); least recently used entries go to make room,
            a value larger than the whole budget is not stored. None: no byte limit.
        timer: a monotonic clock in seconds; tests pass a fake one to move time.
        clock: the wall clock for ``stored_at`` / ``expires_at`` (aware UTC).
    """

    def __init__(
        self,
        max_entries: int,
        ttl_seconds: float,
        *,
        max_bytes: int | None = None,
        timer: Callable[[], float] = time.monotonic,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if max_entries < 1:
            raise ValueError("the cache needs room for at least one entry")
        if ttl_seconds <= 0:
            raise ValueError("the cache time-to-live must be positive")
        if max_bytes is not None and max_bytes < 0:
            raise ValueError("the cache byte budget cannot be negative")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.ttl_seconds = float(ttl_seconds)
        self._timer = timer
        self._clock = clock
        # cachetools has one size limit: bytes (getsizeof) when budgeted; the entry count is kept in set().
        self._data: cachetools.TTLCache[str, _Item] = cachetools.TTLCache(
            maxsize=max_bytes if max_bytes is not None else max_entries,
            ttl=self.ttl_seconds,
            timer=timer,
            getsizeof=_item_size if max_bytes is not None else None,
        )
        self._lock = threading.RLock()
        self._hits = self._misses = self._sets = self._expired = self._too_large = 0

    def get(self, key: str, default: Any = None) -> Any:
        """The value stored under ``key`` if it has not expired, else ``default``."""
        with self._lock:
            item = self._data.get(key)
            if item is None:
                self._misses += 1
                return default
            self._hits += 1
            return item.value

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``; a value over the whole byte budget is not kept (nor an older)."""
        item = _Item(value, approx_size(value), self._clock())
        with self._lock:
            try:
                self._data[key] = item
            except ValueError:  # larger than the whole budget: cachetools refuses it
                self._data.pop(key, None)
                self._too_large += 1
                return
            self._sets += 1
            while len(self._data) > self.max_entries:
                self._data.popitem()  # least recently used

    def delete(self, key: str) -> bool:
        """Drop one entry; False when there was none."""
        with self._lock:
            return self._data.pop(key, None) is not None

    def clear(self, prefix: str | None = None) -> int:
        """Drop every entry (or those whose key starts with ``prefix``); returns how many went."""
        with self._lock:
            keys = [k for k in self._data if prefix is None or k.startswith(prefix)]
            for key in keys:
                self._data.pop(key, None)
            return len(keys)

    def expire(self) -> int:
        """Drop expired entries now (they are invisible already); returns how many went."""
        with self._lock:
            count = len(self._data.expire())
            self._expired += count
            return count

    def entries(self) -> list[CacheEntry]:
        """Live entries, oldest first."""
        with self._lock:
            self.expire()
            items = [(key, item) for key, item in self._data.items()]
        ttl = timedelta(seconds=self.ttl_seconds)
        entries = [CacheEntry(k, i.size, i.stored_at, i.stored_at + ttl) for k, i in items]
        return sorted(entries, key=lambda e: e.stored_at)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._data

    def __len__(self) -> int:
        with self._lock:
            self.expire()
            return len(self._data)

    def stats(self) -> dict[str, Any]:
        """Counts for the settings page and the API: entries, bytes, limits, hits, misses, sets, expired."""
        with self._lock:
            self.expire()
            size = sum(item.size for item in self._data.values())
            return {
                "entries": len(self._data),
                "max_entries": self.max_entries,
                "max_bytes": self.max_bytes,
                "ttl_seconds": self.ttl_seconds,
                "bytes": size,
                "hits": self._hits,
                "misses": self._misses,
                "sets": self._sets,
                "expired": self._expired,
                "too_large": self._too_large,
            }
