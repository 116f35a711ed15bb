"""robots.txt: fetched once per site, kept for a day, asked before every page (Protego parses it).

What a site's answer means follows RFC 9309: a 4xx (no robots.txt) allows everything; a 5xx or a network
failure means "unreachable", which must be read as "disallow everything" - we raise a transient error instead,
so the task layer tries again later, and do not remember it beyond the checks that were waiting for that read.

One thread reads a site's robots.txt while the other checks of that site wait; the read has its own deadline
(:data:`ROBOTS_DEADLINE`) and each waiter keeps watching its own cancel flag and deadline.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from pricewatch.errors import CancelledError, PermanentError, ScrapeError, TransientError

ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt should not be used for more than 24 hours
MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309: parse at least 500 KiB; we read no more
ROBOTS_DEADLINE = 15.0  # seconds a robots.txt read may take, however slowly its bytes trickle in
_POLL = 0.05  # how often a check waiting for another's robots.txt read looks at its cancel flag


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """A site's robots.txt as fetched: ``text`` None means "allow everything" (none there, 4xx)."""

    text: str | None


# Fetches ``<origin>/robots.txt`` by the deadline given (a time.monotonic() value) and returns its answer;
# raises a (transient) ScrapeError when unreachable.
RobotsLoader = Callable[[str, float], RobotsAnswer]


@dataclass(slots=True)
class _Entry:
    rules: Protego | None
    loaded_at: float


@dataclass(slots=True)
class _Failure:
    error: ScrapeError
    at: float


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def product_token(user_agent: str) -> str:
    """The name robots.txt groups match against: ``PriceWatch`` from ``PriceWatch/1.0 (+...)``."""
    return user_agent.split("/", 1)[0].split(" ", 1)[0] or "*"


class RobotsCache:
    """Thread-safe per-origin robots.txt rules; each origin is fetched by one thread while others wait."""

    def __init__(
        self,
        loader: RobotsLoader,
        user_agent: str,
        ttl: float = ROBOTS_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._loader = loader
        self._agent = product_token(user_agent)
        self._ttl = ttl
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._failures: dict[str, _Failure] = {}
        self._lock = threading.Lock()

    def rules_for(
        self, url: str, cancel: threading.Event | None = None, deadline: float | None = None
    ) -> Protego | None:
        """The parsed rules of ``url``'s site (None: everything allowed), fetching them when needed.

        Raises:
            ScrapeError: the read failed (also for the checks that waited for that read).
            CancelledError: ``cancel`` was set while waiting for another check's read.
            TransientError: ``deadline`` passed while waiting for another check's read (kind ``timeout``).
        """
        origin = origin_of(url)
        with self._lock:
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        asked_at = self._clock()
        self._acquire(origin_lock, origin, cancel, deadline)
        try:
            failure = self._failures.get(origin)
            if failure is not None and failure.at >= asked_at:
                # The read this check waited for failed just now: one slow site costs one deadline, not one
                # per waiting check.
                raise type(failure.error)(str(failure.error), kind=failure.error.kind,
                                          retry_after=failure.error.retry_after)  # fmt: skip
            entry = self._entries.get(origin)
            if entry is None or self._clock() - entry.loaded_at > self._ttl:
                entry = self._load(origin, cancel, deadline)
            return entry.rules
        finally:
            origin_lock.release()

    def _load(self, origin: str, cancel: threading.Event | None, deadline: float | None) -> _Entry:
        limit = time.monotonic() + ROBOTS_DEADLINE
        try:
            answer = self._loader(origin, limit if deadline is None else min(limit, deadline))
        except ScrapeError as exc:
            if not isinstance(exc, CancelledError) and not (cancel is not None and cancel.is_set()):
                self._failures[origin] = _Failure(exc, self._clock())
            raise
        self._failures.pop(origin, None)
        rules = None if answer.text is None else Protego.parse(answer.text)
        entry = _Entry(rules, self._clock())
        self._entries[origin] = entry
        return entry

    @staticmethod
    def _acquire(
        lock: threading.Lock, origin: str, cancel: threading.Event | None, deadline: float | None
    ) -> None:
        while not lock.acquire(timeout=_POLL):
            if cancel is not None and cancel.is_set():
                raise CancelledError()
            if deadline is not None and time.monotonic() >= deadline:
                raise TransientError(
                    f"gave up waiting for {origin[:200]}/robots.txt, which another check is still reading",
                    kind="timeout",
                )

    def check(self, url: str, cancel: threading.Event | None = None, deadline: float | None = None) -> None:
        """Raise :class:`PermanentError` (kind ``robots``) when robots.txt disallows ``url`` for us."""
        rules = self.rules_for(url, cancel, deadline)
        if rules is not None and not rules.can_fetch(url, self._agent):
            raise PermanentError(
                f"the shop's robots.txt does not allow PriceWatch to read this page: {url[:200]}",
                kind="robots",
            )

    def crawl_delay(self, url: str) -> float | None:
        """The ``Crawl-delay`` the site asks of us, if any (rules must be loaded already)."""
        entry = self._entries.get(origin_of(url))
        if entry is None or entry.rules is None:
            return None
        return entry.rules.crawl_delay(self._agent)

    def forget(self, url: str | None = None) -> None:
        """Drop the cached rules of one site (or all)."""
        with self._lock:
            if url is None:
                self._entries.clear()
            else:
                self._entries.pop(origin_of(url), None)
