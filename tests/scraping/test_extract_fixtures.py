"""The project's own fixture pages (tests/data/extract_fixtures), scored through ``pricewatch extract --json``
with the corpus's protocol: split price markup, structured data against the buy box, non-Latin scripts and
currencies, wrong offers, availability wording, pages without a product. The held-out sets
(tests/data/extract_heldout, _heldout2, _heldout3) are not scored here: bench/extraction.py reports
them apart."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.support.extract_scoring import Score, predictions, score

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "extract_fixtures"


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads((FIXTURES / "ground_truth.json").read_text(encoding="utf-8"))
    return found


@pytest.fixture(scope="module")
def preds(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return predictions(FIXTURES, rows)


@pytest.fixture(scope="module")
def result(rows: list[dict[str, Any]], preds: dict[str, dict[str, Any]]) -> Score:
    return score(rows, preds)


def test_every_fixture_has_a_page_and_an_answer(rows: list[dict[str, Any]], preds: dict[str, Any]) -> None:
    assert len(rows) >= 60
    assert {Path(r["file"]).name for r in rows} == set(preds)
    assert all(pred["error"] is None for pred in preds.values())


def test_price_and_availability_floors(result: Score) -> None:
    assert result.price_f1 >= 0.97, result.wrong
    assert result.availability_f1 >= 0.96
    assert result.currency_right >= 0.95


def test_unsure_flag_rarely_doubts_a_right_price(result: Score) -> None:
    assert result.unsure_false_alarm <= 0.10


def test_no_product_pages_say_why(rows: list[dict[str, Any]], preds: dict[str, dict[str, Any]]) -> None:
    empty = [preds[Path(r["file"]).name] for r in rows if r["price"] is None]
    assert empty
    for pred in empty:
        assert pred["price"] is None and pred["reason"], pred["source"]
        assert (pred["confidence"], pred["unsure"]) == (0.0, False)


def test_list_prices_are_reported(rows: list[dict[str, Any]], preds: dict[str, dict[str, Any]]) -> None:
    """Where the page shows or states a crossed-out or list price, the result carries it beside the price."""
    with_list = [r for r in rows if r.get("list_price")]
    assert len(with_list) >= 10
    right = [
        r["file"]
        for r in with_list
        if preds[Path(r["file"]).name]["list_price"] is not None
        and Decimal(preds[Path(r["file"]).name]["list_price"]) == Decimal(r["list_price"])
    ]
    assert len(right) >= 0.8 * len(with_list), sorted({r["file"] for r in with_list} - set(right))


def test_every_price_says_why(preds: dict[str, dict[str, Any]]) -> None:
    for pred in preds.values():
        if pred["price"] is None:
            continue
        assert pred["evidence"], pred["source"]
        chosen = [c for c in pred["candidates"] if c["chosen"]]
        assert len(chosen) == 1 and Decimal(chosen[0]["price"]) == Decimal(pred["price"]), pred["source"]
        assert 0.0 < pred["confidence"] <= 1.0
