"""CSV exports opened in a spreadsheet: text cells that would start a formula are neutralised with a leading
apostrophe (and read back without it), numbers stay numbers; JSON exports carry the text unchanged."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.app import PriceWatch
from pricewatch.config import Paths
from pricewatch.models import Availability, PriceObservation, utcnow

HOSTILE_TITLES = ['=HYPERLINK("http://evil.example","Click")', "+1+2", "-2+3", "@SUM(A1:A9)", "\tTab", "\rCR"]


def _app(root: Path) -> PriceWatch:
    return PriceWatch(Paths(root, root, root / "cache", root / "logs"), executor="sync")


@pytest.fixture
def source(tmp_path: Path) -> Iterator[PriceWatch]:
    app = _app(tmp_path / "source")
    for i, title in enumerate(HOSTILE_TITLES):
        product = app.add_product(f"https://shop.example/p{i}", title=title, target_price="5")
        assert product.id is not None
        app.products.set_fields(product.id, css_selector="=cmd|' /C calc'!A0", offer_key="-sku")
        app.observations.add(
            PriceObservation(product.id, utcnow(), Decimal("5"), "EUR", Availability.IN_STOCK)
        )
    yield app
    app.close()


def test_csv_cells_cannot_start_a_formula(source: PriceWatch, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        source.export_products(out, "csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["title"] for row in rows) == sorted("'" + t for t in HOSTILE_TITLES)
    for row in rows:
        for name, cell in row.items():
            assert not cell or cell[0] not in "=+-@\t\r", (name, cell)
        assert row["price"] == "5" and row["target_price"] == "5" and row["check_interval_minutes"] == "60"


def test_csv_export_reads_back_to_the_same_text(source: PriceWatch, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        source.export_products(out, "csv")
    target = _app(tmp_path / "target")
    try:
        target.import_products(path)
        products = target.products.list()
        assert sorted(p.title or "" for p in products) == sorted(HOSTILE_TITLES)
        assert {p.css_selector for p in products} == {"=cmd|' /C calc'!A0"}
        assert {p.offer_key for p in products} == {"-sku"}
    finally:
        target.close()


def test_json_export_keeps_text_and_numbers_as_they_are(source: PriceWatch, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    with path.open("w", encoding="utf-8") as out:
        source.export_products(out, "json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(p["title"] for p in doc["products"]) == sorted(HOSTILE_TITLES)
    assert {p["history"][0]["price"] for p in doc["products"]} == {"5"}
