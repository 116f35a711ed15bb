"""The browser fetcher: pages rendered by Qt WebEngine in a helper process, for shops that need scripts.

The parent side (this package's public names) has no Qt: :class:`BrowserFetcher` talks to the helper over
pipes. The helper (:mod:`.helper`, :mod:`.renderer`, :mod:`.guard`) and the interactive window
(:mod:`.window`) are the only modules here that import Qt.
"""

from pricewatch.scraping.browser.client import BrowserFetcher
from pricewatch.scraping.browser.settings import BrowserSettings

__all__ = ["BrowserFetcher", "BrowserSettings"]
