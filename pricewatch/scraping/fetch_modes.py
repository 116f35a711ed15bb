"""Which fetcher reads a page: plain httpx, the browser, or ``auto`` (plain first, the browser when needed).

``auto`` asks the plain fetcher first and turns to the browser when the page shows a bot check, an empty
script shell or no price (see :mod:`pricewatch.scraping.page_check`), or when the shop refuses plain clients
(HTTP 4xx/5xx other than rate limiting). The mode that gave a price is remembered per shop, so the next
``auto`` fetch of that shop goes straight to the fetcher that works instead of paying for both.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from pricewatch.errors import CancelledError, ScrapeError
from pricewatch.scraping.page_check import PageCheck, check_page, plain_reason
from pricewatch.urls import shop_name, validate_url

if TYPE_CHECKING:
    from pricewatch.scraping.browser import BrowserFetcher
    from pricewatch.scraping.extract import Extraction
    from pricewatch.scraping.fetch import Fetcher, FetchResult
    from pricewatch.scraping.reading import PageReading

log = logging.getLogger(__name__)

# Plain requests refused with these statuses may pass in a browser: a bot wall answers 403 (or 401) to clients
# that run no script. A 503 or 429 goes to the browser only when its page is a bot check; otherwise it is
# retried as it is (transient): a shop that is down is down for a browser too. Robots.txt, bad addresses and
# timeouts are the same for both.
BROWSER_MAY_HELP = frozenset({401, 403})


# Entered while a fetched page is read (see ModeChooser.fetch).
Aside = Callable[[], AbstractContextManager[object]]


class FetchMode(enum.StrEnum):
    AUTO = "auto"
    PLAIN = "plain"
    BROWSER = "browser"


def parse_mode(text: str | None) -> FetchMode:
    """A mode from settings, a product row or a command line; empty means ``auto``; raises ValueError."""
    try:
        return FetchMode((text or "auto").strip().lower())
    except ValueError:
        raise ValueError(f"unknown fetch mode {text!r}: use auto, plain or browser") from None


class ShopModeMemory(Protocol):
    """Where ``auto`` keeps the mode that worked per shop (``pricewatch.storage.shop_modes.ShopModes``)."""

    def get(self, shop: str) -> str | None: ...

    def remember(self, shop: str, mode: str) -> None: ...


class PageReader(Protocol):
    """:meth:`pricewatch.scraping.pool.ExtractionPool.read` or :func:`inline_reader`."""

    def __call__(
        self,
        html: str,
        url: str | None = None,
        *,
        selector: str | None = None,
        encoding: str | None = None,
        cancel: threading.Event | None = None,
    ) -> PageReading: ...


def inline_reader(
    html: str,
    url: str | None = None,
    *,
    selector: str | None = None,
    encoding: str | None = None,
    cancel: threading.Event | None = None,
) -> PageReading:
    from pricewatch.scraping.reading import read_page

    return read_page(html, url, selector=selector, encoding=encoding)


@dataclass(frozen=True, slots=True)
class ModedFetch:
    """A page read in some mode.

    Attributes:
        result: the fetched page (``result.not_modified`` with no ``extraction`` after a 304).
        extraction: what the extractor read from it, or None after a 304.
        fetcher: ``plain`` or ``browser``: the fetcher whose page was read (for "which fetcher ran").
        tried: the fetchers asked, in order (``("plain", "browser")`` when auto fell back).
        browser_reason: why the browser was needed (auto fell back, or plain mode saw it would be).
    """

    result: FetchResult
    extraction: Extraction | None
    fetcher: FetchMode
    tried: tuple[FetchMode, ...]
    browser_reason: str | None = None
    worker: str | None = None  # the Celery worker that read it (None: this process)
    check: PageCheck | None = None  # the page check made with the extraction (None: not made yet)

    @property
    def has_price(self) -> bool:
        return self.extraction is not None and self.extraction.price is not None

    def info(self) -> dict[str, object]:
        """JSON-able facts for task results: which fetcher ran and why."""
        facts: dict[str, object] = {"fetcher": str(self.fetcher), "tried": [str(m) for m in self.tried],
                                    "browser_reason": self.browser_reason}  # fmt: skip
        if self.worker is not None:
            facts["worker"] = self.worker
        return facts


class PageModes(Protocol):
    """What reads a page in a fetch mode for tasks: a :class:`ModeChooser`, or one that sends the reads of
    checks to Celery workers (``pricewatch.tasks.celery.remote.RemotePages``)."""

    def fetch(
        self,
        url: str,
        mode: FetchMode | str = FetchMode.AUTO,
        *,
        selector: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        respect_robots: bool = True,
        cancel: threading.Event | None = None,
        use_cache: bool = True,
        aside: Aside | None = None,
    ) -> ModedFetch: ...


class ModeChooser:
    """Fetches and extracts one page in a mode; thread-safe when its parts are.

    Args:
        plain: the plain fetcher.
        browser: returns the browser fetcher, built on first use; None (or returning None) when there is no
            browser (``[browser] enabled = false``): ``auto`` then stays plain and ``browser`` fails.
        memory: the per-shop memory of what worked (None: nothing remembered).
        reader: extracts and checks a page (the tasks' process pool, or :func:`inline_reader`).
    """

    def __init__(
        self,
        plain: Fetcher,
        browser: Callable[[], BrowserFetcher | None] | None = None,
        memory: ShopModeMemory | None = None,
        reader: PageReader = inline_reader,
    ) -> None:
        self.plain = plain
        self._browser = browser
        self.memory = memory
        self.reader = reader

    def fetch(
        self,
        url: str,
        mode: FetchMode | str = FetchMode.AUTO,
        *,
        selector: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        respect_robots: bool = True,
        cancel: threading.Event | None = None,
        use_cache: bool = True,
        aside: Aside | None = None,
    ) -> ModedFetch:
        """Read ``url`` in ``mode``; raises the fetchers' :class:`ScrapeError` (the last one tried).

        ``aside`` is entered while a fetched page is read (extracted and checked): a task passes
        :meth:`~pricewatch.tasks.context.TaskContext.off_queue`, so its connection slot serves the next
        check meanwhile.
        """
        url = validate_url(url)
        mode = parse_mode(mode) if isinstance(mode, str) else mode
        cancel = cancel or threading.Event()
        args = _Args(url, selector, etag, last_modified, respect_robots, cancel, use_cache, aside)
        if mode is FetchMode.BROWSER:
            return self._browser_read(args, (), None)
        if mode is FetchMode.PLAIN:
            moded = self._plain_read(args)
            return self._mark_plain_reason(moded)
        return self._auto(args)

    # -- auto -------------------------------------------------------------------------------------------
    def _auto(self, args: _Args) -> ModedFetch:
        shop = shop_name(args.url)
        remembered = self.memory.get(shop) if self.memory is not None else None
        if remembered == FetchMode.BROWSER and self._browser_fetcher() is not None:
            moded = self._browser_read(args, (), "this shop needed the browser before")
            if moded.has_price:
                return moded
            fallback = self._plain_read(args, tried=moded.tried)
            self._remember(shop, fallback)
            return fallback if fallback.has_price else moded
        try:
            moded = self._plain_read(args)
        except ScrapeError as exc:
            if isinstance(exc, CancelledError) or not (exc.status in BROWSER_MAY_HELP or exc.bot_check):
                raise
            if self._browser_fetcher() is None:
                raise
            refused = f"the shop refused the plain request ({exc})"
            moded = self._browser_read(args, (FetchMode.PLAIN,), refused)
            self._remember(shop, moded)
            return moded
        if moded.extraction is None:  # 304 Not Modified: the shop answered plain clients fine
            return moded
        why = _page_check(moded).reason(moded.has_price)
        if why is None or self._browser_fetcher() is None:
            self._remember(shop, moded)
            return self._mark_plain_reason(moded)
        try:
            rendered = self._browser_read(args, moded.tried, why)
        except ScrapeError as exc:
            if isinstance(exc, CancelledError) or exc.transient:
                raise
            log.info("browser fallback for %.200r failed: %s", args.url, exc)
            return self._mark_plain_reason(moded)
        self._remember(shop, rendered)
        if rendered.has_price or not moded.has_price:
            return rendered
        return moded

    def _remember(self, shop: str, moded: ModedFetch) -> None:
        if self.memory is not None and moded.has_price:
            self.memory.remember(shop, str(moded.fetcher))

    # -- single fetchers --------------------------------------------------------------------------------
    def _browser_fetcher(self) -> BrowserFetcher | None:
        return self._browser() if self._browser is not None else None

    def _plain_read(self, args: _Args, tried: tuple[FetchMode, ...] = ()) -> ModedFetch:
        result = self.plain.fetch(
            args.url,
            etag=args.etag,
            last_modified=args.last_modified,
            respect_robots=args.respect_robots,
            cancel=args.cancel,
            use_cache=args.use_cache,
        )
        return self._read(result, FetchMode.PLAIN, (*tried, FetchMode.PLAIN), None, args)

    def _browser_read(self, args: _Args, tried: tuple[FetchMode, ...], why: str | None) -> ModedFetch:
        browser = self._browser_fetcher()
        if browser is None:
            raise ScrapeError("the browser fetcher is turned off ([browser] enabled = false)",
                              kind="browser_unavailable")  # fmt: skip
        result = browser.fetch(
            args.url, selector=args.selector, respect_robots=args.respect_robots, cancel=args.cancel
        )
        return self._read(result, FetchMode.BROWSER, (*tried, FetchMode.BROWSER), why, args)

    def _read(
        self, result: FetchResult, fetcher: FetchMode, tried: tuple[FetchMode, ...], why: str | None, a: _Args
    ) -> ModedFetch:
        if result.not_modified or result.html is None:
            return ModedFetch(result, None, fetcher, tried, why)
        with a.aside() if a.aside is not None else contextlib.nullcontext():
            reading = self.reader(
                result.html, result.final_url, selector=a.selector, encoding=result.encoding, cancel=a.cancel
            )
        return ModedFetch(result, reading.extraction, fetcher, tried, why, check=reading.check)

    @staticmethod
    def _mark_plain_reason(moded: ModedFetch) -> ModedFetch:
        """A plain page without a price that a browser could read says so in the extraction's reason."""
        if moded.extraction is None or moded.has_price or moded.fetcher is not FetchMode.PLAIN:
            return moded
        reason = plain_reason(_page_check(moded), False)
        if reason is None:
            return moded
        extraction = replace(moded.extraction, reason=reason)
        return replace(moded, extraction=extraction, browser_reason=reason)


def _page_check(moded: ModedFetch) -> PageCheck:
    """The check made with the page's extraction, or one made now (a reader that made none)."""
    return moded.check if moded.check is not None else check_page(moded.result.html or "")


@dataclass(frozen=True, slots=True)
class _Args:
    url: str
    selector: str | None
    etag: str | None
    last_modified: str | None
    respect_robots: bool
    cancel: threading.Event
    use_cache: bool
    aside: Aside | None
