"""Fetching shop pages politely and safely with one shared, thread-safe httpx client.

One :class:`Fetcher` serves every worker thread. A fetch validates the URL before any I/O, asks
robots.txt, waits its turn for the host (concurrency limit and minimum delay), follows at most ten redirects
itself (each hop validated and checked against robots.txt, loops named), reads at most ``max_body_bytes`` of
HTML and decodes it. Faults come out classified (see :mod:`pricewatch.errors`), so the task layer
retries only what may succeed later.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from pricewatch import __version__
from pricewatch.errors import CancelledError, PermanentError, ScrapeError, TransientError
from pricewatch.scraping.charset import decode_body
from pricewatch.scraping.decoding import ACCEPT_ENCODING
from pricewatch.scraping.faults import error_for_exception, error_for_status
from pricewatch.scraping.interrupt import cancel_scope, cancellable_transport
from pricewatch.scraping.limits import iter_body, read_body
from pricewatch.scraping.page_check import check_page
from pricewatch.scraping.politeness import HostGate
from pricewatch.scraping.redirects import HopPolicy
from pricewatch.scraping.robots import MAX_ROBOTS_BYTES, RobotsAnswer, RobotsCache
from pricewatch.urls import validate_url

if TYPE_CHECKING:
    from pricewatch.config import FetchOptions

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/gif")
MAX_IMAGE_BYTES = 2_000_000
REDIRECTS = (301, 302, 303, 307, 308)
MAX_CRAWL_DELAY = 60.0  # a robots.txt asking for more than a minute between requests gets a minute
MAX_ROBOTS_REDIRECTS = 5  # RFC 9309: follow at least five
MAX_PAUSE = 3600.0  # a Retry-After longer than an hour pauses the host for an hour
BOT_WALL_STATUSES = (401, 403, 429, 503)  # what bot walls answer a client that runs no script
BOT_WALL_BYTES = 256_000  # a challenge page is small; a larger refusal is read no further


class ResponseCacheLike(Protocol):
    """What the fetcher needs from :class:`pricewatch.cache.ResponseCache`."""

    def get(self, key: str, default: object = None) -> object: ...

    def set(self, key: str, value: object) -> None: ...


class Gate(Protocol):
    """Per-host politeness: :class:`HostGate`, or one shared through Redis (``shared_gate.RedisHostGate``)."""

    def slot(
        self, host: str, cancel: threading.Event | None = None, deadline: float | None = None
    ) -> contextlib.AbstractContextManager[None]: ...

    def set_host_delay(self, host: str, delay: float) -> None: ...

    def pause(self, host: str, seconds: float) -> None: ...


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits and manners of the fetcher (built from ``settings.fetch``)."""

    user_agent: str = f"PriceWatch/{__version__} (+desktop price tracker)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_body_bytes: int = 10_000_000
    max_redirects: int = 10
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0
    respect_robots: bool = True
    proxy: str = ""  # http://host:port or socks5://host:port; empty: direct

    @classmethod
    def from_settings(cls, options: FetchOptions) -> FetchSettings:
        return cls(
            user_agent=options.user_agent,
            connect_timeout=options.connect_timeout,
            read_timeout=options.read_timeout,
            deadline=options.deadline,
            max_body_bytes=int(options.max_body_mb * 1_000_000),
            per_host_concurrency=options.per_host_concurrency,
            per_host_delay=options.per_host_delay,
            respect_robots=options.respect_robots,
            proxy=options.proxy,
        )


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched page. ``html`` is None when the server said 304 Not Modified (``not_modified``)."""

    url: str
    final_url: str
    status: int
    html: str | None
    encoding: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    elapsed_ms: float
    from_cache: bool = False

    def info(self) -> dict[str, object]:
        """Everything but the page text, JSON-able (for task results and logs)."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "status": self.status,
            "encoding": self.encoding,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "not_modified": self.not_modified,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "from_cache": self.from_cache,
            "bytes": None if self.html is None else len(self.html),
        }


@dataclass(frozen=True, slots=True)
class ImageResult:
    """A fetched image: raw bytes (never decoded here) and the content type the server declared."""

    url: str
    final_url: str
    content_type: str
    data: bytes


def cache_key(url: str) -> str:
    return f"fetch:{url}"


def host_key(url: str) -> str:
    """What politeness counts per: host name and port (never the user:password part)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


class Fetcher:
    """Thread-safe page fetcher; see the module docstring. Call :meth:`close` when done."""

    def __init__(
        self,
        settings: FetchSettings,
        cache: ResponseCacheLike | None = None,
        transport: httpx.BaseTransport | None = None,
        cookies: http.cookiejar.CookieJar | None = None,
        gate: Gate | None = None,
    ) -> None:
        """``cookies``: a jar shared with the browser (its login and bot-check cookies), or a private one.
        ``gate``: per-host politeness shared with other fetchers (Redis, for Celery workers); None: this
        fetcher's own :class:`HostGate` from ``settings``."""
        self.settings = settings
        self.cache = cache
        self.gate: Gate = gate or HostGate(settings.per_host_concurrency, settings.per_host_delay)
        self.robots = RobotsCache(self._load_robots, settings.user_agent)
        self._closed = threading.Event()
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=40)
        self._client = httpx.Client(
            transport=transport or cancellable_transport(limits, settings.proxy or None),
            cookies=cookies,
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,  # only what the bounded decoder reads
            },
            timeout=self._timeout(settings.deadline),
            follow_redirects=False,  # followed by hand: each hop is validated, robots-checked and polite
            limits=limits,
        )

    # -- public -----------------------------------------------------------------------------------------
    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        respect_robots: bool = True,
        cancel: threading.Event | None = None,
        use_cache: bool = True,
    ) -> FetchResult:
        """Fetch one page; see :class:`FetchResult` and the module docstring for the errors raised.

        ``use_cache=False`` neither reads nor fills the cache (price checks: they want the shop's answer now,
        and a thousand checked pages must not sit in memory); a conditional request never reads it.
        """
        url = validate_url(url)
        cancel = cancel or threading.Event()
        conditional = bool(etag or last_modified)
        self._check_cancel(cancel)
        if use_cache and not conditional:
            cached = self.cached(url)
            if cached is not None:
                return cached
        started = time.monotonic()
        deadline = started + self.settings.deadline
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        robots = respect_robots and self.settings.respect_robots
        try:
            with cancel_scope(cancel):
                result: FetchResult = self._follow(url, headers, robots, cancel, deadline, started)
        except ScrapeError as exc:
            log.debug("fetch %.200r failed (%s): %.300s", url, exc.kind, exc)
            if isinstance(exc, CancelledError):
                raise
            if cancel.is_set():
                raise CancelledError() from exc  # a read cut short by the cancel flag
            if self._closed.is_set():
                raise CancelledError("the fetcher is shut down") from exc  # connections closed under us
            raise
        log.debug("fetched %.200r: HTTP %d in %.0f ms", url, result.status, result.elapsed_ms)
        if use_cache and self.cache is not None and not result.not_modified:
            self.cache.set(cache_key(url), result)
        return result

    def fetch_image(
        self,
        url: str,
        *,
        respect_robots: bool = True,
        cancel: threading.Event | None = None,
        max_bytes: int = MAX_IMAGE_BYTES,
        page_url: str | None = None,
    ) -> ImageResult:
        """Fetch one product image (same robots, politeness and redirect rules as pages; never cached).

        Only PNG, JPEG, WebP and GIF are accepted (kind ``not_image``), at most ``max_bytes`` (``too_large``).
        With ``page_url`` (the product page the image link came from) an image in a private or local network
        the page does not live on is refused before any I/O (kind ``unsafe_address``).
        """
        url = validate_url(url)
        cancel = cancel or threading.Event()
        policy = HopPolicy(validate_url(page_url) if page_url else url)
        policy.check_link(url)
        self._check_cancel(cancel)
        started = time.monotonic()
        deadline = started + self.settings.deadline
        headers = {"Accept": ", ".join(IMAGE_TYPES)}
        robots = respect_robots and self.settings.respect_robots

        def finish(final_url: str, response: httpx.Response) -> ImageResult:
            return self._finish_image(url, final_url, response, cancel, deadline, max_bytes)

        with self._cancellable(cancel):
            image: ImageResult = self._follow(url, headers, robots, cancel, deadline, started, finish, policy)
        return image

    def fetch_data(
        self,
        url: str,
        *,
        types: tuple[str, ...],
        max_bytes: int,
        cancel: threading.Event | None = None,
    ) -> bytes:
        """Fetch a data file (an exchange-rate feed) of one of ``types``; never cached.

        Same robots, politeness and redirect rules as pages; a missing type is accepted (small servers send
        none), another one is refused (kind ``not_data``); more than ``max_bytes`` is ``too_large``.
        """
        url = validate_url(url)
        cancel = cancel or threading.Event()
        self._check_cancel(cancel)
        started = time.monotonic()
        deadline = started + self.settings.deadline
        headers = {"Accept": ", ".join(types)}

        def finish(final_url: str, response: httpx.Response) -> bytes:
            self._raise_for_status(response, final_url)
            if response.status_code != 200:
                raise PermanentError(f"unexpected HTTP {response.status_code}: {final_url[:200]}",
                                     kind="http_4xx")  # fmt: skip
            content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if content_type and content_type not in types:
                raise PermanentError(
                    f"not a data file ({content_type[:60]}): {final_url[:200]}", kind="not_data"
                )
            return self._read(response, max_bytes, deadline, cancel, final_url)

        with self._cancellable(cancel):
            robots = self.settings.respect_robots
            data: bytes = self._follow(url, headers, robots, cancel, deadline, started, finish)
        return data

    @contextlib.contextmanager
    def _cancellable(self, cancel: threading.Event) -> Iterator[None]:
        """Within: the cancel flag cuts reads short, and what fails after it (or after shut-down) is
        a :class:`CancelledError`, not the read's own error."""
        try:
            with cancel_scope(cancel):
                yield
        except ScrapeError as exc:
            if isinstance(exc, CancelledError):
                raise
            if cancel.is_set() or self._closed.is_set():
                raise CancelledError() from exc
            raise

    def cached(self, url: str) -> FetchResult | None:
        """The page a recent cached fetch of ``url`` got (``from_cache`` set), or None; no I/O."""
        if self.cache is None:
            return None
        cached = self.cache.get(cache_key(validate_url(url)))
        if isinstance(cached, dict):  # a cache that keeps JSON (Redis) gives the page back as its fields
            try:
                cached = FetchResult(**cached)
            except TypeError:
                return None
        return replace(cached, from_cache=True) if isinstance(cached, FetchResult) else None

    def close(self) -> None:
        self._closed.set()
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- steps ------------------------------------------------------------------------------------------
    def _follow(
        self,
        url: str,
        headers: dict[str, str],
        robots: bool,
        cancel: threading.Event,
        deadline: float,
        started: float,
        finish: Callable[[str, httpx.Response], Any] | None = None,
        policy: HopPolicy | None = None,
    ) -> Any:
        policy = policy or HopPolicy(url)
        seen = [url]
        current = url
        while True:
            if robots:
                self.robots.check(current, cancel, deadline)
                self._apply_crawl_delay(current)
            self._check_cancel(cancel)
            with self.gate.slot(host_key(current), cancel, deadline):
                self._check_cancel(cancel)
                response = self._send(current, headers, deadline)
                try:
                    if response.status_code in REDIRECTS and "location" in response.headers:
                        target = self._redirect_target(current, response.headers["location"], seen)
                        policy.check_redirect(current, target)
                    elif finish is not None:
                        return finish(current, response)
                    else:
                        return self._finish(url, current, response, cancel, deadline, started)
                finally:
                    response.close()
            seen.append(target)
            headers = policy.headers_for(current, target, headers)
            current = target

    def _send(self, url: str, headers: dict[str, str], deadline: float) -> httpx.Response:
        if self._closed.is_set():
            raise CancelledError("the fetcher is shut down")
        request = self._client.build_request(
            "GET", url, headers=headers, timeout=self._timeout(deadline - time.monotonic())
        )
        try:
            return self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise error_for_exception(exc, url) from exc
        except RuntimeError as exc:  # the client was closed under us (application shutting down)
            raise CancelledError("the fetcher is shut down") from exc

    def _redirect_target(self, current: str, location: str, seen: list[str]) -> str:
        try:
            target = validate_url(urljoin(current, location.strip()))
        except PermanentError as exc:
            raise PermanentError(
                f"the shop redirected to an unusable address: {exc}", kind="redirects"
            ) from None
        if target in seen:
            loop = " -> ".join(u[:120] for u in [*seen[seen.index(target) :], target])
            raise PermanentError(f"the shop's redirects go round in a loop: {loop}", kind="redirects")
        if len(seen) > self.settings.max_redirects:
            raise PermanentError(
                f"more than {self.settings.max_redirects} redirects starting at {seen[0][:200]}",
                kind="redirects",
            )
        return target

    def _finish(
        self,
        url: str,
        final_url: str,
        response: httpx.Response,
        cancel: threading.Event,
        deadline: float,
        started: float,
    ) -> FetchResult:
        status = response.status_code
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        if status == 304 and not self._conditional(response):
            raise PermanentError(
                f"the shop answered 304 Not Modified to a plain request: {final_url[:200]}", kind="http_4xx"
            )
        if status == 304:
            elapsed = (time.monotonic() - started) * 1000
            return FetchResult(url, final_url, 304, None, None, etag, last_modified, True, elapsed)
        self._raise_for_status(response, final_url)
        if status >= 300:
            raise PermanentError(f"unexpected HTTP {status} without a usable Location: {final_url[:200]}",
                                 kind="redirects")  # fmt: skip
        self._check_html(response, final_url)
        body = self._read(response, self.settings.max_body_bytes, deadline, cancel, final_url)
        html, encoding = decode_body(body, response.charset_encoding)
        elapsed = (time.monotonic() - started) * 1000
        return FetchResult(url, final_url, status, html, encoding, etag, last_modified, False, elapsed)

    def _finish_image(
        self,
        url: str,
        final_url: str,
        response: httpx.Response,
        cancel: threading.Event,
        deadline: float,
        max_bytes: int,
    ) -> ImageResult:
        status = response.status_code
        self._raise_for_status(response, final_url)
        if status != 200:
            raise PermanentError(f"unexpected HTTP {status} for an image: {final_url[:200]}", kind="http_4xx")
        content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type not in IMAGE_TYPES:  # a missing type is refused too: we never sniff bytes
            raise PermanentError(
                f"not a PNG, JPEG, WebP or GIF image ({content_type[:60] or 'no type'}): {final_url[:200]}",
                kind="not_image",
            )
        data = self._read(response, max_bytes, deadline, cancel, final_url)
        return ImageResult(url, final_url, content_type, data)

    def _raise_for_status(self, response: httpx.Response, final_url: str) -> None:
        """Raise the fault an error status stands for; a 429/503 with Retry-After pauses the whole shop."""
        error = error_for_status(response.status_code, response.headers, final_url)
        if error is None:
            return
        if error.retry_after and response.status_code in (429, 503):
            # The shop asked for a break: give it one for every request, not just this one.
            self.gate.pause(host_key(final_url), min(error.retry_after, MAX_PAUSE))
        if response.status_code in BOT_WALL_STATUSES:
            error.bot_check = self._bot_check(response)
        raise error

    def _bot_check(self, response: httpx.Response) -> str | None:
        """What bot check a refusal page is (bot walls answer 403 or 503 with a script challenge), if any."""
        try:
            body = self._read(response, BOT_WALL_BYTES, time.monotonic() + 5.0, threading.Event(), "")
        except ScrapeError:
            return None
        html, _ = decode_body(body, response.charset_encoding)
        return check_page(html).bot_check

    @staticmethod
    def _read(
        response: httpx.Response, max_bytes: int, deadline: float, cancel: threading.Event, url: str
    ) -> bytes:
        """The body within the size cap and the deadline; a broken transfer becomes a fetch fault."""
        try:
            return read_body(response, max_bytes=max_bytes, deadline=deadline, cancel=cancel, url=url)
        except httpx.HTTPError as exc:
            raise error_for_exception(exc, url) from exc

    @staticmethod
    def _conditional(response: httpx.Response) -> bool:
        headers = response.request.headers
        return "if-none-match" in headers or "if-modified-since" in headers

    @staticmethod
    def _check_html(response: httpx.Response, url: str) -> None:
        content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        # A missing type is common on small shops; the extractor copes with whatever arrives.
        if content_type and content_type not in HTML_TYPES:
            raise PermanentError(f"not a web page ({content_type[:60]}): {url[:200]}", kind="not_html")

    def _apply_crawl_delay(self, url: str) -> None:
        delay = self.robots.crawl_delay(url)
        if delay:
            self.gate.set_host_delay(host_key(url), min(delay, MAX_CRAWL_DELAY))

    def _load_robots(self, origin: str, deadline: float) -> RobotsAnswer:
        """GET ``origin``/robots.txt politely by ``deadline`` (up to 5 redirects, 500 KiB read).

        A redirect the page rules would refuse (into a private network, https to http) counts as no
        robots.txt, like the 4xx RFC 9309 says too many redirects count as.
        """
        url = f"{origin}/robots.txt"
        policy = HopPolicy(url)
        for _ in range(MAX_ROBOTS_REDIRECTS + 1):
            with self.gate.slot(host_key(url), None, deadline):
                if self._closed.is_set():
                    raise CancelledError("the fetcher is shut down")
                try:
                    request = self._client.build_request(
                        "GET", url, timeout=self._timeout(deadline - time.monotonic())
                    )
                    with contextlib.closing(self._client.send(request, stream=True)) as response:
                        location = response.headers.get("location")
                        if response.status_code in REDIRECTS and location:
                            target = self._robots_redirect(policy, url, location)
                            if target is None:
                                return RobotsAnswer(None)
                            url = target
                            continue
                        if response.status_code >= 500 or response.status_code == 429:
                            error = error_for_status(response.status_code, response.headers, url)
                            assert error is not None
                            raise TransientError(f"robots.txt unreachable: {error}", kind=error.kind,
                                                 retry_after=error.retry_after)  # fmt: skip
                        if response.status_code >= 300:
                            return RobotsAnswer(None)
                        data = self._read_robots(response, deadline, url)
                except httpx.HTTPError as exc:
                    raise error_for_exception(exc, url) from exc
            return RobotsAnswer(data[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace"))
        return RobotsAnswer(None)

    @staticmethod
    def _robots_redirect(policy: HopPolicy, current: str, location: str) -> str | None:
        try:
            target = validate_url(urljoin(current, location.strip()))
            policy.check_redirect(current, target)
        except PermanentError as exc:
            log.info("robots.txt redirect not followed: %.300s", exc)
            return None
        return target

    @staticmethod
    def _read_robots(response: httpx.Response, deadline: float, url: str) -> bytes:
        parts: list[bytes] = []
        size = 0
        try:
            for piece in iter_body(
                response, max_bytes=2 * MAX_ROBOTS_BYTES, deadline=deadline, cancel=None, url=url
            ):
                parts.append(piece)
                size += len(piece)
                if size >= MAX_ROBOTS_BYTES:  # RFC 9309: the first 500 KiB are the rules
                    break
        except TransientError as exc:
            if exc.kind != "timeout":
                raise
            raise TransientError(f"robots.txt did not arrive in time: {url[:200]}", kind="timeout") from None
        return b"".join(parts)

    def _timeout(self, remaining: float) -> httpx.Timeout:
        remaining = max(0.05, remaining)
        return httpx.Timeout(
            connect=min(self.settings.connect_timeout, remaining),
            read=min(self.settings.read_timeout, remaining),
            write=min(self.settings.read_timeout, remaining),
            pool=min(self.settings.connect_timeout, remaining),
        )

    @staticmethod
    def _check_cancel(cancel: threading.Event) -> None:
        if cancel.is_set():
            raise CancelledError()


__all__ = ["FetchResult", "FetchSettings", "Fetcher", "ImageResult", "ScrapeError", "cache_key"]
