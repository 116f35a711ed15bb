"""Errors every layer may raise and every front end translates (HTTP status, exit code, dialog text).

They sit at the bottom so that storage, scraping and the facade can raise them without importing a front end,
and the GUI, the API and the CLI can catch them without importing each other or the layer that raised them.
"""

from __future__ import annotations


class NotFoundError(LookupError):
    """An id that names nothing (a product, a task)."""


class ConflictError(ValueError):
    """The request contradicts what is stored (a URL that is already tracked)."""


class BadInputError(ValueError):
    """A value the user or a script gave that cannot be used (a URL that is not http(s), a bad price)."""


# Scraping faults, classified so the task engine knows what is worth retrying and front ends what to say.


class ScrapeError(Exception):
    """A fault while fetching or reading a page.

    Attributes:
        kind: a short stable tag (``timeout``, ``connect``, ``http_5xx``, ``rate_limited``, ``http_4xx``,
            ``not_html``, ``too_large``, ``decoding``, ``robots``, ``bad_url``, ``redirects``,
            ``unsafe_address``, ``no_price``, ``cancelled``).
        transient: whether trying again later may succeed.
        retry_after: seconds the server asked us to wait (429/503 ``Retry-After``), if it said.
        status: the HTTP status the shop answered, when the fault is one.
        bot_check: the refusal page is a bot check (a script challenge a browser passes), when it is one.
    """

    bot_check: str | None = None

    transient: bool = False

    def __init__(
        self, message: str, *, kind: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after
        self.status = status


class TransientError(ScrapeError):
    """Connection errors, timeouts, 5xx, 429: the task layer retries these with backoff."""

    transient = True


class PermanentError(ScrapeError):
    """4xx other than 429, not HTML, too large, robots.txt disallows, no price: retrying will not help."""

    transient = False


class InvalidURLError(PermanentError, BadInputError):
    """The URL is not an absolute http(s) URL; raised before any I/O."""

    def __init__(self, message: str) -> None:
        super().__init__(message, kind="bad_url")


class NoPriceError(PermanentError):
    """The page was read but no price could be found on it."""

    def __init__(self, message: str = "no price found on the page") -> None:
        super().__init__(message, kind="no_price")


class CancelledError(ScrapeError):
    """The task was cancelled by the user between two steps."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message, kind="cancelled")
