"""Products over the real API server: add, list, read, change, remove, history; money travels as text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from pricewatch.models import AlertKind, AlertRule, Availability, PriceObservation, TaskState, utcnow
from tests.support.api import LiveApi, serving
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

P = "/api/v1/products"


@pytest.fixture
def api() -> Iterator[LiveApi]:
    yield from serving()


def test_add_list_get_patch_delete(api: LiveApi) -> None:
    created = api.client.post(P, json={"url": " https://shop.example/item/1 ", "target_price": "19.99"})
    assert created.status_code == 201, created.text
    product = created.json()
    assert product["url"] == "https://shop.example/item/1"
    assert product["shop"] == "shop.example"
    assert product["target_price"] == "19.99"
    assert product["created_at"].endswith("Z")
    pid = product["id"]

    assert [p["id"] for p in api.client.get(P).json()] == [pid]
    assert api.client.get(P, params={"search": "nothing-like-this"}).json() == []
    assert api.client.get(f"{P}/{pid}").json()["url"] == "https://shop.example/item/1"

    changed = api.client.patch(
        f"{P}/{pid}", json={"title": "Kettle", "paused": True, "check_interval_minutes": 30}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["title"], changed.json()["paused"], changed.json()["check_interval_minutes"]) == (
        "Kettle", True, 30,
    )  # fmt: skip
    assert changed.json()["target_price"] == "19.99"  # fields not sent are kept
    cleared = api.client.patch(f"{P}/{pid}", json={"target_price": None}).json()
    assert cleared["target_price"] is None and cleared["title"] == "Kettle"
    stored = api.app.get_product(pid)
    assert stored.paused is True and stored.target_price is None

    assert api.client.delete(f"{P}/{pid}").status_code == 204
    assert api.client.get(f"{P}/{pid}").status_code == 404
    assert api.app.list_products() == []


def test_numbers_are_accepted_as_prices_and_returned_as_text(api: LiveApi) -> None:
    product = api.client.post(P, json={"url": "https://shop.example/a", "target_price": 5}).json()
    assert product["target_price"] == "5"
    assert api.app.get_product(product["id"]).target_price == Decimal("5")


def test_history_is_ordered_with_prices_as_text(api: LiveApi) -> None:
    product = api.app.add_product("https://shop.example/h")
    assert product.id is not None
    now = utcnow()
    for days, price in ((3, "10.00"), (2, "9.50"), (1, "12.25")):
        api.app.observations.add(
            PriceObservation(
                product.id, now - timedelta(days=days), Decimal(price), "EUR", Availability.IN_STOCK
            )
        )
    body = api.client.get(f"{P}/{product.id}/history").json()
    assert body["product_id"] == product.id
    assert [o["price"] for o in body["observations"]] == ["10.00", "9.50", "12.25"]
    assert {o["availability"] for o in body["observations"]} == {"InStock"}
    since = (now - timedelta(days=1, hours=12)).isoformat()
    recent = api.client.get(f"{P}/{product.id}/history", params={"since": since}).json()
    assert [o["price"] for o in recent["observations"]] == ["12.25"]


def test_errors_are_json_with_a_clear_detail(api: LiveApi) -> None:
    not_http = api.client.post(P, json={"url": "file:///etc/passwd"})
    assert not_http.status_code == 422
    assert "only http and https" in not_http.json()["detail"]
    assert api.client.post(P, json={"url": "javascript:alert(1)"}).status_code == 422

    missing = api.client.post(P, json={})
    assert missing.status_code == 422
    assert missing.json()["detail"] == "url: Field required"
    assert missing.json()["errors"][0]["loc"] == ["body", "url"]

    assert api.client.post(P, json={"url": "https://shop.example/x", "colour": "red"}).status_code == 422
    bad_price = api.client.post(P, json={"url": "https://shop.example/x", "target_price": "cheap"})
    assert bad_price.status_code == 422 and "not a price" in bad_price.json()["detail"]
    assert (
        api.client.post(P, json={"url": "https://shop.example/x", "check_interval_minutes": 0}).status_code
        == 422
    )

    api.client.post(P, json={"url": "https://shop.example/dup"})
    dup = api.client.post(P, json={"url": "https://shop.example/dup"})
    assert dup.status_code == 409 and "already tracked" in dup.json()["detail"]

    assert api.client.get(f"{P}/999").json() == {"detail": "no product with id 999"}
    assert api.client.patch(f"{P}/999", json={"title": "x"}).status_code == 404
    assert api.client.delete(f"{P}/999").status_code == 404
    assert api.client.get(f"{P}/999/history").status_code == 404
    assert api.client.get(f"{P}/abc").status_code == 422
    nulled = api.client.patch(f"{P}/1", json={"paused": None})
    assert nulled.status_code == 422 and nulled.json()["detail"].startswith("paused:")
    # a malformed JSON body is a 422 too, not a server error
    raw = api.client.post(P, content=b"{not json", headers={"Content-Type": "application/json"})
    assert raw.status_code == 422
    assert api.app.list_products()[0].url == "https://shop.example/dup"  # nothing else was stored
    assert len(api.app.list_products()) == 1


def test_changing_the_offer_is_not_a_price_drop(api: LiveApi, page_server: PageServer) -> None:
    """The next check reads the new offer afresh, as after the window's offer change."""
    offers = [("TSHIRT-M", "Medium", "21.00"), ("TSHIRT-L", "Large", "23.50")]
    url = page_server.add("/tee", product_page("Plain T-shirt", "21.00", "USD", offers=offers))
    pid = api.app.add_product(url, title="Plain T-shirt").id or 0
    api.app.update_product(pid, offer_key="sku:TSHIRT-L")
    rules = [AlertRule(pid, AlertKind.ANY_DROP), AlertRule(pid, AlertKind.PRICE_INCREASE)]
    api.app.set_alert_rules(pid, rules)
    api.app.start(scheduler=False)
    assert api.app.wait_for_task(api.app.check_product(pid), timeout=30).state is TaskState.SUCCESS
    assert api.app.get_product(pid).price == Decimal("23.50")

    changed = api.client.patch(f"{P}/{pid}", json={"offer_key": "sku:TSHIRT-M"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["price"] is None  # the old offer's price is not the new one's
    assert api.app.wait_for_task(api.app.check_product(pid), timeout=30).state is TaskState.SUCCESS
    product = api.app.get_product(pid)
    assert product.price == Decimal("21.00") and product.previous_price is None
    assert product.lowest_price == Decimal("21.00") == product.highest_price
    assert api.app.list_notifications(product_id=pid) == []


def test_snooze_and_fetch_mode_through_the_api(api: LiveApi) -> None:
    pid = api.client.post(P, json={"url": "https://shop.example/snooze"}).json()["id"]
    snoozed = api.client.post(f"{P}/{pid}/snooze", json={"days": 7})
    assert snoozed.status_code == 200, snoozed.text
    until = api.app.get_product(pid).snoozed_until
    assert until is not None and timedelta(days=6.9) < until - utcnow() <= timedelta(days=7)
    assert snoozed.json()["snoozed_until"] is not None
    assert api.client.post(f"{P}/{pid}/snooze", json={"days": None}).json()["snoozed_until"] is None
    assert api.client.post(f"{P}/{pid}/snooze", json={"days": 400}).status_code == 422
    assert api.client.patch(f"{P}/{pid}", json={"fetch_mode": "browser"}).json()["fetch_mode"] == "browser"
    assert api.client.patch(f"{P}/{pid}", json={"fetch_mode": "magic"}).status_code == 422


def test_product_responses_carry_the_deal_and_the_unit_price(api: LiveApi) -> None:
    pid = api.app.add_product("https://roastery.example/arabica", title="Arabica 500 g").id or 0
    start = utcnow() - timedelta(days=60)
    for day, price, was in (
        (0, "14.99", None),
        (20, "9.99", None),
        (40, "19.99", None),
        (55, "12.99", "19.99"),
    ):
        api.app.observations.record_check(
            pid, checked_at=start + timedelta(days=day), price=Decimal(price), currency="EUR",
            availability=Availability.IN_STOCK, list_price=None if was is None else Decimal(was),
        )  # fmt: skip
    product = api.client.get(f"{P}/{pid}").json()
    assert product["list_price"] == "19.99" and product["quantity"] is None
    assert product["unit_price"] == {"amount": "25.9800", "unit": "kg", "quantity": "500 g"}
    deal = product["deal"]
    assert (deal["kind"], deal["discount"]["status"], deal["discount"]["low"]) == (
        "fake_discount",
        "inflated",
        "9.99",
    )
    assert [s["price"] for s in deal["discount"]["window"]] == ["9.99", "19.99"]
    assert api.client.get(P).json()[0]["deal"]["badge"] == "Fake discount"
    quick = api.client.get(P, params={"deals": "false"}).json()[0]  # a quick list: no history read
    assert quick["deal"] is None and quick["unit_price"]["unit"] == "kg"
    history = api.client.get(f"{P}/{pid}/history").json()["observations"]
    assert [o["list_price"] for o in history] == [None, None, None, "19.99"]

    changed = api.client.patch(f"{P}/{pid}", json={"quantity": "2 x 500 g"})
    assert changed.status_code == 200 and changed.json()["unit_price"]["amount"] == "12.9900"
    refused = api.client.patch(f"{P}/{pid}", json={"quantity": "USB 3.0"})
    assert refused.status_code == 422 and "not a quantity" in refused.json()["detail"]
    assert api.app.get_product(pid).quantity == "2 x 500 g"
