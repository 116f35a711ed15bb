"""URL checks done before any I/O: only absolute http(s) URLs with a host are accepted."""

from __future__ import annotations

from urllib.parse import urlsplit

from pricewatch.scraping.errors import InvalidURLError

MAX_URL_LENGTH = 4096


def validate_url(url: str) -> str:
    """Return ``url`` stripped of surrounding blanks, or raise :class:`InvalidURLError` saying what is wrong."""
    if not isinstance(url, str):
        raise InvalidURLError("the URL must be text")
    url = url.strip()
    if not url:
        raise InvalidURLError("the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURLError(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ord(ch) < 32 or ch == "\x7f" for ch in url):
        raise InvalidURLError("the URL contains control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidURLError(f"not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "none"
        raise InvalidURLError(f"only http and https URLs can be tracked (scheme: {shown}): {url[:200]}")
    if not parts.hostname:
        raise InvalidURLError(f"the URL has no host name: {url[:200]}")
    return url


def shop_name(url: str) -> str:
    """The shop's host name without a leading ``www.`` (shown in the products table)."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
