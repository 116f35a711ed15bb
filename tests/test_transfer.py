"""Export/import keeps what the user set up (F16): alert rules with their state, minimum change, offer,
paused, ignore_robots; merges into existing products without overwriting; format 1 files still import.

Real SQLite files: a "source" PriceWatch and a "new machine" PriceWatch in two homes.
"""

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
from pricewatch.models import AlertKind, AlertRule, AlertState, Availability, PriceObservation, utcnow
from pricewatch.storage.alert_rules import AlertOptions
from pricewatch.transfer import FORMAT_VERSION, ImportFormatError
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


def _set_up(app: PriceWatch) -> int:
    """The QA repro: target 10, back in stock, drop 7 %, minimum change 2 %, offer, paused, ignore robots."""
    product = app.add_product(URL, target_price="10", title="Kettle")
    assert product.id is not None
    app.products.set_fields(product.id, offer_key="sku-2", paused=True, ignore_robots=True)
    app.set_alert_rules(
        product.id,
        [
            AlertRule(product.id, AlertKind.TARGET_PRICE, amount=Decimal("10")),
            AlertRule(product.id, AlertKind.BACK_IN_STOCK),
            AlertRule(
                product.id, AlertKind.DROP_PERCENT, percent=Decimal("7"), window_days=30, enabled=False
            ),
        ],
        options=AlertOptions(min_change_percent=Decimal("2")),
    )
    fired = next(r for r in app.alert_rules.for_product(product.id) if r.kind is AlertKind.BACK_IN_STOCK)
    assert fired.id is not None
    app.alert_rules.update(fired.id, state=AlertState.FIRED, last_fired_at=utcnow())
    app.observations.add(
        PriceObservation(
            product.id, utcnow() - timedelta(days=1), Decimal("12.50"), "EUR", Availability.IN_STOCK
        )
    )
    return product.id


def _rules(app: PriceWatch, product_id: int) -> set[tuple[object, ...]]:
    return {
        (r.kind, r.amount, r.percent, r.window_days, r.enabled, r.state)
        for r in app.alert_rules_for(product_id)
    }


def _move(source: PriceWatch, target: PriceWatch, tmp_path: Path, fmt: str) -> Path:
    file = tmp_path / f"export.{fmt}"
    with file.open("w", encoding="utf-8") as out:
        assert source.export_products(out, fmt) == 1
    target.import_products(file)
    return file


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_move_to_a_new_machine_keeps_rules_options_and_choices(
    source: PriceWatch, target: PriceWatch, tmp_path: Path, fmt: str
) -> None:
    pid = _set_up(source)
    _move(source, target, tmp_path, fmt)
    moved = target.products.get_by_url(URL)
    assert moved is not None and moved.id is not None
    assert (moved.offer_key, moved.paused, moved.ignore_robots) == ("sku-2", True, True)
    assert moved.target_price == Decimal("10")
    assert _rules(target, moved.id) == _rules(source, pid)
    assert target.alert_options(moved.id) == AlertOptions(min_change_percent=Decimal("2"))
    fired = [r for r in target.alert_rules_for(moved.id) if r.state is AlertState.FIRED]
    assert [r.kind for r in fired] == [AlertKind.BACK_IN_STOCK] and fired[0].last_fired_at is not None
    assert [o.price for o in target.history(moved.id)] == [Decimal("12.50")]


def test_the_json_export_is_versioned_and_lists_the_rules(source: PriceWatch) -> None:
    _set_up(source)
    out = io.StringIO()
    source.export_products(out, "json")
    doc = json.loads(out.getvalue())
    assert doc["pricewatch_export"] == FORMAT_VERSION == 2
    alerts = doc["products"][0]["alerts"]
    assert alerts["min_change_percent"] == "2"
    assert {r["kind"] for r in alerts["rules"]} == {"target_price", "back_in_stock", "drop_percent"}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_importing_twice_changes_nothing(
    source: PriceWatch, target: PriceWatch, tmp_path: Path, fmt: str
) -> None:
    _set_up(source)
    file = _move(source, target, tmp_path, fmt)
    moved = target.products.get_by_url(URL)
    assert moved is not None and moved.id is not None
    before = (_rules(target, moved.id), len(target.alert_rules.for_product(moved.id)))
    summary = target.import_products(file)
    assert (summary.products_added, summary.products_updated, summary.observations_added) == (0, 1, 0)
    assert (_rules(target, moved.id), len(target.alert_rules.for_product(moved.id))) == before


def test_merge_adds_missing_rules_and_keeps_what_the_user_set_here(
    source: PriceWatch, target: PriceWatch, tmp_path: Path
) -> None:
    _set_up(source)
    here = target.add_product(URL, target_price="8")
    assert here.id is not None
    target.set_alert_rules(
        here.id,
        [
            AlertRule(here.id, AlertKind.TARGET_PRICE, amount=Decimal("8")),
            AlertRule(here.id, AlertKind.ANY_DROP),
        ],
        options=AlertOptions(min_change_amount=Decimal("1")),
    )
    _move(source, target, tmp_path, "json")
    after = target.get_product(here.id)
    assert after.target_price == Decimal("8")  # this machine's target wins
    assert (after.offer_key, after.paused, after.ignore_robots) == (None, False, False)
    kinds = sorted(r.kind.value for r in target.alert_rules_for(here.id))
    assert kinds == ["any_drop", "back_in_stock", "drop_percent", "target_price"]
    assert target.alert_options(here.id) == AlertOptions(min_change_amount=Decimal("1"))


def test_merge_fills_a_missing_target_and_minimum_change(
    source: PriceWatch, target: PriceWatch, tmp_path: Path
) -> None:
    _set_up(source)
    here = target.add_product(URL)
    assert here.id is not None
    _move(source, target, tmp_path, "json")
    assert target.get_product(here.id).target_price == Decimal("10")
    targets = [r for r in target.alert_rules_for(here.id) if r.kind is AlertKind.TARGET_PRICE]
    assert [r.amount for r in targets] == [Decimal("10")]
    assert target.alert_options(here.id) == AlertOptions(min_change_percent=Decimal("2"))


def test_a_format_1_file_still_imports(target: PriceWatch, tmp_path: Path) -> None:
    old = {
        "pricewatch_export": 1,
        "app_version": "0.1.0",
        "exported_at": "2026-11-20T10:00:00+00:00",
        "products": [
            {
                "url": URL, "title": "Kettle", "shop": "shop.example", "currency": "EUR",
                "target_price": "10",
                "check_interval_minutes": 60, "css_selector": None,
                "history": [{"observed_at": "2026-11-19T10:00:00+00:00", "price": "12.5", "currency": "EUR",
                             "availability": "InStock"}],
            }
        ],
    }  # fmt: skip
    file = tmp_path / "old.json"
    file.write_text(json.dumps(old), encoding="utf-8")
    summary = target.import_products(file)
    assert (summary.products_added, summary.observations_added) == (1, 1)
    product = target.products.get_by_url(URL)
    assert product is not None and product.id is not None
    assert product.target_price == Decimal("10") and product.availability is Availability.IN_STOCK
    # A file without rules of its own gets the default rules, as a product added any other way does.
    assert [(r.kind, r.amount) for r in target.alert_rules_for(product.id)] == [
        (AlertKind.TARGET_PRICE, Decimal("10")),
        (AlertKind.BACK_IN_STOCK, None),
    ]


def test_an_old_csv_without_the_new_columns_still_imports(target: PriceWatch, tmp_path: Path) -> None:
    file = tmp_path / "old.csv"
    file.write_text(
        "url,title,shop,currency,target_price,check_interval_minutes,css_selector,observed_at,price,availability\n"
        f"{URL},Kettle,shop.example,EUR,10,60,,2026-11-19T10:00:00+00:00,12.5,InStock\n",
        encoding="utf-8",
    )
    assert target.import_products(file).products_added == 1
    product = target.products.get_by_url(URL)
    assert product is not None and product.target_price == Decimal("10") and not product.paused


@pytest.mark.parametrize(
    ("alerts", "message"),
    [
        ({"rules": [{"kind": "teleport"}]}, "unknown kind"),
        ({"rules": [{"kind": "drop_percent", "percent": "150"}]}, "between 0 and 100"),
        ({"rules": [{"kind": "target_price", "amount": "5"}, {"kind": "target_price", "amount": "6"}]},
         "more than one target"),
        ({"rules": [{"kind": "any_drop", "state": "exploded"}]}, "unknown state"),
        ({"min_change_amount": "lots", "rules": []}, "not a price"),
    ],
)  # fmt: skip
def test_bad_rules_are_refused_before_anything_is_stored(
    target: PriceWatch, tmp_path: Path, alerts: dict[str, object], message: str
) -> None:
    doc = {
        "pricewatch_export": 2,
        "products": [{"url": "https://a.example/1"}, {"url": URL, "alerts": alerts}],
    }
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ImportFormatError, match=message):
        target.import_products(file)
    assert target.products.count() == 0


def test_a_newer_format_is_refused_with_a_clear_message(target: PriceWatch, tmp_path: Path) -> None:
    file = tmp_path / "future.json"
    file.write_text(json.dumps({"pricewatch_export": 99, "products": [{"url": URL}]}), encoding="utf-8")
    with pytest.raises(ImportFormatError, match="newer than this PriceWatch"):
        target.import_products(file)
    assert target.products.count() == 0


def test_a_url_spelled_otherwise_merges_into_the_tracked_one(target: PriceWatch, tmp_path: Path) -> None:
    target.add_product(URL, title="Kettle")
    file = tmp_path / "other-spelling.json"
    item = {"url": "HTTPS://Shop.Example/item#reviews", "title": "Kettle", "history": []}
    file.write_text(json.dumps({"format": 1, "products": [item]}), encoding="utf-8")
    summary = target.import_products(file)
    assert (summary.products_added, summary.products_updated) == (0, 1)
    assert [p.url for p in target.list_products()] == [URL]
