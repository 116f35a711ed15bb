"""The browser fetcher, as the parent sees it: plain Python, thread-safe, no Qt.

:class:`BrowserFetcher` hands pages to a renderer helper process (see :mod:`.helper`) and returns the same
:class:`~pricewatch.scraping.fetch.FetchResult` as the plain fetcher, so the same extractor reads it. It
keeps the manners of plain fetches (robots.txt, per-host concurrency and delay, shared with the plain
fetcher when given one), renders at most ``pages`` pages at a time with at most ``queue_limit`` waiting,
restarts the helper when it dies and recycles it after ``recycle_after_pages`` pages or above its memory
ceiling.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pricewatch.errors import CancelledError, TransientError
from pricewatch.scraping.browser.addresses import is_local_host
from pricewatch.scraping.browser.process import HelperProcess, Pending
from pricewatch.scraping.browser.protocol import error_from
from pricewatch.scraping.browser.settings import BrowserSettings, ensure_private_folder
from pricewatch.scraping.fetch import FetchResult, host_key
from pricewatch.urls import validate_url

if TYPE_CHECKING:
    from pricewatch.scraping.fetch import Fetcher

log = logging.getLogger(__name__)

ANSWER_GRACE = 10.0  # seconds past the page deadline before a silent helper counts as hung
_POLL = 0.05


class BrowserFetcher:
    """Thread-safe rendered-page fetcher; call :meth:`close` when done.

    Args:
        settings: limits, folder, proxy and user agent.
        plain: the plain fetcher whose robots.txt cache and per-host gate this one shares (optional).
    """

    def __init__(self, settings: BrowserSettings, plain: Fetcher | None = None) -> None:
        self.settings = settings
        self.plain = plain
        self.restarts = 0  # helpers that died and were replaced
        self.started = 0  # helpers started in all (restarts and recycling included)
        self.peak_rss = 0
        self._helper: HelperProcess | None = None
        self._helper_lock = threading.Lock()
        self._cond = threading.Condition()
        self._rendering = 0
        self._waiting = 0
        self._closed = False

    # -- public -----------------------------------------------------------------------------------------
    def fetch(
        self,
        url: str,
        *,
        selector: str | None = None,
        respect_robots: bool = True,
        cancel: threading.Event | None = None,
    ) -> FetchResult:
        """Render one page and return its DOM as HTML.

        Raises the plain fetcher's error kinds, plus ``busy`` (queue full, transient), ``browser_crashed``
        (the helper died mid-page, transient: the next fetch restarts it) and ``browser_unavailable``.
        """
        url = validate_url(url)
        cancel = cancel or threading.Event()
        started = time.monotonic()
        if self.plain is not None and respect_robots and self.plain.settings.respect_robots:
            self.plain.robots.check(url)
        self._enter_queue(cancel)
        try:
            if self.plain is not None:
                deadline = time.monotonic() + self.settings.deadline
                with self.plain.gate.slot(host_key(url), cancel, deadline):
                    answer = self._render(url, selector or "", cancel)
            else:
                answer = self._render(url, selector or "", cancel)
        finally:
            self._leave()
        if not answer.get("ok"):
            raise error_from(answer)
        html = str(answer.get("html") or "")
        final_url = str(answer.get("final_url") or url)
        status = answer.get("status")
        status = status if isinstance(status, int) and not isinstance(status, bool) else 200
        elapsed = (time.monotonic() - started) * 1000
        log.debug("rendered %.200r in %.0f ms (%s)", url, elapsed, answer.get("settled"))
        return FetchResult(url, final_url, status, html, None, None, None, False, elapsed)

    @property
    def user_agent(self) -> str:
        """The user agent of the running helper (empty before the first page)."""
        helper = self._helper
        return helper.user_agent if helper is not None else ""

    @property
    def helper_pid(self) -> int | None:
        helper = self._helper
        return helper.proc.pid if helper is not None and helper.alive else None

    def helper_rss(self) -> int:
        helper = self._helper
        return helper.rss_bytes() if helper is not None and helper.alive else 0

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        with self._helper_lock:
            helper, self._helper = self._helper, None
        if helper is not None:
            helper.stop()

    def __enter__(self) -> BrowserFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queue ------------------------------------------------------------------------------------------
    def _enter_queue(self, cancel: threading.Event) -> None:
        with self._cond:
            if self._closed:
                raise CancelledError("the browser fetcher is shut down")
            if self._waiting >= self.settings.queue_limit:
                raise TransientError(
                    f"the browser has {self._waiting} pages waiting already; try again later", kind="busy"
                )
            self._waiting += 1
            try:
                while self._rendering >= self.settings.pages:
                    if cancel.is_set() or self._closed:
                        raise CancelledError()
                    self._cond.wait(_POLL)
            finally:
                self._waiting -= 1
            self._rendering += 1

    def _leave(self) -> None:
        with self._cond:
            self._rendering -= 1
            self._cond.notify()

    # -- helper -----------------------------------------------------------------------------------------
    def _render(self, url: str, selector: str, cancel: threading.Event) -> dict[str, object]:
        helper = self._current_helper()
        allow_local = is_local_host(urlsplit(url).hostname or "")
        pending = helper.submit(url, self.settings.deadline, selector, allow_local)
        answer = self._wait(helper, pending, cancel)
        self._after_page(helper)
        return answer

    def _wait(self, helper: HelperProcess, pending: Pending, cancel: threading.Event) -> dict[str, object]:
        give_up = time.monotonic() + self.settings.deadline + ANSWER_GRACE
        while not pending.wait(_POLL):
            if cancel.is_set():
                helper.cancel(pending)
                raise CancelledError()
            if time.monotonic() > give_up:
                # The helper itself stopped answering: only a restart helps.
                helper.forget(pending)
                log.warning("browser helper did not answer in time; restarting it")
                self._retire(helper, kill=True)
                raise TransientError(f"the browser did not answer within {self.settings.deadline:g} s",
                                     kind="timeout")  # fmt: skip
        assert pending.answer is not None
        return pending.answer

    def _current_helper(self) -> HelperProcess:
        with self._helper_lock:
            helper = self._helper
            if helper is not None and (not helper.alive or helper.retiring):
                if not helper.alive:
                    self.restarts += 1
                self._helper = helper = None
            if helper is None:
                ensure_private_folder(self.settings.folder)
                helper = self._helper = HelperProcess(self.settings)
                self.started += 1
            return helper

    def _after_page(self, helper: HelperProcess) -> None:
        if not helper.alive:
            return
        rss = helper.rss_bytes()
        self.peak_rss = max(self.peak_rss, rss)
        too_big = rss > self.settings.memory_ceiling_mb * 1_000_000
        if too_big or helper.pages >= self.settings.recycle_after_pages:
            why = f"{rss / 1e6:.0f} MB" if too_big else f"{helper.pages} pages"
            log.info("recycling the browser helper after %s", why)
            self._retire(helper)

    def _retire(self, helper: HelperProcess, *, kill: bool = False) -> None:
        """New fetches get a new helper; this one ends once its last page is answered."""
        with self._helper_lock:
            helper.retiring = True
            if self._helper is helper:
                self._helper = None

        def finish() -> None:
            if kill:
                helper.kill()
                return
            deadline = time.monotonic() + self.settings.deadline + ANSWER_GRACE
            while helper.in_flight and time.monotonic() < deadline:
                time.sleep(_POLL)
            helper.stop()

        threading.Thread(target=finish, name="browser-helper-retire", daemon=True).start()
