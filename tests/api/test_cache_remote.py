"""The cache routes of an API bound off loopback: a client on another computer never reads fetched pages
back, so the API cannot be used to fetch pages on PriceWatch's own network (SSRF read-back)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import psutil
import pytest

from tests.support.api import LiveApi
from tests.support.checks import fast_app
from tests.support.pageserver import PageServer

C = "/api/v1/cache"
SECRET = "<html><body><p>intranet: the router password is hunter2</p></body></html>"


def outside_address() -> str:
    """An IPv4 address of this computer that is not loopback (where a LAN client would reach the API)."""
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family == socket.AF_INET and not address.address.startswith("127."):
                return address.address
    raise AssertionError("this computer has no non-loopback IPv4 address to bind the API to")


@pytest.fixture
def remote_api() -> Iterator[LiveApi]:
    app = fast_app("sync")
    try:
        url = app.start_api(host=outside_address(), port=0)
        token = app.api_token()
        with (
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client,
            httpx.Client(base_url=url, timeout=30) as anonymous,
        ):
            yield LiveApi(app, url, token, client, anonymous)
        app.stop_api()
    finally:
        app.close()


def test_a_remote_client_does_not_read_fetched_pages(remote_api: LiveApi, page_server: PageServer) -> None:
    secret = page_server.add("/admin", SECRET)
    remote_api.app.fetcher.fetch(secret)  # what a scrape of an intranet address asked for would leave
    key = f"fetch:{secret}"

    entry = remote_api.client.get(f"{C}/{quote(key, safe='')}")
    assert entry.status_code == 200, entry.text
    assert "hunter2" not in entry.text
    assert entry.json()["value"]["status"] == 200
    assert entry.json()["value"]["html"] is None
    assert [e["key"] for e in remote_api.client.get(C).json()["entries"]] == [key]
