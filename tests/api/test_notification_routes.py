"""Notifications over the real API server; the tray channel is a recorder (no window is running)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.api import LiveApi, live_api
from tests.support.app import open_pricewatch

N = "/api/v1/notifications"


@pytest.fixture
def shown() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def api(shown: list[tuple[str, str]]) -> Iterator[LiveApi]:
    with open_pricewatch() as app:
        app.settings.notify.desktop = False
        app.settings.notify.apprise_urls = []
        app.set_tray_notifier(lambda title, message: shown.append((title, message)))
        yield from live_api(app)


def test_send_one_then_read_the_log(api: LiveApi, shown: list[tuple[str, str]]) -> None:
    product = api.app.add_product("https://shop.example/kettle")
    sent = api.client.post(N, json={"title": "Kettle", "message": "now 19.99", "product_id": product.id,
                                    "data": {"price": "19.99"}})  # fmt: skip
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["title"], body["message"], body["product_id"]) == ("Kettle", "now 19.99", product.id)
    assert body["state"] == "SENT" and body["channels"] == ["tray"]
    assert body["data"]["price"] == "19.99"
    assert shown == [("Kettle", "now 19.99")]
    log = api.client.get(N).json()["notifications"]
    assert [n["id"] for n in log] == [body["id"]]
    assert api.client.get(N, params={"product_id": product.id}).json()["notifications"][0]["id"] == body["id"]
    assert api.client.get(N, params={"product_id": 999}).json()["notifications"] == []


def test_batch_and_errors(api: LiveApi, shown: list[tuple[str, str]]) -> None:
    items = [{"title": f"T{i}", "message": f"m{i}"} for i in range(2)]
    batch = api.client.post(f"{N}/batch", json={"items": items})
    assert batch.status_code == 201, batch.text
    assert [n["title"] for n in batch.json()["notifications"]] == ["T0", "T1"]
    assert shown == [("T0", "m0"), ("T1", "m1")]
    assert len(api.client.get(N, params={"limit": 1}).json()["notifications"]) == 1

    assert api.client.post(N, json={"message": "no title"}).status_code == 422
    assert api.client.post(N, json={"title": "x" * 201}).status_code == 422
    unknown = api.client.post(N, json={"title": "t", "product_id": 4242})
    assert unknown.status_code == 404 and unknown.json() == {"detail": "no product with id 4242"}
    assert api.client.post(f"{N}/batch", json={"items": []}).status_code == 422
    assert len(shown) == 2  # nothing sent for the refused requests
