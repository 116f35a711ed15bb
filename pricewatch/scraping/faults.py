"""Turning HTTP statuses and httpx exceptions into transient or permanent scrape errors."""

from __future__ import annotations

import socket
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from pricewatch.errors import InvalidURLError, PermanentError, ScrapeError, TransientError

# Statuses worth trying again later even though they are 4xx: request timeout, too early, rate limited.
_TRANSIENT_4XX = {408, 425, 429}
# getaddrinfo's answers that the name does not exist (a mistyped shop address): retrying will not help. Other
# resolver failures (EAI_AGAIN: the resolver could not be asked) stay transient.
_NO_SUCH_HOST = frozenset({socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)})


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta seconds or an HTTP date); None when unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def error_for_status(status: int, headers: httpx.Headers, url: str) -> ScrapeError | None:
    """The error an HTTP status means for a page fetch, or None for success and redirects."""
    if status < 400:
        return None
    shown = url[:200]
    if status in _TRANSIENT_4XX or status >= 500:
        retry_after = parse_retry_after(headers.get("retry-after"))
        if status == 429:
            kind, what = "rate_limited", "the shop is rate limiting us (HTTP 429)"
        elif status >= 500:
            kind, what = "http_5xx", f"the shop's server failed (HTTP {status})"
        else:
            kind, what = "http_4xx", f"the shop asked us to try again (HTTP {status})"
        if retry_after is not None:
            what += f"; retry after {retry_after:.0f} s"
        return TransientError(f"{what}: {shown}", kind=kind, retry_after=retry_after, status=status)
    if status == 404 or status == 410:
        return PermanentError(
            f"the page does not exist (HTTP {status}): {shown}", kind="http_4xx", status=status
        )
    if status in (401, 403):
        return PermanentError(
            f"the shop refused access (HTTP {status}): {shown}", kind="http_4xx", status=status
        )
    return PermanentError(
        f"the shop rejected the request (HTTP {status}): {shown}", kind="http_4xx", status=status
    )


def error_for_exception(exc: Exception, url: str) -> ScrapeError:
    """The scrape error for an httpx exception raised while talking to ``url``."""
    shown = url[:200]
    if isinstance(exc, httpx.TimeoutException):
        what = "connecting" if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout) else "reading"
        return TransientError(f"timed out {what} {shown}", kind="timeout")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return InvalidURLError(f"not a fetchable URL: {shown} ({exc})")
    if isinstance(exc, httpx.DecodingError):
        return TransientError(f"the page's compressed data is broken: {shown}", kind="decoding")
    if isinstance(exc, httpx.ConnectError):
        resolver = _resolver_error(exc)
        if resolver is not None and resolver.errno in _NO_SUCH_HOST:
            host = urlsplit(url).hostname or shown  # the host, not the robots.txt address that was asked for
            return PermanentError(f"the shop's address {host[:200]} could not be found (DNS)", kind="dns")
        return TransientError(f"could not connect to the shop: {shown} ({exc})", kind="connect")
    if isinstance(exc, httpx.TransportError):  # read/write errors, dropped connections, protocol errors
        return TransientError(f"the connection failed: {shown} ({exc.__class__.__name__})", kind="connect")
    return PermanentError(f"the request failed: {shown} ({exc})", kind="http_4xx")


def _resolver_error(exc: BaseException) -> socket.gaierror | None:
    """The getaddrinfo failure behind an httpx error (httpx wraps httpcore's error, which wraps it)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, socket.gaierror):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None
