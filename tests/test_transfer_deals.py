"""Export and import keep the page's was-price of each reading and the product's quantity, in JSON and CSV;
an export written before they existed still imports (without them)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.app import PriceWatch
from pricewatch.config import Paths
from pricewatch.models import Availability, utcnow
from tests.support.app import open_pricewatch

URL = "https://roastery.example/arabica"


def _app(root: Path) -> PriceWatch:
    return open_pricewatch(Paths(root, root, root / "cache", root / "logs"), executor="sync")


@pytest.fixture
def source(tmp_path: Path) -> Iterator[PriceWatch]:
    app = _app(tmp_path / "source")
    yield app
    app.close()


@pytest.fixture
def target(tmp_path: Path) -> Iterator[PriceWatch]:
    app = _app(tmp_path / "target")
    yield app
    app.close()


def _seed(app: PriceWatch) -> int:
    product_id = app.add_product(URL, title="Arabica").id or 0
    app.update_product(product_id, quantity="6 x 250 g")
    start = utcnow() - timedelta(days=40)
    for day, price, was in ((0, "14.99", None), (20, "9.99", None), (35, "12.99", "19.99")):
        app.observations.record_check(
            product_id, checked_at=start + timedelta(days=day), price=Decimal(price), currency="EUR",
            availability=Availability.IN_STOCK, list_price=None if was is None else Decimal(was),
        )  # fmt: skip
    return product_id


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_was_prices_and_quantity_travel(
    source: PriceWatch, target: PriceWatch, tmp_path: Path, fmt: str
) -> None:
    _seed(source)
    out = io.StringIO()
    source.export_products(out, fmt)
    file = tmp_path / f"export.{fmt}"
    file.write_text(out.getvalue(), encoding="utf-8")
    target.import_products(file)
    product = target.products.get_by_url(URL)
    assert product is not None and product.id is not None
    assert product.quantity == "6 x 250 g" and product.list_price == Decimal("19.99")
    assert [o.list_price for o in target.history(product.id)] == [None, None, Decimal("19.99")]
    assert target.deal(product.id).discount is not None


def test_an_export_from_before_keeps_importing(target: PriceWatch, tmp_path: Path) -> None:
    old = {
        "pricewatch_export": 2, "app_version": "0.9", "exported_at": "2026-11-20T10:00:00+00:00",
        "products": [{"url": URL, "title": "Arabica 500 g", "currency": "EUR", "history": [
            {"observed_at": "2026-11-19T10:00:00+00:00", "price": "12.5", "currency": "EUR",
             "availability": "InStock"}]}],
    }  # fmt: skip
    file = tmp_path / "old.json"
    file.write_text(json.dumps(old), encoding="utf-8")
    assert target.import_products(file).observations_added == 1
    product = target.products.get_by_url(URL)
    assert product is not None and product.id is not None
    assert product.quantity is None and product.list_price is None
    assert [o.list_price for o in target.history(product.id)] == [None]
    unit = target.unit_price(product)  # the title's quantity serves
    assert unit is not None and unit.amount == Decimal("25.0000")


def test_a_quantity_the_import_brings_does_not_replace_one_set_here(
    source: PriceWatch, target: PriceWatch, tmp_path: Path
) -> None:
    _seed(source)
    product_id = target.add_product(URL).id or 0
    target.update_product(product_id, quantity="1 kg")
    out = io.StringIO()
    source.export_products(out, "json")
    file = tmp_path / "export.json"
    file.write_text(out.getvalue(), encoding="utf-8")
    target.import_products(file)
    assert target.get_product(product_id).quantity == "1 kg"


def test_a_bad_quantity_is_refused_and_nothing_changes(target: PriceWatch) -> None:
    product_id = target.add_product(URL).id or 0
    with pytest.raises(ValueError, match="is not a quantity"):
        target.update_product(product_id, quantity="iPhone 15 Pro 256 GB")
    assert target.get_product(product_id).quantity is None
