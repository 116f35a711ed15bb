"""The plain-ASGI status and scrape routes answer exactly as the FastAPI routes they stand in front of.

Two apps on one facade, one with the hot routes and one without, get the same requests; their answers must
be the same (status, headers but the date, body), for the plain case and for each error FastAPI owns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pricewatch.api.factory import create_app
from pricewatch.api.hot_routes import plain_scrape
from pricewatch.app import PriceWatch
from tests.support.checks import product_page
from tests.support.pageserver import PageServer

T = "/api/v1/tasks"


class Client:
    """Requests straight into one app of ``facade`` (httpx's ASGI transport), with the token."""

    def __init__(self, facade: PriceWatch, hot: bool) -> None:
        self.asgi = create_app(facade, hot_routes=hot)
        self.headers = {"Authorization": f"Bearer {facade.api_token()}"}

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.asgi)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1", headers=self.headers
            ) as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(send())

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", path, **kwargs)


@pytest.fixture
def pair(facade: PriceWatch) -> Iterator[tuple[Client, Client]]:
    hot, plain = Client(facade, True), Client(facade, False)
    yield hot, plain
    for each in (hot, plain):
        each.asgi.state.runner.close()


def answer(response: Any) -> tuple[int, dict[str, str], bytes]:
    headers = {k: v for k, v in response.headers.items() if k != "date"}
    return response.status_code, headers, response.content


def test_a_scrape_and_its_status_read_the_same_through_both(
    pair: tuple[Client, Client], facade: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/kettle", product_page("23.50", title="Kettle"))
    started = [each.post(f"{T}/scrape", json={"url": url, "selector": None}) for each in pair]
    ids = [s.json()["task_id"] for s in started]
    assert ids[0] != ids[1]
    for response in started:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert response.content == b'{"success":true,"task_id":"%s"}' % response.json()["task_id"].encode()
    for task_id in ids:
        assert facade.wait_for_task(task_id, timeout=30).state.is_final
        through_hot, through_plain = (answer(each.get(f"{T}/{task_id}/status")) for each in pair)
        assert through_hot == through_plain
        assert through_hot[0] == 200 and b'"status":"SUCCESS"' in through_hot[2]
        etag = through_hot[1]["etag"]
        unchanged = [
            answer(each.get(f"{T}/{task_id}/status", headers={"If-None-Match": etag})) for each in pair
        ]
        assert unchanged[0] == unchanged[1] and unchanged[0][0] == 304 and unchanged[0][2] == b""
        other = [answer(each.get(f"{T}/{task_id}/status", headers={"If-None-Match": '"x"'})) for each in pair]
        assert other[0] == other[1] == through_hot
    assert facade.get_task(ids[0]).kwargs == facade.get_task(ids[1]).kwargs  # the same task was queued


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"url": ""}', "application/json"),
        (b'{"url": 5}', "application/json"),
        (b'{"url": "http://127.0.0.1/x", "extra": 1}', "application/json"),
        (b'{"selector": "h1"}', "application/json"),
        (b'{"url": "http://127.0.0.1/x", "selector": 3}', "application/json"),
        (b'{"url": "http://127.0.0.1/x", "offer_key": "' + b"k" * 501 + b'"}', "application/json"),
        (b'{"url": "' + b"u" * 4097 + b'"}', "application/json"),
        (b'["http://127.0.0.1/x"]', "application/json"),
        (b"not json", "application/json"),
        (b'{"url": "ftp://127.0.0.1/x"}', "application/json"),
        (b'{"url": "not a url"}', "application/json"),
        (b'{"url": "http://127.0.0.1/x"}', "text/plain"),
        (b"", "application/json"),
    ],
)
def test_every_refused_scrape_is_refused_the_same(
    pair: tuple[Client, Client], facade: PriceWatch, body: bytes, content_type: str
) -> None:
    before = len(facade.list_tasks(limit=1000))
    headers = {"Content-Type": content_type}
    hot, plain = (answer(each.post(f"{T}/scrape", content=body, headers=headers)) for each in pair)
    assert hot == plain
    assert hot[0] == 422, hot
    assert len(facade.list_tasks(limit=1000)) == before  # nothing was queued


def test_unknown_tasks_and_missing_tokens_answer_the_same(
    pair: tuple[Client, Client], facade: PriceWatch
) -> None:
    for path in (f"{T}/no-such-task/status", f"{T}/a%2Fb/status"):
        hot, plain = (answer(each.get(path)) for each in pair)
        assert hot == plain and hot[0] == 404, hot
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer wrong"}):
        for method, path in (("GET", f"{T}/x/status"), ("POST", f"{T}/scrape")):
            sent = {"headers": headers, "json": {"url": "x"}}
            hot, plain = (answer(each.request(method, path, **sent)) for each in pair)
            assert hot == plain and hot[0] == 401, hot


def test_other_routes_still_reach_fastapi(pair: tuple[Client, Client], facade: PriceWatch) -> None:
    hot, plain = pair
    assert answer(hot.get(f"{T}/names")) == answer(plain.get(f"{T}/names"))
    assert hot.get(f"{T}/x/progress").status_code == 404
    assert hot.put(f"{T}/scrape").status_code == plain.put(f"{T}/scrape").status_code == 405
    assert hot.get("/api/v1/openapi.json").json() == plain.get("/api/v1/openapi.json").json()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (b'{"url": "u"}', {"url": "u", "selector": None, "offer_key": None}),
        (b'{"url": "u", "selector": "h"}', {"url": "u", "selector": "h", "offer_key": None}),
        (b'{"url": "u", "offer_key": null}', {"url": "u", "selector": None, "offer_key": None}),
        (b'{"url": null}', None),
        (b'{"url": "u", "url2": "v"}', None),
        (b"[1]", None),
        (b"\xff", None),
    ],
)
def test_plain_scrape_bodies(body: bytes, fields: dict[str, Any] | None) -> None:
    assert plain_scrape(body) == fields
