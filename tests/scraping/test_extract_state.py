"""Prices read from an app's state script (statedata), for pages that render their price in the browser."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricewatch.models import Availability
from pricewatch.scraping.extract import extract


def _page(script: str, body: str = "<h1>{{ product.name }}</h1><p>{{ product.price.formatted }}</p>") -> str:
    return f"<html lang='hr'><head>{script}</head><body><div id='app'>{body}</div></body></html>"


def test_initial_state_gives_the_final_price_not_the_regular_or_related() -> None:
    script = """<script>window.__INITIAL_STATE__ = {"product": {"name": "Romobil",
      "related": [{"price": 9.9}],
      "price": {"regular": 549.0, "final": 479.0, "currency": "EUR", "formatted": "479,00 €"},
      "inStock": true}};</script>"""
    result = extract(_page(script))
    assert (result.price, result.currency, result.methods["price"]) == (Decimal("479.00"), "EUR", "state")
    assert result.availability is Availability.IN_STOCK and result.list_price == Decimal("549")
    assert not result.unsure and result.evidence


def test_next_data_script_and_cents_keys() -> None:
    script = """<script id="__NEXT_DATA__" type="application/json">{"props": {"pageProps": {"product":
      {"name": "Plecak", "priceInCents": 34900, "currency": "PLN",
      "availability": "OUT_OF_STOCK"}}}}</script>"""
    result = extract(_page(script, "<h1>Plecak</h1>"))
    assert (result.price, result.currency) == (Decimal("349"), "PLN")
    assert result.availability is Availability.OUT_OF_STOCK


def test_a_visible_price_wins_over_the_state_script() -> None:
    script = '<script>window.__STATE__ = {"product": {"name": "X", "price": 1.0}};</script>'
    body = "<h1>X</h1><span class='price'>99,00 €</span><button>Dodaj u košaricu</button>"
    assert extract(_page(script, body)).price == Decimal("99.00")


def test_lists_and_carts_are_no_product() -> None:
    script = """<script>window.__INITIAL_STATE__ = {"search": {"results": [{"name": "A", "price": 3}]},
      "cart": {"items": [{"name": "B", "price": 4}]},
      "recommendations": {"product": {"price": 5}}};</script>"""
    assert extract(_page(script)).price is None


def test_hostile_blobs_never_raise() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    for text in (
        'window.__INITIAL_STATE__ = {"product": {"price": ' + deep + "}}",
        'window.__INITIAL_STATE__ = {"product": {"price": "NaN", "final": "1e999999"}}',
        'window.__INITIAL_STATE__ = {"product": {"price": ',
        '{"product": {"price": {"final": {"final": {"final": {"final": {"final": 3}}}}}}}',
        "var a = {" + '"price": 1, ' * 50_000 + "}",
    ):
        result = extract(_page(f"<script>{text}</script>"))
        assert result.price is None or 0 < result.price < 10**12


_KEYS = st.sampled_from(
    ["product", "price", "final", "salePrice", "priceInCents", "regular", "formatted", "currency", "inStock",
     "availability", "related", "items", "offers", "name", "cart", "stock"]
)  # fmt: skip
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(_KEYS | st.text(max_size=6), inner, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON, st.booleans())
def test_fuzzed_state_never_raises(value: object, cut: bool) -> None:
    text = json.dumps({"product": value})
    script = f"<script>window.__INITIAL_STATE__ = {text[: len(text) // 2] if cut else text};</script>"
    result = extract(_page(script))
    assert result.price is None or 0 < result.price < 10**12
    assert result.reason is None if result.price is not None else result.reason
