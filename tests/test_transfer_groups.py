"""Export and import keep products in several shops together and carry the exchange rates."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.app import PriceWatch
from pricewatch.config import Paths
from pricewatch.transfer import ImportFormatError
from tests.support.app import open_pricewatch


def _app(root: Path) -> PriceWatch:
    return open_pricewatch(Paths(root, root, root / "cache", root / "logs"), executor="sync")


def test_groups_and_rates_survive_an_export_and_import(tmp_path: Path) -> None:
    file = tmp_path / "export.json"
    with _app(tmp_path / "source") as source:
        a = source.add_product("https://a.example/kettle").id or 0
        b = source.add_listing(a, "https://b.example/kettle").id or 0
        source.add_product("https://c.example/toaster")
        source.rates.replace({"USD": Decimal("1.25")}, date(2026, 12, 4), "test")
        with open(file, "w", encoding="utf-8") as out:
            source.export_products(out)
        assert b
    doc = json.loads(file.read_text())
    assert doc["groups"] == [["https://a.example/kettle", "https://b.example/kettle"]]
    assert doc["exchange_rates"] == {"rate_date": "2026-12-04", "per_eur": {"USD": "1.25"}}

    with _app(tmp_path / "target") as target:
        target.add_product("https://c.example/toaster")  # already here: becomes product 1
        target.import_products(file)
        groups = [[item.product.url for item in g.listings] for g in target.product_groups()]
        assert groups == [
            ["https://c.example/toaster"], ["https://a.example/kettle", "https://b.example/kettle"],
        ]  # fmt: skip
        assert target.exchange_rates().table.per_eur == {"USD": Decimal("1.25")}
        newer = date(2026, 12, 5)
        target.rates.replace({"USD": Decimal("1.30")}, newer, "test")
        target.import_products(file)  # older rates in a file never replace newer ones
        assert target.exchange_rates().table.rate_date == newer
        assert len(target.product_groups()) == 2


def test_an_export_without_groups_or_rates_imports_as_before(tmp_path: Path) -> None:
    file = tmp_path / "old.json"
    file.write_text(json.dumps({"pricewatch_export": 2, "products": [{"url": "https://a.example/1"}]}))
    with _app(tmp_path / "t") as app:
        summary = app.import_products(file)
        assert summary.products_added == 1 and app.exchange_rates().table.rate_date is None


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"groups": "all"}, "groups is not a list"),
        ({"groups": [[1, 2]]}, "group 1 is not a list of URLs"),
        ({"exchange_rates": {"rate_date": "soon", "per_eur": {}}}, "is not a date"),
        ({"exchange_rates": {"rate_date": "2026-12-04", "per_eur": {"usd!": "1"}}}, "not a currency code"),
        ({"exchange_rates": {"rate_date": "2026-12-04", "per_eur": {"USD": "0"}}}, "not a positive number"),
    ],
)
def test_bad_groups_or_rates_are_refused_before_anything_is_written(
    tmp_path: Path, extra: dict[str, object], reason: str
) -> None:
    file = tmp_path / "bad.json"
    file.write_text(
        json.dumps({"pricewatch_export": 2, "products": [{"url": "https://a.example/1"}], **extra})
    )
    with _app(tmp_path / "t") as app:
        with pytest.raises(ImportFormatError, match=reason):
            app.import_products(file)
        assert app.list_products() == []


def test_a_csv_export_keeps_products_in_several_shops_together(tmp_path: Path) -> None:
    file = tmp_path / "export.csv"
    with _app(tmp_path / "source") as source:
        a = source.add_product("https://a.example/kettle").id or 0
        source.add_listing(a, "https://b.example/kettle")
        source.add_listing(a, "https://c.example/kettle")
        source.add_product("https://d.example/toaster")
        with open(file, "w", encoding="utf-8") as out:
            source.export_products(out, "csv")
    rows = {row["url"]: row["same_product_as"] for row in csv.DictReader(io.StringIO(file.read_text()))}
    assert rows == {
        "https://a.example/kettle": "", "https://b.example/kettle": "https://a.example/kettle",
        "https://c.example/kettle": "https://a.example/kettle", "https://d.example/toaster": "",
    }  # fmt: skip

    with _app(tmp_path / "target") as target:
        target.import_products(file)
        groups = sorted([item.product.url for item in g.listings] for g in target.product_groups())
        assert groups == [
            ["https://a.example/kettle", "https://b.example/kettle", "https://c.example/kettle"],
            ["https://d.example/toaster"],
        ]


def test_a_csv_file_without_the_group_column_imports_as_before(tmp_path: Path) -> None:
    file = tmp_path / "old.csv"
    file.write_text("url,title\nhttps://a.example/1,Kettle\nhttps://b.example/2,Toaster\n")
    with _app(tmp_path / "t") as app:
        assert app.import_products(file).products_added == 2
        assert len(app.product_groups()) == 2
