"""A real threaded HTTP server on loopback for tests and benchmarks: shop pages and the faults shops produce.

Routes are registered per path; each request is answered from the route table and recorded (path, headers,
arrival time, order), so tests assert on what the server saw instead of on wall-clock sleeps.

    server = PageServer().start()
    server.add("/p", "<html>...</html>")
    server.add_sequence("/flaky", [Reply(status=503), Reply(body="ok")])
    server.url("/p")  # http://127.0.0.1:PORT/p
    server.hits("/p")
    server.close()
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from email.utils import parsedate_to_datetime
from pathlib import Path

from tests.support.replies import HTML, DynamicRoute, Reply, Route, Seen, http_date

__all__ = ["PAGES_DIR", "PageServer", "Reply", "Seen", "http_date"]

PAGES_DIR = Path(__file__).resolve().parent.parent / "data" / "pages"


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real shops; bodies have a length or are chunked
    timeout = 10  # an idle keep-alive connection ends by itself
    server: _Server

    def do_GET(self) -> None:
        self.server.owner._answer(self)

    def do_HEAD(self) -> None:
        self.server.owner._answer(self, head=True)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256  # benchmarks open many connections at once; the default backlog of 5 stalls them
    allow_reuse_address = True
    owner: PageServer

    def __init__(self, address: tuple[str, int], owner: PageServer) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        self.owner._track(request)
        super().process_request(request, client_address)

    def process_request_thread(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.owner._untrack(request)

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that give up early (timeouts, size caps, cancel) are the point of many tests.
        pass


class PageServer:
    """Threaded HTTP/1.1 server on 127.0.0.1 (and optionally more 127.0.0.x addresses), random ports."""

    def __init__(self, addresses: Sequence[str] = ("127.0.0.1",)) -> None:
        self._routes: dict[str, Route | DynamicRoute] = {}
        self._seen: list[Seen] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._open: set[socket.socket] = set()
        self._active = 0
        self._idle = threading.Condition(self._lock)
        self._in_flight: dict[str, int] = {}
        self._peak: dict[str, int] = {}
        self._servers = [_Server((address, 0), self) for address in addresses]
        self._loops: list[threading.Thread] = []

    # -- life cycle -------------------------------------------------------------------------------------
    def start(self) -> PageServer:
        for server in self._servers:
            loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            loop.name = f"pageserver-{server.server_address[0]}"
            loop.start()
            self._loops.append(loop)
        return self

    def close(self, timeout: float = 5.0) -> None:
        """Stop accepting, cut open connections, wake sleeping handlers and wait for them."""
        self._stop.set()
        for server in self._servers:
            if self._loops:
                server.shutdown()
            server.server_close()
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._active and time.monotonic() < deadline:
                self._idle.wait(0.05)
        for loop in self._loops:
            loop.join(timeout)
        self._loops.clear()

    def __enter__(self) -> PageServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- addresses --------------------------------------------------------------------------------------
    @property
    def addresses(self) -> list[str]:
        return [str(server.server_address[0]) for server in self._servers]

    def port(self, address: str | None = None) -> int:
        return int(self._server(address).server_address[1])

    def url(self, path: str = "/", address: str | None = None) -> str:
        server = self._server(address)
        host, port = server.server_address[0], server.server_address[1]
        return f"http://{host}:{port}{path}"

    def _server(self, address: str | None) -> _Server:
        if address is None:
            return self._servers[0]
        for server in self._servers:
            if server.server_address[0] == address:
                return server
        raise KeyError(f"the page server does not listen on {address}")

    # -- routes -----------------------------------------------------------------------------------------
    def add(
        self,
        path: str,
        body: bytes | str | Callable[[], Iterable[bytes]] = b"",
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        **options: object,
    ) -> str:
        """Serve ``body`` at ``path`` (any ``Reply`` field may be passed by name); returns the URL."""
        reply = Reply(body=body, status=status, headers=dict(headers or {}), delay=delay, **options)  # type: ignore[arg-type]
        return self.add_sequence(path, [reply])

    def add_sequence(self, path: str, replies: Sequence[Reply]) -> str:
        """Answer successive requests with successive replies (the last one repeats)."""
        if not replies:
            raise ValueError("a route needs at least one reply")
        with self._lock:
            self._routes[path] = Route(replies)
        return self.url(path)

    def add_dynamic(self, path: str, answer: Callable[[Seen], Reply]) -> str:
        """Answer each request to ``path`` with ``answer(request)`` (cookies, query strings)."""
        with self._lock:
            self._routes[path] = DynamicRoute(answer)
        return self.url(path)

    def add_redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.add(path, b"", status=status, headers={"Location": location}, content_type=None)

    def add_rate_limited(self, path: str, retry_after: str | int, status: int = 429) -> str:
        return self.add(path, "slow down", status=status, headers={"Retry-After": str(retry_after)})

    def add_huge(self, path: str, size: int, *, declare_length: bool = False, chunk: int = 65536) -> str:
        """A generated body of ``size`` bytes, streamed (chunked unless ``declare_length``)."""

        def generate() -> Iterator[bytes]:
            block = b"<p>" + b"x" * (chunk - 7) + b"</p>\n"
            sent = 0
            while sent < size and not self._stop.is_set():
                piece = block[: size - sent]
                sent += len(piece)
                yield piece

        headers = {"Content-Length": str(size)} if declare_length else {}
        return self.add(path, generate, headers=headers, length=None)

    def add_robots(self, text: str) -> str:
        return self.add("/robots.txt", text, content_type="text/plain")

    def add_page(
        self, path: str, name: str, *, content_type: str | None = HTML, gzip_encoded: bool = False
    ) -> str:
        """Serve a saved page: ``name`` in tests/data/pages or an absolute path (``.gz`` unpacked unless
        ``gzip_encoded``)."""
        raw = (PAGES_DIR / name).read_bytes()
        headers: dict[str, str] = {}
        if name.endswith(".gz"):
            if gzip_encoded:
                headers["Content-Encoding"] = "gzip"
            else:
                raw = gzip.decompress(raw)
        return self.add(path, raw, headers=headers, content_type=content_type)

    # -- what was seen ----------------------------------------------------------------------------------
    def requests(self, path: str | None = None) -> list[Seen]:
        with self._lock:
            return [s for s in self._seen if path is None or s.path == path or s.path.split("?")[0] == path]

    def hits(self, path: str | None = None) -> int:
        return len(self.requests(path))

    def peak_concurrency(self, address: str | None = None) -> int:
        """The most requests this address (default: the first) was answering at the same time."""
        with self._lock:
            return self._peak.get(address or self.addresses[0], 0)

    def headers(self, path: str, index: int = -1) -> dict[str, str]:
        """Request headers (lower-case names) of one request to ``path`` (default: the last)."""
        return self.requests(path)[index].headers

    # -- serving ----------------------------------------------------------------------------------------
    def _track(self, sock: socket.socket) -> None:
        # Counted before the handler thread starts, so close() cannot miss a handler about to run.
        with self._lock:
            self._open.add(sock)
            self._active += 1

    def _untrack(self, sock: socket.socket) -> None:
        with self._idle:
            self._open.discard(sock)
            self._active -= 1
            self._idle.notify_all()

    def _answer(self, handler: _Handler, *, head: bool = False) -> None:
        address = str(handler.server.server_address[0])
        with self._lock:
            self._in_flight[address] = self._in_flight.get(address, 0) + 1
            self._peak[address] = max(self._peak.get(address, 0), self._in_flight[address])
        try:
            self._respond(handler, head)
        finally:
            with self._lock:
                self._in_flight[address] -= 1

    def _respond(self, handler: _Handler, head: bool) -> None:
        path = handler.path
        with self._lock:
            seen = Seen(
                order=len(self._seen),
                method=handler.command,
                path=path,
                address=str(handler.server.server_address[0]),
                headers={k.lower(): v for k, v in handler.headers.items()},
                at=time.monotonic(),
            )
            self._seen.append(seen)
            route = self._routes.get(path) or self._routes.get(path.split("?")[0])
        if route is None:
            reply = Reply(body="not found", status=404, content_type="text/plain")
        elif isinstance(route, DynamicRoute):
            reply = route.answer(seen)
        else:
            reply = route.take()
        if reply.delay and self._stop.wait(reply.delay):
            handler.close_connection = True
            return
        if self._not_modified(reply, seen.headers):
            handler.send_response(304)
            if reply.etag:
                handler.send_header("ETag", reply.etag)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        self._send(handler, reply, head)

    @staticmethod
    def _drop(handler: _Handler, partial: bytes) -> None:
        handler.close_connection = True
        with contextlib.suppress(OSError):
            handler.wfile.write(partial)
            handler.wfile.flush()
            handler.connection.shutdown(socket.SHUT_RDWR)

    @staticmethod
    def _not_modified(reply: Reply, headers: dict[str, str]) -> bool:
        if reply.status != 200:
            return False
        if reply.etag and "if-none-match" in headers:
            tags = [t.strip() for t in headers["if-none-match"].split(",")]
            return reply.etag in tags or "*" in tags
        if reply.last_modified and "if-modified-since" in headers:
            try:
                since = parsedate_to_datetime(headers["if-modified-since"])
                return parsedate_to_datetime(reply.last_modified) <= since
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, handler: _Handler, reply: Reply, head: bool) -> None:
        body = reply.body
        if isinstance(body, str):
            body = body.encode("utf-8")
            content_type = reply.content_type
            if content_type and "charset" not in content_type and content_type.startswith("text/"):
                content_type += "; charset=utf-8"
        else:
            content_type = reply.content_type
        handler.send_response(reply.status)
        names = {k.lower() for k in reply.headers}
        if content_type and "content-type" not in names:
            handler.send_header("Content-Type", content_type)
        if reply.etag:
            handler.send_header("ETag", reply.etag)
        if reply.last_modified:
            handler.send_header("Last-Modified", reply.last_modified)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        chunks: Iterable[bytes]
        if callable(body):
            chunks = body()
            declared = "content-length" in names
        elif reply.chunk_size:
            chunks = (body[i : i + reply.chunk_size] for i in range(0, len(body), reply.chunk_size))
            declared = reply.length is True
            if declared:
                handler.send_header("Content-Length", str(len(body)))
        else:
            chunks = [body]
            declared = True
            handler.send_header("Content-Length", str(len(body)))
        if not declared:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        if head:
            return
        if reply.drop_after is not None:
            self._drop(handler, b"".join(chunks)[: reply.drop_after])
            return
        try:
            for i, chunk in enumerate(chunks):
                if i and reply.chunk_delay and self._stop.wait(reply.chunk_delay):
                    handler.close_connection = True
                    return
                if not chunk:
                    continue
                if declared:
                    handler.wfile.write(chunk)
                else:
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            if not declared:
                handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()
        except OSError:  # the client went away (size cap, timeout, cancel)
            handler.close_connection = True
