"""When a rendered page counts as done: pure decisions over probe answers (milliseconds)."""

from __future__ import annotations

import re

from pricewatch.scraping.browser.settle import PRICE_GRACE_MS, PRICE_TEXT, QUIET_MS, Settle, probe_source


def answer(n: int, res: int = 0, price: bool = False, ready: str = "complete") -> dict[str, object]:
    return {"n": float(n), "res": float(res), "price": price, "ready": ready}


def test_a_price_after_load_settles_at_once() -> None:
    settle = Settle(started_ms=0)
    settle.loaded(100)
    assert settle.observe(120, answer(10)) is None
    assert settle.observe(220, answer(12, price=True)) == "price"


def test_a_price_while_still_loading_gets_a_short_grace() -> None:
    settle = Settle(started_ms=0)
    assert settle.observe(100, answer(10, price=True, ready="interactive")) is None
    assert settle.observe(100 + PRICE_GRACE_MS, answer(10, price=True, ready="interactive")) == "price"


def test_no_price_settles_when_dom_and_network_stay_quiet_after_load() -> None:
    settle = Settle(started_ms=0)
    settle.loaded(100)
    assert settle.observe(200, answer(10, res=1)) is None
    assert settle.observe(400, answer(11, res=2)) is None  # a request finished: the clock starts again
    assert settle.observe(400 + QUIET_MS - 1, answer(11, res=2)) is None
    assert settle.observe(400 + QUIET_MS, answer(11, res=2)) == "idle"


def test_nothing_settles_before_load_without_a_price() -> None:
    settle = Settle(started_ms=0)
    assert all(settle.observe(t, answer(5)) is None for t in range(0, 5000, 100))


def test_a_document_still_loading_is_not_done_even_with_a_price() -> None:
    settle = Settle(started_ms=0)
    assert all(settle.observe(t, answer(5, price=True, ready="loading")) is None for t in range(0, 2000, 100))


def test_broken_answers_count_as_unknown() -> None:
    settle = Settle(started_ms=0)
    settle.loaded(0)
    assert settle.observe(100, {"n": "x", "price": "yes"}) is None


def test_the_price_text_pattern_and_the_probe_quote_the_selector() -> None:
    assert re.search(PRICE_TEXT, "Price: 12.50 €") and re.search(PRICE_TEXT, "$3")
    assert not re.search(PRICE_TEXT, "Order 12 items")
    source = probe_source('"); alert(1); ("')
    assert '"\\"); alert(1); (\\""' in source
