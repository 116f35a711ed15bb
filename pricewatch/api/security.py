"""ASGI guards in front of the routes: the Host check (DNS rebinding), the bearer token and the body limit.

The token is checked here, before a byte of the body is read, so a client without it cannot make the server
read (and hold) a request body; the route dependency (:mod:`pricewatch.api.auth`) checks it again and puts
it in the OpenAPI schema.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})
TOKEN_CHECKED = "pricewatch_token_checked"  # in the request's state: this request's token was the right one


def is_loopback(host: str) -> bool:
    """Whether a bind address or host name stays on this computer."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str | None:
    """The name part of a Host header ("[::1]:8765" -> "[::1]"); None when it is malformed."""
    header = header.strip().lower()
    if header.startswith("["):
        end = header.find("]")
        if end < 0:
            return None
        name, rest = header[: end + 1], header[end + 1 :]
    else:
        name, _, port = header.partition(":")
        rest = f":{port}" if _ else ""
    if rest and not (rest.startswith(":") and rest[1:].isdigit()):
        return None
    return name or None


async def _send_json(
    send: Send, status: int, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class HostCheckMiddleware:
    """Refuses requests whose Host header is not a loopback name, so a web page cannot reach the API through a
    rebinding DNS name that resolves to 127.0.0.1 (400 without a Host header, 421 for a foreign one)."""

    def __init__(self, app: ASGIApp, extra_hosts: Iterable[str] = ()) -> None:
        self.app = app
        # An IPv6 bind address appears in brackets in the Host header.
        extra = {
            f"[{h}]" if ":" in h and not h.startswith("[") else h
            for h in extra_hosts
            if h not in WILDCARD_HOSTS
        }
        self.allowed = LOOPBACK_NAMES | {h.lower() for h in extra}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        values = [v.decode("latin-1") for k, v in scope["headers"] if k == b"host"]
        if len(values) != 1:
            await _send_json(send, 400, "the request needs exactly one Host header")
            return
        name = host_name(values[0])
        if name is None or name not in self.allowed:
            await _send_json(send, 421, "this API only answers requests addressed to localhost")
            return
        await self.app(scope, receive, send)


class TokenFirstMiddleware:
    """Answers 401 to a request for a protected path without the right bearer token, before its body is read.

    Args:
        matches: whether a presented token is the right one (:meth:`TokenStore.matches`).
        prefix: the API's paths (anything else is a 404 of the router).
        open_paths: paths that need no token (``/api/v1/health``).
    """

    def __init__(
        self, app: ASGIApp, matches: Callable[[str], bool], prefix: str, open_paths: Iterable[str]
    ) -> None:
        self.app = app
        self.matches = matches
        self.prefix = prefix.rstrip("/") + "/"
        self.open_paths = frozenset(open_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(self.prefix) or path in self.open_paths:
            await self.app(scope, receive, send)
            return
        values = [v.decode("latin-1") for k, v in scope["headers"] if k == b"authorization"]
        scheme, _, token = (values[0] if len(values) == 1 else "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            await _send_json(send, 401, "missing bearer token", [(b"www-authenticate", b"Bearer")])
            return
        if not self.matches(token.strip()):
            await _send_json(send, 401, "wrong bearer token", [(b"www-authenticate", b"Bearer")])
            return
        scope.setdefault("state", {})[TOKEN_CHECKED] = True  # the route's dependency need not stat it again
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Answers 413 to request bodies larger than ``max_bytes`` (declared or streamed), before any route runs.

    The body is read here, up to the limit, and replayed to the app: bodies are small (a few KB of JSON), and
    refusing in the middle of FastAPI's own body parsing would turn the 413 into a 400.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = [v for k, v in scope["headers"] if k == b"content-length"]
        if declared:
            try:
                length = int(declared[0])
            except ValueError:
                await _send_json(send, 400, "invalid Content-Length header")
                return
            if length > self.max_bytes:
                await _send_json(send, 413, self._too_large())
                return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _send_json(send, 413, self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)

        await self.app(scope, replaying(body, receive), send)

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_bytes // 1024} KB"


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the app the body already read, then waits for the disconnect as the server
    would."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
