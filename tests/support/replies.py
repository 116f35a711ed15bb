"""What the test page server answers (:class:`Reply`) and what it records (:class:`Seen`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

HTML = "text/html"


@dataclass
class Reply:
    """One response. ``body`` may be bytes, text (sent as UTF-8) or a callable yielding chunks (streamed).

    Attributes:
        delay: seconds to wait before sending the status line (a slow server).
        chunk_delay: seconds to wait between body chunks (a slow body).
        chunk_size: split a bytes body into chunks of this size (so chunk_delay applies).
        length: declare Content-Length (True), or stream with chunked encoding (False); generated bodies
            with ``length=None`` are chunked.
        etag / last_modified: validators; a matching If-None-Match / If-Modified-Since gets a 304.
        drop_after: cut the connection after this many body bytes (a server dying mid-page).
    """

    body: bytes | str | Callable[[], Iterable[bytes]] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunk_delay: float = 0.0
    chunk_size: int = 0
    content_type: str | None = HTML
    length: bool | None = True
    etag: str | None = None
    last_modified: str | None = None
    drop_after: int | None = None


@dataclass(frozen=True)
class Seen:
    """A request as the server saw it."""

    order: int
    method: str
    path: str
    address: str
    headers: dict[str, str]  # lower-case names
    at: float  # time.monotonic() on arrival


class Route:
    def __init__(self, replies: Sequence[Reply]) -> None:
        self._replies = list(replies)
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> Reply:
        """The next reply of a sequence; the last one repeats."""
        with self._lock:
            reply = self._replies[min(self._next, len(self._replies) - 1)]
            self._next += 1
            return reply


class DynamicRoute:
    """A route whose reply depends on the request (its cookies, its query string)."""

    def __init__(self, answer: Callable[[Seen], Reply]) -> None:
        self.answer = answer


def http_date(seconds_from_now: float = 0.0) -> str:
    """An HTTP date (for Retry-After, Last-Modified)."""
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)
