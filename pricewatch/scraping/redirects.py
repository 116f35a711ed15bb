"""Where a fetch may be sent on: no https to http, no private or local networks the product does not live
on, and the validators of one host (ETag, Last-Modified) never shown to another."""

from __future__ import annotations

from urllib.parse import urlsplit

from pricewatch.errors import PermanentError
from pricewatch.scraping.addresses import Resolver, allowed_from, host_kinds, resolve

CONDITIONAL_HEADERS = ("If-None-Match", "If-Modified-Since")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


class HopPolicy:
    """The rules for the redirects of one fetch that started at ``home`` (the product page)."""

    def __init__(self, home: str, resolver: Resolver = resolve) -> None:
        self._home = home
        self._resolver = resolver
        self._allowed: frozenset[str] | None = None

    def allowed(self) -> frozenset[str]:
        """Network kinds links may lead to (resolved once, when first needed)."""
        if self._allowed is None:
            self._allowed = allowed_from(host_kinds(urlsplit(self._home).hostname or "", self._resolver))
        return self._allowed

    def check_redirect(self, current: str, target: str) -> None:
        """Raise :class:`PermanentError` (kind ``redirects``) unless ``current`` may lead to ``target``."""
        if urlsplit(current).scheme == "https" and urlsplit(target).scheme == "http":
            raise PermanentError(
                f"the shop redirected from https to plain http ({target[:200]}); PriceWatch does not "
                "follow a redirect that drops encryption",
                kind="redirects",
            )
        self._check_network(current, target, "redirects", "the shop redirected to")

    def check_link(self, url: str) -> None:
        """Raise :class:`PermanentError` (kind ``unsafe_address``) when a link found on the page (an image)
        points into a private or local network the page does not live on."""
        self._check_network(self._home, url, "unsafe_address", "the page links to")

    def _check_network(self, current: str, target: str, kind: str, what: str) -> None:
        host = urlsplit(target).hostname or ""
        if host == (urlsplit(current).hostname or ""):
            return  # the same host as the page or a hop already allowed
        outside = host_kinds(host, self._resolver) - self.allowed()
        if outside:
            raise PermanentError(
                f"{what} an address in a private or local network ({host[:100]}: "
                f"{', '.join(sorted(outside))}); not followed for a page that lives elsewhere",
                kind=kind,
            )

    @staticmethod
    def headers_for(current: str, target: str, headers: dict[str, str]) -> dict[str, str]:
        """``headers`` for the request to ``target``: validators only go back to the origin that gave them."""
        if _origin(current) == _origin(target):
            return headers
        drop = {name.lower() for name in CONDITIONAL_HEADERS}
        return {name: value for name, value in headers.items() if name.lower() not in drop}
