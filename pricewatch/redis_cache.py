"""The response cache in Redis (``[cache] backend = "redis"``): TTLs, JSON values, one key prefix.

The same interface as :class:`pricewatch.cache.ResponseCache`, so the facade, the fetcher and the API's cache
routes do not know which one they use. Values are stored as JSON text under ``<prefix><key>`` with Redis's
own expiry (``SET ... PX``); a fetched page (a dataclass) is stored as its fields and given back as a dict,
which the fetcher turns into a page again. Another program may share the Redis: a value that is not JSON
(written by something else, or cut short) is a miss, never an error. When Redis cannot be reached, every
read is a miss and every write is skipped: the cache only ever saves work.

``redis`` is imported when a cache is built from a URL, never at import time.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pricewatch.cache import CacheEntry
from pricewatch.models import utcnow

log = logging.getLogger(__name__)

SCAN_BATCH = 500
_GLOB = re.compile(r"([*?\[\]\\])")


def to_json(value: Any) -> str:
    """``value`` as JSON text: dataclasses as their fields, Decimals as text, times in ISO 8601."""

    def encode(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return dataclasses.asdict(obj)
        if isinstance(obj, Decimal):
            return str(obj)
        if isinstance(obj, datetime | date):
            return obj.isoformat()
        raise TypeError(f"{type(obj).__name__} is not JSON")

    return json.dumps(value, default=encode, ensure_ascii=False, separators=(",", ":"))


class RedisCache:
    """Thread-safe TTL cache in Redis with :class:`~pricewatch.cache.ResponseCache`'s interface.

    Args:
        client: a ``redis.Redis`` client (``decode_responses`` off: values are read as bytes).
        ttl_seconds: how long an entry lives.
        prefix: prepended to every key (``pricewatch:``): only keys under it are seen or cleared.
        max_bytes: a value whose JSON is larger is not stored (None: no limit); Redis's own ``maxmemory``
            policy bounds the whole cache.
    """

    backend = "redis"

    def __init__(
        self, client: Any, ttl_seconds: float, *, prefix: str = "pricewatch:", max_bytes: int | None = None
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("the cache time-to-live must be positive")
        self._client = client
        self.ttl_seconds = float(ttl_seconds)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.max_entries: int | None = None  # Redis bounds memory itself
        self._lock = threading.Lock()
        self._hits = self._misses = self._sets = self._corrupt = self._too_large = self._errors = 0
        self._warned_at = 0.0

    @classmethod
    def from_url(
        cls, url: str, ttl_seconds: float, *, prefix: str = "pricewatch:", max_bytes: int | None = None
    ) -> RedisCache:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2.0, socket_timeout=5.0)
        return cls(client, ttl_seconds, prefix=prefix, max_bytes=max_bytes)

    def _count(self, name: str) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + 1)

    def _unreachable(self, exc: Exception) -> None:
        self._count("_errors")
        now = time.monotonic()
        if now - self._warned_at > 60:  # once a minute, not once per page
            self._warned_at = now
            log.warning("the Redis cache is unreachable (%s); working without it", exc)

    # -- the ResponseCache interface ------------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        """The value under ``key`` decoded from JSON, or ``default`` (absent, expired, not JSON, no Redis)."""
        try:
            raw = self._client.get(self.prefix + key)
        except Exception as exc:
            self._unreachable(exc)
            self._count("_misses")
            return default
        if raw is None:
            self._count("_misses")
            return default
        try:
            value = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            self._count("_corrupt")
            self._count("_misses")
            return default
        self._count("_hits")
        return value

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` as JSON for ``ttl_seconds``; a value that is not JSON, or too large, is not
        kept."""
        try:
            text = to_json(value).encode("utf-8")
        except (TypeError, ValueError):
            self._count("_too_large")
            return
        if self.max_bytes is not None and len(text) > self.max_bytes:
            self.delete(key)  # an older, smaller value must not outlive the newer one
            self._count("_too_large")
            return
        try:
            self._client.set(self.prefix + key, text, px=max(1, int(self.ttl_seconds * 1000)))
        except Exception as exc:
            self._unreachable(exc)
            return
        self._count("_sets")

    def delete(self, key: str) -> bool:
        try:
            return bool(self._client.delete(self.prefix + key))
        except Exception as exc:
            self._unreachable(exc)
            return False

    def clear(self, prefix: str | None = None) -> int:
        """Drop every entry under this cache's prefix (or those whose key starts with ``prefix``)."""
        deleted = 0
        try:
            batch: list[bytes] = []
            for name in self._scan(prefix or ""):
                batch.append(name)
                if len(batch) >= SCAN_BATCH:
                    deleted += int(self._client.delete(*batch))
                    batch = []
            if batch:
                deleted += int(self._client.delete(*batch))
        except Exception as exc:
            self._unreachable(exc)
        return deleted

    def expire(self) -> int:
        """Redis drops expired entries itself; nothing to do here."""
        return 0

    def entries(self) -> list[CacheEntry]:
        """Live entries, oldest first (stored time worked out from the time left to live)."""
        try:
            names = list(self._scan(""))
            pipe = self._client.pipeline(transaction=False)
            for name in names:
                pipe.pttl(name)
                pipe.strlen(name)
            answers = pipe.execute() if names else []
        except Exception as exc:
            self._unreachable(exc)
            return []
        now = utcnow()
        ttl = timedelta(seconds=self.ttl_seconds)
        entries = []
        for i, name in enumerate(names):
            left_ms, size = answers[2 * i], answers[2 * i + 1]
            if left_ms is None or left_ms == -2:
                continue  # expired between the scan and the look
            expires = now + (timedelta(milliseconds=left_ms) if left_ms >= 0 else ttl)
            key = name.decode("utf-8", errors="replace")[len(self.prefix) :]
            entries.append(CacheEntry(key, int(size or 0), expires - ttl, expires))
        return sorted(entries, key=lambda e: e.stored_at)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            return bool(self._client.exists(self.prefix + key))
        except Exception as exc:
            self._unreachable(exc)
            return False

    def __len__(self) -> int:
        try:
            return sum(1 for _ in self._scan(""))
        except Exception as exc:
            self._unreachable(exc)
            return 0

    def stats(self) -> dict[str, Any]:
        entries = self.entries()
        with self._lock:
            return {
                "backend": self.backend,
                "entries": len(entries),
                "max_entries": self.max_entries,
                "max_bytes": self.max_bytes,
                "ttl_seconds": self.ttl_seconds,
                "bytes": sum(e.size for e in entries),
                "hits": self._hits,
                "misses": self._misses,
                "sets": self._sets,
                "expired": 0,
                "too_large": self._too_large,
                "corrupt": self._corrupt,
                "errors": self._errors,
            }

    def close(self) -> None:
        """Let go of the connections (the entries stay in Redis for the next start and other programs)."""
        try:
            self._client.close()
        except Exception:
            log.debug("closing the Redis cache client failed", exc_info=True)

    def _scan(self, key_prefix: str) -> Any:
        pattern = _GLOB.sub(r"\\\1", self.prefix + key_prefix) + "*"
        return self._client.scan_iter(match=pattern, count=SCAN_BATCH)
