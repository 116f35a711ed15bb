"""uvicorn's httptools protocol, sending a fixed-length response's head and body in one socket write.

uvicorn writes the status line and headers when the app sends ``http.response.start`` and the body when it
sends ``http.response.body``: two ``send()`` calls per answer. Each system call lets go of the interpreter
lock, and under load the event loop then waits to win it back from the task threads (bench/api_load.py: the
loop's thread was found inside ``send()`` in a third of the samples). Here a head that announces a
Content-Length (its body follows at once: never a stream, such as server-sent events) is held until the
next write and goes out with it, or when the response is complete (an answer to HEAD announces a length
and has no body).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD_START = b"HTTP/1.1 "
LENGTH_HEADER = b"\r\ncontent-length: "  # uvicorn writes header names in lower case


def holds_for_body(data: bytes) -> bool:
    """Whether ``data`` is a whole response head (not an interim 1xx one) that announces its body's length."""
    return (
        data.startswith(HEAD_START)
        and data[len(HEAD_START) : len(HEAD_START) + 1] != b"1"
        and data.endswith(b"\r\n\r\n")
        and LENGTH_HEADER in data
    )


class OneWriteTransport:
    """Wraps a transport: a response head that :func:`holds_for_body` waits for the next write (or close)."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._head = b""

    def write(self, data: bytes) -> None:
        if self._head:
            data, self._head = self._head + data, b""
        elif holds_for_body(data):
            self._head = data
            return
        self._transport.write(data)

    def flush(self) -> None:
        """Send a held head now (its response is complete without a body)."""
        if self._head:
            self._transport.write(self._head)
            self._head = b""

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self._transport, name)


class OneWriteHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(OneWriteTransport(transport))  # type: ignore[arg-type]

    def on_response_complete(self) -> None:
        if isinstance(self.transport, OneWriteTransport):
            self.transport.flush()
        super().on_response_complete()
