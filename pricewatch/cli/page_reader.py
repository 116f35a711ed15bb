"""How ``pricewatch extract`` reads a URL: through the fetch-mode chooser, with the browser when needed.

The browser helper is started only when a page needs it, and stopped when the command ends.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from pricewatch.scraping.fetch_modes import FetchMode, ModeChooser, ModedFetch

if TYPE_CHECKING:
    from pricewatch.app import PriceWatch
    from pricewatch.scraping.browser import BrowserFetcher


class PageReader:
    """Reads URLs in one mode for the command; thread-safe; :meth:`close` stops the browser it started."""

    def __init__(self, app: PriceWatch, mode: FetchMode) -> None:
        from pricewatch.storage.shop_modes import ShopModes

        self.app = app
        self.mode = mode
        self._browser: BrowserFetcher | None = None
        self._lock = threading.Lock()
        memory = ShopModes(app.db)
        browser = self.browser if app.settings.browser.enabled else None
        self.chooser = ModeChooser(app.fetcher, browser, memory)

    def browser(self) -> BrowserFetcher:
        with self._lock:
            if self._browser is None:
                from pricewatch.scraping.browser import BrowserFetcher, BrowserSettings

                settings = BrowserSettings.from_settings(self.app.settings, self.app.paths)
                self._browser = BrowserFetcher(settings, plain=self.app.fetcher)
            return self._browser

    def read(self, url: str, selector: str | None) -> ModedFetch:
        return self.chooser.fetch(url, self.mode, selector=selector)

    def close(self) -> None:
        with self._lock:
            browser, self._browser = self._browser, None
        if browser is not None:
            browser.close()
