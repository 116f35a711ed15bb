"""``POST /products/many`` over the real server: a list of URLs in, one outcome per URL out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.api import LiveApi, serving

MANY = "/api/v1/products/many"


@pytest.fixture
def api() -> Iterator[LiveApi]:
    yield from serving()


def test_each_url_gets_its_outcome_and_nothing_is_added_twice(api: LiveApi) -> None:
    tracked = api.app.add_product("https://shop.example/p/lamp").id
    urls = [
        "https://shop.example/p/kettle?utm_source=mail",
        "https://shop.example/p/kettle/",
        "https://shop.example/p/lamp/",
        "javascript:alert(1)",
        "https://exa mple.example/x",
        "https://other.example/item/7",
    ]
    answer = api.client.post(MANY, json={"urls": urls})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    kettle, other = api.app.list_products()[1:]
    assert body == {
        "added": 2,
        "skipped": 4,
        "outcomes": [
            {"url": "https://shop.example/p/kettle", "outcome": "added", "product_id": kettle.id,
             "reason": None},
            {"url": "https://shop.example/p/kettle/", "outcome": "listed_twice", "product_id": None,
             "reason": "listed twice (as https://shop.example/p/kettle?utm_source=mail)"},
            {"url": "https://shop.example/p/lamp/", "outcome": "already_tracked", "product_id": tracked,
             "reason": f"already tracked as product {tracked}"},
            {"url": "javascript:alert(1)", "outcome": "invalid", "product_id": None,
             "reason": "not a web address"},
            {"url": "https://exa mple.example/x", "outcome": "invalid", "product_id": None,
             "reason": "not a valid address: the host name is not valid: https://exa mple.example/x"},
            {"url": "https://other.example/item/7", "outcome": "added", "product_id": other.id,
             "reason": None},
        ],
    }  # fmt: skip
    again = api.client.post(MANY, json={"urls": urls}).json()
    assert again["added"] == 0 and len(api.app.list_products()) == 3


def test_it_needs_the_token_and_a_bounded_list(api: LiveApi) -> None:
    assert api.anonymous.post(MANY, json={"urls": ["https://shop.example/a"]}).status_code == 401
    assert api.client.post(MANY, json={"urls": []}).status_code == 422
    assert api.client.post(MANY, json={"urls": ["https://shop.example/a"] * 1001}).status_code in (413, 422)
    assert api.app.list_products() == []
