"""Reading a response body within limits: a size cap (after decompression), the deadline, the cancel flag."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

from pricewatch.errors import CancelledError, PermanentError, TransientError


def too_large(url: str, max_bytes: int) -> PermanentError:
    return PermanentError(
        f"the page is larger than {max_bytes / 1_000_000:g} MB; not read: {url[:200]}", kind="too_large"
    )


def check_declared_length(response: httpx.Response, max_bytes: int, url: str) -> None:
    """Refuse before reading when the server says the body is too large."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large(url, max_bytes)


def read_body(
    response: httpx.Response,
    *,
    max_bytes: int,
    deadline: float,
    cancel: threading.Event,
    url: str,
    clock: Callable[[], float] = time.monotonic,
) -> bytes:
    """The decoded body of a streamed response.

    The cap counts decompressed bytes, so a small gzip bomb is stopped too. Between chunks the cancel flag
    and the overall deadline are checked (a server trickling bytes never holds a worker past the deadline).

    Raises:
        PermanentError: more than ``max_bytes`` (kind ``too_large``).
        TransientError: the deadline passed (kind ``timeout``).
        CancelledError: ``cancel`` was set.
    """
    check_declared_length(response, max_bytes, url)
    parts: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise too_large(url, max_bytes)
        parts.append(chunk)
        if cancel.is_set():
            raise CancelledError()
        if clock() > deadline:
            raise TransientError(f"the page took too long to arrive: {url[:200]}", kind="timeout")
    return b"".join(parts)
