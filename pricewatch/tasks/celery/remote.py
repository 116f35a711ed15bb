"""The page reader tasks get with ``executor = "celery"``: checks read on workers, the rest here.

Reads that go to workers: those of checks (``use_cache=False``) in ``plain`` mode, or ``auto`` for a shop
not known to need the browser. Previews (which fill the cache the first check reuses), ``browser`` products
and shops that needed the browser before read here, where the browser and its cookies live. When the
workers cannot take a read (see :class:`~pricewatch.tasks.celery.link.CeleryLink`) it is read here too.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from pricewatch.scraping.fetch_modes import Aside, FetchMode, ModedFetch, parse_mode
from pricewatch.tasks.celery.link import WorkersUnavailable
from pricewatch.tasks.celery.pages import moded_from_json, page_request
from pricewatch.urls import shop_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from pricewatch.scraping.fetch import FetchSettings
    from pricewatch.scraping.fetch_modes import ModeChooser
    from pricewatch.tasks.celery.link import CeleryLink

log = logging.getLogger(__name__)


class RemotePages:
    """:class:`~pricewatch.scraping.fetch_modes.PageModes` over workers, with ``local`` as the fallback.

    Args:
        local: this process's reader (plain fetcher, browser, the per-shop memory).
        link: the line to the workers.
        settings: the fetch settings workers use (this process's).
        has_browser: whether this process may use its browser (``[browser] enabled``).
    """

    def __init__(
        self,
        local: ModeChooser,
        link: CeleryLink,
        settings: FetchSettings,
        has_browser: Callable[[], bool] = lambda: True,
    ) -> None:
        self.local = local
        self.link = link
        self.settings = settings
        self._has_browser = has_browser

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
        mode = parse_mode(mode) if isinstance(mode, str) else mode
        cancel = cancel or threading.Event()

        def here() -> ModedFetch:
            return self.local.fetch(
                url, mode, selector=selector, etag=etag, last_modified=last_modified,
                respect_robots=respect_robots, cancel=cancel, use_cache=use_cache, aside=aside,
            )  # fmt: skip

        if use_cache or not self._remote_mode(url, mode):
            return here()
        request = page_request(
            url, mode, settings=self.settings, selector=selector, etag=etag, last_modified=last_modified,
            respect_robots=respect_robots,
        )  # fmt: skip
        try:
            answer = self.link.read(request, cancel)
        except WorkersUnavailable as exc:
            log.debug("reading %.200r here: %s", url, exc)
            return here()
        moded = moded_from_json(answer)  # raises the page fault the worker met
        unread = moded.extraction is not None and not moded.has_price and moded.browser_reason
        if mode is FetchMode.AUTO and unread and self._has_browser():
            return here()  # the browser may read what the worker's plain fetch could not
        if mode is FetchMode.AUTO and moded.has_price and self.local.memory is not None:
            self.local.memory.remember(shop_name(url), str(FetchMode.PLAIN))
        return moded

    def _remote_mode(self, url: str, mode: FetchMode) -> bool:
        if mode is FetchMode.PLAIN:
            return True
        if mode is FetchMode.BROWSER:
            return False
        memory = self.local.memory
        return memory is None or memory.get(shop_name(url)) != FetchMode.BROWSER or not self._has_browser()
