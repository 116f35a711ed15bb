"""Tags, saved filters, bulk edits and snoozes over the real API server."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from pricewatch.models import AlertKind, AlertRule, Availability, utcnow
from tests.support.api import LiveApi, serving

P = "/api/v1/products"


@pytest.fixture
def api() -> Iterator[LiveApi]:
    yield from serving()


def add(api: LiveApi, path: str) -> int:
    response = api.client.post(P, json={"url": f"https://shop.example/{path}"})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_tags_on_products_and_the_list_by_tag(api: LiveApi) -> None:
    a, b = add(api, "a"), add(api, "b")
    tagged = api.client.post(f"{P}/{a}/tags", json={"tags": [" Gift ", "kitchen"]})
    assert tagged.status_code == 200, tagged.text
    assert tagged.json() == ["Gift", "kitchen"]
    assert api.client.post(f"{P}/{b}/tags", json={"tags": ["GIFT"]}).json() == ["Gift"]
    assert api.client.get("/api/v1/tags").json() == [
        {"name": "Gift", "products": 2},
        {"name": "kitchen", "products": 1},
    ]
    assert [p["id"] for p in api.client.get(P, params={"tag": "gift"}).json()] == [a, b]
    assert api.client.delete(f"{P}/{a}/tags/GIFT").status_code == 204
    assert api.client.get(f"{P}/{a}/tags").json() == ["kitchen"]
    bad = api.client.post(f"{P}/{a}/tags", json={"tags": ["new\nline"]})
    assert bad.status_code == 422 and "control character" in bad.json()["detail"]
    assert api.client.post(f"{P}/999/tags", json={"tags": ["x"]}).status_code == 404
    assert api.app.tags() == [("Gift", 1), ("kitchen", 1)]  # the failed calls changed nothing


def test_saved_filters(api: LiveApi) -> None:
    a, b = add(api, "a"), add(api, "b")
    api.app.observations.record_check(
        a, checked_at=utcnow(), price=Decimal(5), currency="EUR", availability=Availability.IN_STOCK
    )
    api.app.tag_products([a, b], ["deals"])
    saved = api.client.put("/api/v1/filters/In stock deals", json={"tag": "deals", "in_stock": True})
    assert saved.status_code == 200, saved.text
    assert saved.json()["name"] == "In stock deals"
    assert saved.json()["query"]["in_stock"] is True
    assert [f["name"] for f in api.client.get("/api/v1/filters").json()] == ["In stock deals"]
    assert [p["id"] for p in api.client.get(P, params={"filter": "in stock DEALS"}).json()] == [a]
    assert [p["id"] for p in api.client.get(P, params={"in_stock": "true"}).json()] == [a]
    assert [p["id"] for p in api.client.get(P, params={"tag": "deals", "shop": "shop.example"}).json()] == [
        a,
        b,
    ]
    assert api.client.get(P, params={"shop": "no shop"}).status_code == 422
    assert api.client.get(P, params={"filter": "nothing"}).status_code == 404
    assert api.client.put("/api/v1/filters/empty", json={}).status_code == 422
    assert api.client.put("/api/v1/filters/x", json={"colour": "red"}).status_code == 422
    assert api.client.delete("/api/v1/filters/in stock deals").status_code == 204
    assert api.client.get("/api/v1/filters/in stock deals").status_code == 404


def test_bulk_edit_is_one_operation(api: LiveApi) -> None:
    a, b = add(api, "a"), add(api, "b")
    body = {
        "product_ids": [a, b], "add_tags": ["sale"], "check_interval_minutes": 15,
        "add_rule": {"kind": "drop_percent", "percent": "10"}, "paused": True,
    }  # fmt: skip
    done = api.client.post(f"{P}/bulk", json=body)
    assert done.status_code == 200, done.text
    assert done.json()["product_ids"] == [a, b] and done.json()["rules_added"] == 2
    for pid in (a, b):
        product = api.app.get_product(pid)
        assert product.paused and product.check_interval_minutes == 15
        assert AlertKind.DROP_PERCENT in [r.kind for r in api.app.alert_rules_for(pid)]
    missing = api.client.post(f"{P}/bulk", json={"product_ids": [a, 999], "paused": False})
    assert missing.status_code == 404
    assert api.app.get_product(a).paused  # nothing changed
    assert api.client.post(f"{P}/bulk", json={"product_ids": [a]}).status_code == 422  # nothing to change


def test_snoozes_until_the_price_changes(api: LiveApi) -> None:
    a = add(api, "a")
    snoozed = api.client.post(f"{P}/{a}/snooze", json={"until_change": True})
    assert snoozed.status_code == 200, snoozed.text
    assert snoozed.json()["snooze_until_change"] is True and snoozed.json()["snoozed_until"] is None
    (rule,) = api.app.set_alert_rules(a, [AlertRule(a, AlertKind.ANY_DROP)])
    response = api.client.post(f"{P}/{a}/rules/{rule.id}/snooze", json={"days": 7})
    assert response.status_code == 200, response.text
    assert response.json()["snoozed_until"] is not None and response.json()["kind"] == "any_drop"
    assert api.client.post(f"{P}/{a}/rules/999/snooze", json={"days": None}).status_code == 404
    off = api.client.post(f"{P}/{a}/snooze", json={"days": None}).json()
    assert off["snooze_until_change"] is False and off["snoozed_until"] is None
