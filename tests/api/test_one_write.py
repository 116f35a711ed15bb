"""A fixed-length response's head waits for its body and goes out with it in one write; nothing else waits."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from pricewatch.api.one_write import OneWriteTransport, holds_for_body
from tests.support.api import LiveApi, serving


@pytest.fixture
def api() -> Iterator[LiveApi]:
    yield from serving()


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


def test_an_answer_to_head_is_sent_at_once_on_a_kept_connection(api: LiveApi) -> None:
    # A HEAD answer announces a length but has no body: nothing follows to carry its head out.
    parts = urlsplit(api.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(f"HEAD /api/v1/health HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
        answer = sock.recv(65536)
    # (405: the routes answer GET only) a whole head, announcing the length of a body it does not send
    assert answer.startswith(b"HTTP/1.1 405") and b"content-length: " in answer
    assert answer.endswith(b"\r\n\r\n")
