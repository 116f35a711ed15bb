"""Export and import keep tags and saved filters; exports made before them still import.

Real SQLite files: a "source" PriceWatch and a "new machine" PriceWatch in two homes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.app import PriceWatch
from pricewatch.config import Paths
from pricewatch.product_filters import ProductQuery
from pricewatch.transfer import ImportFormatError
from tests.support.app import open_pricewatch

URL = "https://shop.example/item"


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


def _export(app: PriceWatch, tmp_path: Path, fmt: str) -> Path:
    file = tmp_path / f"export.{fmt}"
    with file.open("w", encoding="utf-8", newline="") as out:
        app.export_products(out, fmt)
    return file


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_tags_move_with_their_products(
    source: PriceWatch, target: PriceWatch, tmp_path: Path, fmt: str
) -> None:
    pid = source.add_product(URL).id
    assert pid is not None
    source.tag_products([pid], ["Gift", "=SUM(A1)", "küche"])  # a formula-looking tag stays a tag
    source.save_filter("Gifts", ProductQuery(tag="gift", in_stock=True))
    file = _export(source, tmp_path, fmt)
    here = target.add_product(URL).id
    assert here is not None
    target.tag_products([here], ["GIFT", "mine"])
    target.save_filter("gifts", ProductQuery(tag="mine"))  # this machine's filter of that name stays
    summary = target.import_products(file)
    assert target.product_tags(here) == ["=SUM(A1)", "GIFT", "küche", "mine"]
    assert summary.tags_added == 2
    assert [(f.name, f.query) for f in target.saved_filters()] == [("gifts", ProductQuery(tag="mine"))]
    if fmt == "csv":
        assert "'=SUM(A1)" in file.read_text(encoding="utf-8")  # no formula for a spreadsheet


def test_saved_filters_move_in_a_json_export(source: PriceWatch, target: PriceWatch, tmp_path: Path) -> None:
    source.save_filter("Cheap kitchen", ProductQuery(tag="kitchen", below_target=True))
    file = _export(source, tmp_path, "json")
    assert json.loads(file.read_text())["saved_filters"] == [
        {"name": "Cheap kitchen", "query": {"tag": "kitchen", "below_target": True}}
    ]
    assert target.import_products(file).filters_added == 1
    assert target.saved_filter("cheap KITCHEN").query == ProductQuery(tag="kitchen", below_target=True)


def test_an_export_from_before_tags_still_imports(target: PriceWatch, tmp_path: Path) -> None:
    old = {"pricewatch_export": 2, "products": [{"url": URL, "alerts": {"rules": []}, "history": []}]}
    file = tmp_path / "old.json"
    file.write_text(json.dumps(old), encoding="utf-8")
    summary = target.import_products(file)
    assert (summary.products_added, summary.tags_added, summary.filters_added) == (1, 0, 0)
    assert target.tags() == [] and target.saved_filters() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"products": [{"url": URL, "tags": ["ok", "bad\u0000"]}]}, "control character"),
        ({"products": [{"url": URL, "tags": "not a list"}]}, None),
        ({"products": [{"url": URL, "tags": [5]}]}, "must be text"),
        ({"products": [], "saved_filters": [{"name": "x", "query": {"colour": 1}}]}, "unknown filter"),
        ({"products": [], "saved_filters": [{"name": "", "query": {"in_stock": True}}]}, "cannot be empty"),
        ({"products": [], "saved_filters": "lots"}, "not a list"),
    ],
)
def test_bad_tags_and_filters_are_refused_before_anything_is_stored(
    target: PriceWatch, tmp_path: Path, change: dict[str, object], message: str | None
) -> None:
    file = tmp_path / "bad.json"
    file.write_text(json.dumps({"pricewatch_export": 2, **change}), encoding="utf-8")
    if message is None:  # a JSON string is read as one comma-separated cell: a tag called "not a list"
        target.import_products(file)
        assert target.tags() == [("not a list", 1)]
        return
    with pytest.raises(ImportFormatError, match=message):
        target.import_products(file)
    assert target.list_products() == [] and target.saved_filters() == []
