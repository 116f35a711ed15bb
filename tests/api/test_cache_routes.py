"""The response cache over the real API server, filled by real fetches from the local page server."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.support.api import LiveApi, live_api
from tests.support.checks import fast_app, product_page
from tests.support.pageserver import PageServer

C = "/api/v1/cache"


@pytest.fixture
def api() -> Iterator[LiveApi]:
    app = fast_app("sync")
    try:
        yield from live_api(app)
    finally:
        app.close()


def test_stats_entries_read_delete_clear(api: LiveApi, page_server: PageServer) -> None:
    urls = [page_server.add(f"/c{i}", product_page(f"{i}.50")) for i in range(3)]
    for url in urls:
        api.app.fetcher.fetch(url)
    overview = api.client.get(C).json()
    assert overview["stats"]["entries"] == 3
    keys = sorted(e["key"] for e in overview["entries"])
    assert keys == sorted(f"fetch:{u}" for u in urls)
    assert all(e["size"] > 0 and e["expires_at"] > e["stored_at"] for e in overview["entries"])

    key = f"fetch:{urls[0]}"
    entry = api.client.get(f"{C}/{quote(key, safe='')}")
    assert entry.status_code == 200, entry.text
    assert entry.json()["key"] == key
    assert entry.json()["value"]["status"] == 200 and '"price": "0.50"' in entry.json()["value"]["html"]
    assert api.client.get(f"{C}/{key}").json()["key"] == key  # unescaped slashes work too

    assert api.client.delete(f"{C}/{quote(key, safe='')}").json() == {"success": True, "deleted": 1}
    assert api.client.get(f"{C}/{quote(key, safe='')}").status_code == 404
    assert api.client.delete(f"{C}/{quote(key, safe='')}").status_code == 404

    assert api.client.delete(C, params={"prefix": f"fetch:{urls[1]}"}).json()["deleted"] == 1
    assert api.client.delete(C).json() == {"success": True, "deleted": 1}
    assert api.client.get(C).json()["entries"] == []
    assert api.client.get(f"{C}/nothing").json() == {"detail": "no cache entry 'nothing'"}
