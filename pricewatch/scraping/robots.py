"""robots.txt: fetched once per site, kept for a day, asked before every page (Protego parses it).

What a site's answer means follows RFC 9309: a 4xx (no robots.txt) allows everything; a 5xx or a network
failure means "unreachable", which must be read as "disallow everything" - we raise a transient error instead,
so the task layer tries again later, and do not remember it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from pricewatch.errors import PermanentError

ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt should not be used for more than 24 hours
MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309: parse at least 500 KiB; we read no more


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """A site's robots.txt as fetched: ``text`` None means "allow everything" (none there, 4xx)."""

    text: str | None


# Fetches ``<origin>/robots.txt`` and returns its answer; raises a (transient) ScrapeError when unreachable.
RobotsLoader = Callable[[str], RobotsAnswer]


@dataclass(slots=True)
class _Entry:
    rules: Protego | None
    loaded_at: float


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
        self._lock = threading.Lock()

    def rules_for(self, url: str) -> Protego | None:
        """The parsed rules of ``url``'s site (None: everything allowed), fetching them when needed."""
        origin = origin_of(url)
        with self._lock:
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        with origin_lock:
            entry = self._entries.get(origin)
            if entry is None or self._clock() - entry.loaded_at > self._ttl:
                answer = self._loader(origin)
                rules = None if answer.text is None else Protego.parse(answer.text)
                entry = _Entry(rules, self._clock())
                self._entries[origin] = entry
            return entry.rules

    def check(self, url: str) -> None:
        """Raise :class:`PermanentError` (kind ``robots``) when robots.txt disallows ``url`` for us."""
        rules = self.rules_for(url)
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
