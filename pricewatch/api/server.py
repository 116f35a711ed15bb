"""uvicorn in a daemon thread: bound before it starts (so a busy port is an error here, not a log line),
started before :meth:`ApiServer.start` returns, stopped and joined by :meth:`ApiServer.stop`."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from typing import TYPE_CHECKING

import uvicorn

from pricewatch.api.factory import create_app
from pricewatch.api.runner import FacadeRunner
from pricewatch.api.security import is_loopback
from pricewatch.api_token import TokenStore

if TYPE_CHECKING:
    from pricewatch.app import PriceWatch

log = logging.getLogger(__name__)
START_TIMEOUT = 15.0
STOP_TIMEOUT = 15.0


class _Server(uvicorn.Server):
    """Signals ``ready`` once startup finished (well or not); uvicorn itself only sets a flag."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets=sockets)
        finally:
            self.ready.set()


def http_protocol() -> type[asyncio.Protocol] | str:
    """httptools (a dependency), each answer in one socket write (see pricewatch.api.one_write); uvicorn's h11
    only where httptools is not installed. With its C parser the event loop spent 0.26 ms of CPU per
    request instead of 0.42, and the median latency of bench/api_load.py fell 2-4x (fewer Python steps, each
    a chance to lose the GIL to a task thread)."""
    try:
        from pricewatch.api.one_write import OneWriteHttpToolsProtocol
    except ImportError:
        return "h11"
    return OneWriteHttpToolsProtocol


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on ``host:port`` (port 0 picks a free one); raises OSError."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


class ApiServer:
    """The API of one facade, served on ``host:port`` until :meth:`stop`."""

    def __init__(self, facade: PriceWatch, host: str = "127.0.0.1", port: int = 8765) -> None:
        self.facade = facade
        self.host = host
        self.port = port
        self.url: str | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._runner: FacadeRunner | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> str:
        """Bind, serve and return the base URL (``http://127.0.0.1:PORT``); raises OSError or RuntimeError."""
        if self.running:
            assert self.url is not None
            return self.url
        if not is_loopback(self.host):
            log.warning(
                "the API listens on %s, reachable from other computers; it still needs the token", self.host
            )
        tokens = TokenStore(self.facade.paths.api_token_file)
        tokens.get_or_create()  # generated on first enable
        sock = bind(self.host, self.port)
        app = create_app(self.facade, tokens=tokens, extra_hosts=[self.host])
        config = uvicorn.Config(
            app, log_config=None, lifespan="off", access_log=False, timeout_graceful_shutdown=5,
            server_header=False, http=http_protocol(),
        )  # fmt: skip
        server = _Server(config)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="pricewatch-api", daemon=True
        )
        self._server, self._thread, self._runner = server, thread, app.state.runner
        thread.start()
        if not server.ready.wait(START_TIMEOUT) or not server.started:
            self.stop()
            sock.close()
            raise RuntimeError("the API server did not start; see the PriceWatch log")
        bound_host, bound_port = sock.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.port = bound_port
        self.url = f"http://{shown}:{bound_port}"
        log.info("API listening on %s", self.url)
        return self.url

    def stop(self) -> None:
        """Stop accepting, let requests in flight finish (5 s at most), join the thread; idempotent."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self.url = None
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        if thread.is_alive():
            log.error("the API server thread did not stop within %s s", STOP_TIMEOUT)
        if self._runner is not None:
            self._runner.close()  # after the join: no request can submit work any more
            self._runner = None
        log.info("API stopped")
