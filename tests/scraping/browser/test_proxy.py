"""The proxy setting: plain and browser fetches both go through it (a real local HTTP proxy)."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.config import settings_from_dict
from pricewatch.scraping.browser import BrowserFetcher, BrowserSettings
from pricewatch.scraping.extract import extract
from pricewatch.scraping.fetch import Fetcher, FetchSettings

PROXIED = "<html><body><h1>Via proxy</h1><p>Price: 7.77 €</p></body></html>"


class _Proxy(http.server.BaseHTTPRequestHandler):
    """A forward proxy that answers every request itself, recording the absolute URL it was asked for."""

    seen: list[str]

    def do_GET(self) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        body = PROXIED.encode() if not self.path.endswith("/robots.txt") else b""
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_plain_and_browser_fetches_go_through_the_proxy(
    proxy: http.server.ThreadingHTTPServer, tmp_path: Path
) -> None:
    address = f"http://127.0.0.1:{proxy.server_address[1]}"
    # Nothing listens at the shop's address: only the proxy can answer.
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}/product"
    with Fetcher(FetchSettings(proxy=address, per_host_delay=0)) as plain:
        page = plain.fetch(url, use_cache=False)
        assert str(extract(page.html or "").price) == "7.77"
        with BrowserFetcher(
            BrowserSettings(folder=tmp_path, proxy=address, deadline=8), plain=plain
        ) as browser:
            rendered = browser.fetch(url)
    assert str(extract(rendered.html or "").price) == "7.77"
    assert proxy.seen.count(url) == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", ["http://proxy.lan:3128", "socks5://127.0.0.1:1080", "socks5h://p:1", ""])
def test_proxy_settings_accept_http_and_socks(value: str) -> None:
    loaded = settings_from_dict({"fetch": {"proxy": value}})
    assert loaded.problems == [] and loaded.settings.fetch.proxy == value


@pytest.mark.parametrize("value", ["proxy.lan:3128", "ftp://p:21", "http://user:pw@p:1", "http://p"])
def test_other_proxy_values_are_reported(value: str) -> None:
    loaded = settings_from_dict({"fetch": {"proxy": value}})
    assert loaded.settings.fetch.proxy == "" and "fetch.proxy" in loaded.problems[0]
