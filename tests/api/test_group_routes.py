"""Products in several shops and exchange rates over the real API server, with real local shop pages."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pricewatch.models import TaskState, utcnow
from tests.support.api import LiveApi, serving
from tests.support.pages import product_page
from tests.support.pageserver import PageServer
from tests.support.rates import RATES_DIR, rates_file, serve_rates

V1 = "/api/v1"


@pytest.fixture
def api() -> Iterator[LiveApi]:
    yield from serving(executor="sync")


def wait(api: LiveApi, task_id: str) -> TaskState:
    return api.app.wait_for_task(task_id, timeout=30).state


def test_a_second_shop_in_another_currency_and_its_cheapest(api: LiveApi, page_server: PageServer) -> None:
    api.app.settings.fetch.per_host_delay = 0.0
    api.app.settings.currency.rates_url = serve_rates(page_server, "/rates.xml", rates_file(utcnow().date()))
    a = page_server.add("/a", product_page("Kettle", "20.00", "EUR"))
    b = page_server.add("/b", product_page("Kettle", "23.75", "USD"))
    first = api.client.post(f"{V1}/products", json={"url": a}).json()["id"]
    added = api.client.post(f"{V1}/products/{first}/listings", json={"url": b})
    assert added.status_code == 201, added.text
    second = added.json()["id"]
    checked = api.client.post(f"{V1}/tasks/price-check", json={"product_ids": [first, second]})
    assert wait(api, checked.json()["task_id"]) is TaskState.SUCCESS
    update = api.client.post(f"{V1}/exchange-rates/update")
    assert update.status_code == 200 and wait(api, update.json()["task_id"]) is TaskState.SUCCESS

    rates = api.client.get(f"{V1}/exchange-rates").json()
    today = utcnow().date().isoformat()
    assert (rates["rate_date"], rates["stale"], rates["per_eur"]["USD"]) == (today, False, "1.2500")
    (group,) = api.client.get(f"{V1}/product-groups").json()
    assert (group["id"], group["shops"], group["home_currency"]) == (first, 2, "EUR")
    cheapest = group["cheapest"]
    assert (cheapest["product"]["id"], cheapest["home_price"], cheapest["product"]["currency"]) == (
        second, "19.00", "USD",
    )  # fmt: skip
    assert api.client.get(f"{V1}/products/{second}/group").json()["id"] == first

    split = api.client.post(f"{V1}/products/{second}/split").json()
    assert [item["product"]["id"] for item in split["listings"]] == [second]
    assert len(api.client.get(f"{V1}/product-groups").json()) == 2
    merged = api.client.post(f"{V1}/products/{second}/merge", json={"other_id": first}).json()
    assert merged["id"] == first and len(merged["listings"]) == 2


def test_bad_requests_are_clear_and_change_nothing(api: LiveApi, page_server: PageServer) -> None:
    pid = api.client.post(f"{V1}/products", json={"url": "https://shop.example/1"}).json()["id"]
    assert api.client.post(f"{V1}/products/{pid}/merge", json={"other_id": pid}).status_code == 422
    assert api.client.post(f"{V1}/products/{pid}/merge", json={"other_id": 999}).status_code == 404
    assert api.client.post(f"{V1}/products/{pid}/split").status_code == 422
    assert (
        api.client.post(f"{V1}/products/999/listings", json={"url": "https://b.example/1"}).status_code == 404
    )
    taken = api.client.post(f"{V1}/products/{pid}/listings", json={"url": "https://shop.example/1"})
    assert taken.status_code == 409
    assert len(api.app.list_products()) == 1

    api.app.settings.currency.rates_url = serve_rates(
        page_server, "/broken.xml", (RATES_DIR / "broken-html.xml").read_bytes()
    )
    update = api.client.post(f"{V1}/exchange-rates/update").json()
    assert wait(api, update["task_id"]) is TaskState.FAILURE
    rates = api.client.get(f"{V1}/exchange-rates").json()
    assert rates["rate_date"] is None and "not XML" in rates["last_error"]
