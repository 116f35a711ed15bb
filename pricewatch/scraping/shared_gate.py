"""Per-host politeness kept in Redis, so a host's limits hold across every process and machine that fetches.

Celery workers on several machines fetch for one PriceWatch: each keeping its own :class:`HostGate` would let
N workers send N times the requests a shop should get. Here a host's state lives in Redis and one script
changes it atomically:

- ``<prefix><host>:slots``: a sorted set of the requests in flight, each scored by when its hold lapses (a
  worker killed mid-request frees its slot after ``slot_seconds``, never blocking the host for good);
- ``<prefix><host>``: a hash with ``next_start`` (when the next request may begin), ``delay`` (a robots.txt
  Crawl-delay) and ``paused_until`` (a Retry-After), all on Redis's clock, so machines need not agree on time.

The Redis client is handed in (``redis.Redis``); this module imports nothing of it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any, Protocol

from pricewatch.errors import CancelledError, TransientError

POLL = 0.05  # seconds between tries while every slot of a host is taken

# KEYS: slots, state. ARGV: token, concurrency, default delay, slot seconds, most seconds the caller may wait.
# Returns {code, wait}: 1 = slot taken, start after `wait` seconds; 0 = all slots busy; -1 = the start would
# be later than the caller may wait (`wait` says how long); -2 = the host is paused past that (`wait`).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local paused = tonumber(redis.call('HGET', KEYS[2], 'paused_until') or '0')
local most = tonumber(ARGV[5])
if paused - now > most then
  return {-2, tostring(paused - now)}
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return {0, '0'}
end
local delay = tonumber(ARGV[3])
local own = tonumber(redis.call('HGET', KEYS[2], 'delay') or '0')
if own > delay then delay = own end
local start = math.max(now, tonumber(redis.call('HGET', KEYS[2], 'next_start') or '0'), paused)
if start - now > most then
  return {-1, tostring(start - now)}
end
redis.call('HSET', KEYS[2], 'next_start', tostring(start + delay))
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]) + (start - now), ARGV[1])
redis.call('EXPIRE', KEYS[1], 86400)
redis.call('EXPIRE', KEYS[2], 86400)
return {1, tostring(start - now)}
"""

_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local until_ = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused_until') or '0')
if until_ > paused and tonumber(ARGV[1]) > 0 then
  redis.call('HSET', KEYS[1], 'paused_until', tostring(until_))
  redis.call('EXPIRE', KEYS[1], 86400)
  paused = until_
end
return tostring(paused - now)
"""


class RedisLike(Protocol):
    """The part of ``redis.Redis`` this gate uses."""

    def register_script(self, script: str) -> Any: ...

    def zrem(self, name: str, *values: Any) -> Any: ...

    def hset(self, name: str, key: str, value: Any) -> Any: ...

    def hget(self, name: str, key: str) -> Any: ...


class RedisHostGate:
    """:class:`~pricewatch.scraping.politeness.HostGate`'s interface with its state in Redis (thread-safe).

    Args:
        client: a ``redis.Redis`` client (its connection pool is thread-safe).
        concurrency: requests in flight per host at most, across every process using ``prefix``.
        delay: seconds between the starts of two requests to one host at least.
        slot_seconds: how long a request may hold its slot (a fetch's deadline and a margin): the slot of a
            process that died is free again after it.
        prefix: the keys' prefix (one per PriceWatch sharing the Redis).
    """

    def __init__(
        self,
        client: RedisLike,
        concurrency: int,
        delay: float,
        *,
        slot_seconds: float = 120.0,
        prefix: str = "pricewatch:host:",
    ) -> None:
        if concurrency < 1:
            raise ValueError("per-host concurrency must be at least 1")
        self.concurrency = concurrency
        self.delay = max(0.0, delay)
        self.slot_seconds = max(1.0, slot_seconds)
        self._client = client
        self._prefix = prefix
        self._reserve = client.register_script(_RESERVE)
        self._pause = client.register_script(_PAUSE)
        self._tokens = iter(range(1 << 62))
        self._token_lock = threading.Lock()
        self._me = f"{os.uname().nodename}:{os.getpid()}:{os.urandom(4).hex()}"

    def _keys(self, host: str) -> tuple[str, str]:
        return f"{self._prefix}{host}:slots", f"{self._prefix}{host}"

    def _token(self) -> str:
        with self._token_lock:
            return f"{self._me}:{next(self._tokens)}"

    @contextlib.contextmanager
    def slot(
        self, host: str, cancel: threading.Event | None = None, deadline: float | None = None
    ) -> Iterator[None]:
        """Hold one of ``host``'s slots: waits for a free one, then for the host's delay to pass.

        Raises:
            CancelledError: ``cancel`` was set while waiting.
            TransientError: the wait would pass ``deadline`` (kind ``timeout``), the host asked for a pause
                longer than that (``rate_limited``), or Redis cannot be reached (``connect``).
        """
        cancel = cancel or threading.Event()
        slots, state = self._keys(host)
        token = self._token()
        while True:
            if cancel.is_set():
                raise CancelledError()
            most = 1e9 if deadline is None else deadline - time.monotonic()
            if most <= 0:
                raise TransientError(f"{host} is busy; gave up waiting for our turn", kind="timeout")
            code, wait = self._call(
                self._reserve,
                keys=[slots, state],
                args=[token, self.concurrency, self.delay, self.slot_seconds, most],
            )
            code, wait = int(code), float(wait)
            if code == 1:
                break
            if code == -2:
                raise TransientError(
                    f"{host} asked us to wait {wait:.0f} s before asking again",
                    kind="rate_limited",
                    retry_after=wait,
                )
            if code == -1:
                raise TransientError(f"{host} is busy; gave up waiting for our turn", kind="timeout")
            cancel.wait(POLL)
        try:
            if wait > 0 and cancel.wait(wait):
                raise CancelledError()
            yield
        finally:
            with contextlib.suppress(Exception):  # the slot lapses by itself when Redis is gone
                self._client.zrem(slots, token)

    def set_host_delay(self, host: str, delay: float) -> None:
        """A longer gap for one host (its robots.txt ``Crawl-delay``), for every process."""
        with contextlib.suppress(Exception):
            self._client.hset(self._keys(host)[1], "delay", str(max(self.delay, delay)))

    def host_delay(self, host: str) -> float:
        own = self._client.hget(self._keys(host)[1], "delay")
        return max(self.delay, float(own)) if own is not None else self.delay

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to ``host`` for ``seconds`` (its ``Retry-After``), in every process."""
        with contextlib.suppress(Exception):
            self._pause(keys=[self._keys(host)[1]], args=[max(0.0, seconds)])

    def paused_for(self, host: str) -> float:
        """Seconds until ``host`` may be asked again after a Retry-After (0 when not paused)."""
        value = self._call(self._pause, keys=[self._keys(host)[1]], args=[0])
        return max(0.0, float(value))

    @staticmethod
    def _call(script: Any, keys: list[str], args: list[Any]) -> Any:
        try:
            return script(keys=keys, args=args)
        except Exception as exc:  # redis.ConnectionError and kin: this module does not import redis
            if isinstance(exc, CancelledError | TransientError):
                raise
            raise TransientError(
                f"the shared politeness store is unreachable: {exc}", kind="connect"
            ) from exc
