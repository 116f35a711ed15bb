"""Reading a response body within limits: a size cap on decoded bytes, the deadline, the cancel flag."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import httpx

from pricewatch.errors import CancelledError, PermanentError, TransientError
from pricewatch.scraping.decoding import BoundedDecoder, DecodedTooLarge


def too_large(url: str, max_bytes: int) -> PermanentError:
    return PermanentError(
        f"the page is larger than {max_bytes / 1_000_000:g} MB; not read: {url[:200]}", kind="too_large"
    )


def check_declared_length(response: httpx.Response, max_bytes: int, url: str) -> None:
    """Refuse before reading when the server says the body is too large."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large(url, max_bytes)


def iter_body(
    response: httpx.Response,
    *,
    max_bytes: int,
    deadline: float,
    cancel: threading.Event | None,
    url: str,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[bytes]:
    """The decoded body of a streamed response, in pieces of at most about 64 KB.

    The cap counts decoded bytes at every layer of ``Content-Encoding``, so neither a gzip bomb nor a
    stacked one ever unpacks past it. Between pieces the cancel flag and the overall deadline are checked
    (a server trickling bytes never holds a worker past the deadline).

    Raises:
        PermanentError: more than ``max_bytes`` (kind ``too_large``).
        TransientError: the deadline passed (kind ``timeout``).
        CancelledError: ``cancel`` was set.
        httpx.DecodingError: broken or unreadable compressed data.
    """
    if response.is_stream_consumed:  # built in memory (a test transport): httpx has decoded it already
        if len(response.content) > max_bytes:
            raise too_large(url, max_bytes)
        yield response.content
        return
    decoder = BoundedDecoder.for_response(response, max_bytes)
    size = 0
    try:
        for raw in response.iter_raw():
            for piece in decoder.feed(raw):
                size += len(piece)
                if size > max_bytes:
                    raise too_large(url, max_bytes)
                yield piece
                _check_turn(cancel, deadline, url, clock)
            _check_turn(cancel, deadline, url, clock)
        for piece in decoder.finish():
            size += len(piece)
            if size > max_bytes:
                raise too_large(url, max_bytes)
            yield piece
    except DecodedTooLarge:
        raise too_large(url, max_bytes) from None


def read_body(
    response: httpx.Response,
    *,
    max_bytes: int,
    deadline: float,
    cancel: threading.Event,
    url: str,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """The whole decoded body (see :func:`iter_body`); a declared length over the cap is refused unread."""
    check_declared_length(response, max_bytes, url)
    pieces = iter_body(response, max_bytes=max_bytes, deadline=deadline, cancel=cancel, url=url, clock=clock)
    return b"".join(pieces)


def _check_turn(
    cancel: threading.Event | None, deadline: float, url: str, clock: Callable[[], float]
) -> None:
    if cancel is not None and cancel.is_set():
        raise CancelledError()
    if clock() > deadline:
        raise TransientError(f"the page took too long to arrive: {url[:200]}", kind="timeout")
