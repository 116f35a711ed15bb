"""Tags, saved smart filters and bulk edits through the facade, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from pricewatch.app import PriceWatch
from pricewatch.errors import BadInputError, NotFoundError
from pricewatch.models import AlertKind, AlertRule, Availability, utcnow
from pricewatch.organising import BulkEdit
from pricewatch.product_filters import ProductQuery
from tests.support.app import open_pricewatch


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    app = open_pricewatch(executor="sync")
    app.settings.notify.default_rules = []
    yield app
    app.close()


def add(app: PriceWatch, path: str, **kwargs: object) -> int:
    product = app.add_product(f"https://shop.example/{path}", **kwargs)  # type: ignore[arg-type]
    assert product.id is not None
    return product.id


def read(app: PriceWatch, product_id: int, price: str, availability: Availability = Availability.IN_STOCK,
         *, days_ago: float = 0, unsure: bool = False) -> None:  # fmt: skip
    app.observations.record_check(
        product_id, checked_at=utcnow() - timedelta(days=days_ago), price=Decimal(price), currency="EUR",
        availability=availability, unsure=unsure,
    )  # fmt: skip


def test_tags_are_trimmed_case_insensitive_and_shared(app: PriceWatch) -> None:
    a, b = add(app, "a"), add(app, "b")
    assert app.tag_products([a], ["  Gift  ideas ", "kitchen"]) == 2
    assert app.tag_products([a, b], ["GIFT IDEAS"]) == 1  # a had it already, in another case
    assert app.product_tags(a) == ["Gift ideas", "kitchen"]
    assert app.product_tags(b) == ["Gift ideas"]
    assert app.tags() == [("Gift ideas", 2), ("kitchen", 1)]
    assert app.untag_products([a], ["KITCHEN"]) == 1
    assert app.tags() == [("Gift ideas", 2)]  # a tag nobody carries goes
    app.remove_product(b)
    assert app.tags() == [("Gift ideas", 1)]


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "empty"), ("   ", "empty"), ("x" * 41, "at most 40"), ("a\nb", "control"), ("a\u202eb", "control"),
     ("a,b", "comma")],
)  # fmt: skip
def test_bad_tag_names_are_refused_and_change_nothing(app: PriceWatch, name: str, message: str) -> None:
    a = add(app, "a")
    with pytest.raises(BadInputError, match=message):
        app.tag_products([a], ["fine", name])
    assert app.product_tags(a) == [] and app.tags() == []


def test_bulk_edit_changes_the_whole_selection_in_one_go(app: PriceWatch) -> None:
    a, b = add(app, "a", check_interval_minutes=60), add(app, "b", check_interval_minutes=30)
    rule = AlertRule(0, AlertKind.DROP_PERCENT, percent=Decimal("10"))
    outcome = app.bulk_edit(
        [a, b, a], BulkEdit(add_tags=["sale"], check_interval_minutes=30, add_rule=rule, paused=True)
    )
    assert outcome.product_ids == [a, b]
    assert (outcome.tags_added, outcome.intervals_set, outcome.rules_added, outcome.paused_set) == (
        2,
        1,
        2,
        2,
    )
    assert "2 products" in outcome.summary()
    for pid in (a, b):
        product = app.get_product(pid)
        assert product.paused and product.check_interval_minutes == 30
        assert [r.kind for r in app.alert_rules_for(pid)] == [AlertKind.DROP_PERCENT]
    again = app.bulk_edit([a, b], BulkEdit(add_rule=rule, paused=False, remove_tags=["sale"]))
    assert (again.rules_added, again.paused_set, again.tags_removed) == (
        0,
        2,
        2,
    )  # an equal rule is kept once


def test_bulk_edit_is_all_or_nothing(app: PriceWatch) -> None:
    a = add(app, "a")
    with pytest.raises(NotFoundError, match="999"):
        app.bulk_edit([a, 999], BulkEdit(add_tags=["x"], paused=True))
    with pytest.raises(BadInputError, match="check interval"):
        app.bulk_edit([a], BulkEdit(add_tags=["x"], check_interval_minutes=0))
    with pytest.raises(ValueError, match="positive amount"):
        app.bulk_edit([a], BulkEdit(add_tags=["x"], add_rule=AlertRule(0, AlertKind.TARGET_PRICE)))
    with pytest.raises(BadInputError, match="nothing to change"):
        app.bulk_edit([a], BulkEdit())
    assert app.tags() == [] and not app.get_product(a).paused


def test_a_bulk_target_price_replaces_each_target(app: PriceWatch) -> None:
    a, b = add(app, "a", target_price="50"), add(app, "b")
    app.bulk_edit([a, b], BulkEdit(add_rule=AlertRule(0, AlertKind.TARGET_PRICE, amount=Decimal("40"))))
    assert app.get_product(a).target_price == Decimal("40") == app.get_product(b).target_price
    assert len(app.alert_rules_for(a)) == 1


def test_saved_filters_combine_their_conditions(app: PriceWatch) -> None:
    cheap = add(app, "cheap", target_price="20")
    dear = add(app, "dear", target_price="20")
    other = app.add_product("https://www.other.example/x").id
    assert other is not None
    read(app, cheap, "25", days_ago=10)
    read(app, cheap, "18", days_ago=2)  # dropped this week, below target
    read(app, dear, "30", Availability.OUT_OF_STOCK)
    read(app, other, "5", days_ago=1, unsure=True)
    app.tag_products([cheap, dear], ["Kitchen"])

    def ids(**query: object) -> list[int | None]:
        return [p.id for p in app.list_products(query=ProductQuery(**query))]  # type: ignore[arg-type]

    assert ids(tag="kitchen") == [cheap, dear]
    assert ids(tag="kitchen", below_target=True) == [cheap]
    assert ids(in_stock=True) == [cheap, other]
    assert ids(dropped_this_week=True) == [cheap]
    assert ids(unsure=True) == [other]
    assert ids(shop="other.example") == [other]
    assert ids(shop="hop.example") == []  # a whole host name, not a piece of one
    assert ids(tag="nothing") == []

    saved = app.save_filter(" Deals ", ProductQuery(tag="Kitchen", below_target=True))
    assert saved.name == "Deals"
    app.save_filter("DEALS", ProductQuery(tag="Kitchen", in_stock=True))  # same name in any case: replaced
    assert [(f.name, f.query) for f in app.saved_filters()] == [
        ("DEALS", ProductQuery(tag="Kitchen", in_stock=True))
    ]
    assert app.saved_filter("deals").query.in_stock
    with pytest.raises(BadInputError, match="at least one condition"):
        app.save_filter("all", ProductQuery())
    app.delete_filter("Deals")
    with pytest.raises(NotFoundError):
        app.saved_filter("deals")


def test_facts_without_readings_keep_tags_and_snoozes_and_share_equal_facts(app: PriceWatch) -> None:
    cheap, dear, third = add(app, "cheap"), add(app, "dear"), add(app, "third")
    read(app, cheap, "25", days_ago=10)
    read(app, cheap, "18", days_ago=2)  # dropped this week
    read(app, dear, "5", days_ago=1, unsure=True)
    app.tag_products([cheap, dear, third], ["Kitchen"])
    app.snooze_product(third, None, until_change=True)

    full = app.product_facts()
    assert (full[cheap].dropped_this_week, full[dear].unsure) == (True, True)
    light = app.product_facts(readings=False)
    seen = [
        (f.tag_names, f.dropped_this_week, f.unsure, f.snoozed)
        for f in (light[i] for i in (cheap, dear, third))
    ]
    assert seen == [(("Kitchen",), False, False, False)] * 2 + [(("Kitchen",), False, False, True)]
    assert light[cheap] is light[dear]  # equal facts: one object for both
    assert full[cheap] is not full[dear]
    assert app.list_products(query=ProductQuery(tag="kitchen", dropped_this_week=True))[0].id == cheap


def test_filter_queries_from_untrusted_json_are_checked() -> None:
    assert ProductQuery.from_json({"tag": " a ", "below_target": True}) == ProductQuery(
        tag="a", below_target=True
    )
    assert ProductQuery.from_json({"shop": "WWW.Shop.Example"}).shop == "shop.example"
    for bad in ({"tag": 5}, {"in_stock": "yes"}, {"colour": "red"}, [], {"shop": "a b"}, {"tag": "a\x00"}):
        with pytest.raises(BadInputError):
            ProductQuery.from_json(bad)


def test_a_saved_filter_a_newer_version_wrote_is_left_out(app: PriceWatch) -> None:
    app.save_filter("ok", ProductQuery(in_stock=True))
    with app.db.transaction() as conn:
        conn.execute("INSERT INTO saved_filters (name, key, query) VALUES ('new', 'new', '{\"colour\": 1}')")
    assert [f.name for f in app.saved_filters()] == ["ok"]


def test_tag_tables_are_unique_by_folded_name(app: PriceWatch) -> None:
    app.tag_products([add(app, "a")], ["Straße"])
    with pytest.raises(sqlite3.IntegrityError), app.db.transaction() as conn:
        conn.execute("INSERT INTO tags (name, key) VALUES ('STRASSE', 'strasse')")
