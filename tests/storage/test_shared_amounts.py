"""A read of many products decodes each distinct amount once: equal prices are one Decimal object."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.models import Product
from pricewatch.storage import products as stored
from pricewatch.storage.db import Database
from pricewatch.storage.products import ProductRepository, from_row


def _uncached(raw: str | None) -> Decimal | None:
    return None if raw is None else Decimal(raw)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProductRepository:
    # the codec's own cache is bounded: a table with more distinct amounts than it keeps decodes anew
    monkeypatch.setattr(stored, "money_from_db", _uncached)
    repo = ProductRepository(Database(tmp_path / "db.sqlite3"))
    for n, (price, lowest) in enumerate([("19.99", "19.99"), ("19.99", "12.50"), (None, None)]):
        repo.add(Product(url=f"https://shop.example/{n}", price=price and Decimal(price),
                         lowest_price=lowest and Decimal(lowest)))  # fmt: skip
    return repo


def test_listing_shares_equal_amounts(repo: ProductRepository) -> None:
    first, second, third = repo.list()
    assert (first.price, first.lowest_price, second.lowest_price) == (Decimal("19.99"),) * 2 + (
        Decimal("12.5"),
    )
    assert first.price is first.lowest_price is second.price
    assert third.price is None and third.lowest_price is None


def test_rows_decoded_with_one_table_of_amounts_share_them(repo: ProductRepository) -> None:
    amounts: stored.Amounts = {}
    first, second, _third = (from_row(row, amounts) for row in repo.iter_raw_rows())
    assert first.price is second.price
    alone = [from_row(row) for row in repo.iter_raw_rows()]
    assert alone[0].price == alone[1].price and alone[0].price is not alone[1].price
