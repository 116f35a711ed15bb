"""Letting a cancel flag interrupt a network read that is waiting on a slow shop.

httpx reads block for up to the read timeout. The fetcher runs each fetch on the caller's thread, so the
caller's cancel flag is put in a thread-local for the duration (:func:`cancel_scope`), and the network streams
made by :class:`CancellableBackend` wait in short slices, looking at that flag in between. A cancelled read
fails with a read error (the connection is then dropped, never reused half-read); the fetcher turns it into
``CancelledError``. Outside a cancel scope reads behave exactly as before.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

SLICE = 0.1  # seconds between looks at the cancel flag while a read waits

_local = threading.local()


@contextlib.contextmanager
def cancel_scope(cancel: threading.Event) -> Iterator[None]:
    """Reads on this thread give up soon after ``cancel`` is set, while the block runs."""
    previous = getattr(_local, "cancel", None)
    _local.cancel = cancel
    try:
        yield
    finally:
        _local.cancel = previous


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        cancel: threading.Event | None = getattr(_local, "cancel", None)
        if cancel is None:
            return self._inner.read(max_bytes, timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if cancel.is_set():
                raise httpcore.ReadError("cancelled while waiting for the shop")
            step = SLICE if deadline is None else min(SLICE, deadline - time.monotonic())
            if step <= 0:
                raise httpcore.ReadTimeout("timed out")
            # A timed-out recv consumed nothing (also under TLS: OpenSSL keeps partial records), so retry.
            with contextlib.suppress(httpcore.ReadTimeout):
                return self._inner.read(max_bytes, step)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class CancellableBackend(httpcore.NetworkBackend):
    """httpcore's blocking socket backend, with reads that honour :func:`cancel_scope`."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def cancellable_transport(limits: httpx.Limits, proxy: str | None = None) -> httpx.HTTPTransport:
    """An ``httpx.HTTPTransport`` whose connections use :class:`CancellableBackend`.

    httpx offers no public way to pass a network backend, so it is set on the transport's pool; if a future
    httpx builds its pool differently, the transport is returned unchanged (reads then wait for their
    timeout, as plain httpx does).
    """
    transport = httpx.HTTPTransport(limits=limits, proxy=proxy)
    pool = getattr(transport, "_pool", None)
    if isinstance(pool, httpcore.ConnectionPool) and hasattr(pool, "_network_backend"):
        pool._network_backend = CancellableBackend()
    return transport


def is_patched(transport: httpx.BaseTransport) -> bool:
    pool = getattr(transport, "_pool", None)
    return isinstance(getattr(pool, "_network_backend", None), CancellableBackend)
