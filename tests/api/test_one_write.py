"""A fixed-length response's head waits for its body and goes out with it in one write; nothing else waits."""

from __future__ import annotations

import asyncio
import socket

import pytest

from pricewatch.api.one_write import OneWriteTransport, holds_for_body

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n"


@pytest.mark.parametrize(
    ("data", "held"),
    [
        (HEAD, True),
        (b"HTTP/1.1 304 Not Modified\r\netag: \"x\"\r\n\r\n", False),  # no body follows
        (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n", False),  # a stream (events): at once
        (b"HTTP/1.1 100 Continue\r\n\r\n", False),  # the client waits for it before sending the body
        (b"HTTP/1.1 101 Switching Protocols\r\ncontent-length: 0\r\n\r\n", False),
        (b"{}", False),
    ],
)  # fmt: skip
def test_which_writes_wait(data: bytes, held: bool) -> None:
    assert holds_for_body(data) is held


def _pending(sock: socket.socket) -> bytes:
    """What the peer has written so far (nothing: b"")."""
    try:
        return sock.recv(65536)
    except BlockingIOError:
        return b""


def test_the_head_goes_out_with_the_body_and_on_close() -> None:
    async def scenario() -> None:
        ours, theirs = socket.socketpair()
        theirs.setblocking(False)
        _, writer = await asyncio.open_connection(sock=ours)
        transport = OneWriteTransport(writer.transport)  # type: ignore[arg-type]
        transport.write(HEAD)
        assert _pending(theirs) == b""
        transport.write(b"{}")
        assert _pending(theirs) == HEAD + b"{}"
        transport.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        assert _pending(theirs).endswith(b"chunked\r\n\r\n")
        transport.write(HEAD)  # a head whose body never comes (the app failed): sent as the connection closes
        assert transport.get_extra_info("socket") is not None  # the rest is the transport's own
        transport.close()
        await asyncio.sleep(0)
        assert _pending(theirs) == HEAD
        theirs.close()

    asyncio.run(scenario())
