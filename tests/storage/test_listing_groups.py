"""Listings grouped into products, on a real SQLite file: an older file migrates with nothing lost, groups
join and split, and a removed listing leaves its group consistent."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from pricewatch.config import Paths
from pricewatch.errors import NotFoundError
from pricewatch.models import AlertKind, Availability, Product
from pricewatch.storage.migrations import MIGRATIONS, migrate
from pricewatch.storage.product_groups import build_groups
from pricewatch.storage.rates import RateTable
from tests.support.app import open_pricewatch

GROUPS = next(i for i, m in enumerate(MIGRATIONS) if isinstance(m, str) and "product_groups" in m) + 1


def test_an_older_database_migrates_with_every_product_its_own_group(paths: Paths) -> None:
    conn = sqlite3.connect(paths.database_file, isolation_level=None)
    migrate(conn, target=GROUPS - 1)
    for n, (url, price, currency) in enumerate(
        [("https://a.example/kettle", "20.00", "EUR"), ("https://b.example/kettle", "25.00", "USD")], 1
    ):
        conn.execute(
            "INSERT INTO products (id, url, title, shop, price, currency, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (n, url, "Kettle", url.split("/")[2], price, currency, "2026-01-01T00:00:00.000000Z"),
        )
        conn.execute(
            "INSERT INTO observations (product_id, observed_at, price, currency, availability)"
            " VALUES (?, '2026-01-01T00:00:00.000000Z', ?, ?, 'InStock')",
            (n, price, currency),
        )
        conn.execute(
            "INSERT INTO alert_rules (product_id, kind, amount) VALUES (?, 'target_price', '19')", (n,)
        )
    conn.execute("UPDATE products SET target_price = '19' WHERE id IN (1, 2)")
    conn.close()

    with open_pricewatch() as app:
        assert app.schema_version() >= GROUPS
        assert [(p.id, p.price, p.currency) for p in app.list_products()] == [
            (1, Decimal("20.00"), "EUR"), (2, Decimal("25.00"), "USD"),
        ]  # fmt: skip
        assert [len(app.history(i)) for i in (1, 2)] == [1, 1]
        assert [r.kind for r in app.alert_rules_for(2)] == [AlertKind.TARGET_PRICE]
        groups = app.product_groups()
        assert [(g.id, [item.id for item in g.listings]) for g in groups] == [(1, [1]), (2, [2])]
        merged = app.merge_products(2, 1)
        assert (merged.id, [item.id for item in merged.listings]) == (1, [1, 2])
        assert [len(app.history(i)) for i in (1, 2)] == [1, 1]  # each listing keeps its own history


def test_join_split_and_remove_keep_groups_consistent() -> None:
    with open_pricewatch() as app:
        a, b, c, d = (app.add_product(f"https://shop{n}.example/item").id or 0 for n in range(4))
        app.merge_products(a, b)
        app.merge_products(d, c)
        assert [[item.id for item in g.listings] for g in app.product_groups()] == [[a, b], [c, d]]
        app.merge_products(c, b)  # two groups become one
        assert [[item.id for item in g.listings] for g in app.product_groups()] == [[a, b, c, d]]
        assert app.product_group(d).id == a
        app.split_listing(a)  # the lead leaves: the rest is named by its new lowest id
        assert [(g.id, [item.id for item in g.listings]) for g in app.product_groups()] == [
            (a, [a]), (b, [b, c, d]),
        ]  # fmt: skip
        app.remove_product(b)
        assert [[item.id for item in g.listings] for g in app.product_groups()] == [[a], [c, d]]
        assert app.product_group(c).id == c
        fresh = app.add_product("https://shop9.example/item").id or 0
        assert (
            app.product_group(fresh).listings[0].id == fresh and len(app.product_group(fresh).listings) == 1
        )
        app.split_listing(c)
        assert [[item.id for item in g.listings] for g in app.product_groups()] == [[a], [c], [d], [fresh]]


def test_bad_merges_and_splits_are_refused_and_change_nothing() -> None:
    with open_pricewatch() as app:
        a = app.add_product("https://one.example/item").id or 0
        with pytest.raises(ValueError, match="itself"):
            app.merge_products(a, a)
        with pytest.raises(NotFoundError):
            app.merge_products(a, 999)
        with pytest.raises(ValueError, match="single listing"):
            app.split_listing(a)
        with pytest.raises(NotFoundError):
            app.add_listing(999, "https://two.example/item")
        assert [p.url for p in app.list_products()] == ["https://one.example/item"]


def test_a_search_keeps_the_whole_product_when_one_listing_matches() -> None:
    with open_pricewatch() as app:
        a = app.add_product("https://alpha.example/kettle", title="Kettle").id or 0
        b = app.add_listing(a, "https://beta.example/k", title="Wasserkocher").id or 0
        app.add_product("https://gamma.example/toaster", title="Toaster")
        (group,) = app.product_groups(search="wasser")
        assert [item.id for item in group.listings] == [a, b]
        assert [g.id for g in app.product_groups(search="toast")] == [b + 1]


def _listed(product_id: int, price: str, currency: str, title: str, quantity: str | None = None) -> Product:
    return Product(
        url=f"https://shop{product_id}.example/coffee", id=product_id, title=title, price=Decimal(price),
        currency=currency, availability=Availability.IN_STOCK, quantity=quantity,
    )  # fmt: skip


def test_the_cheapest_listing_is_the_cheapest_per_unit_when_every_one_states_its_quantity() -> None:
    rates = RateTable({"USD": Decimal("1.25")}, date(2026, 12, 7))
    bag_1kg = _listed(1, "9.00", "EUR", "Coffee beans 1 kg")
    bag_500g = _listed(2, "6.25", "USD", "Coffee beans", quantity="500 g")  # 5.00 EUR: 10.00 EUR per kg
    (group,) = build_groups([bag_1kg, bag_500g], {2: 1}, rates, "EUR", False)
    assert group.cheapest is not None and group.cheapest.id == 1
    assert group.cheapest.unit_price is not None and group.cheapest.unit_price.amount == Decimal("9.0000")
    other = group.listings[1].unit_price
    assert (
        other is not None
        and other.amount == Decimal("10.0000")
        and other.unit == group.cheapest.unit_price.unit
    )


def test_without_a_quantity_on_every_listing_the_lower_price_wins() -> None:
    rates = RateTable({"USD": Decimal("1.25")}, date(2026, 12, 7))
    bag_1kg = _listed(1, "9.00", "EUR", "Coffee beans 1 kg")
    unknown = _listed(2, "6.25", "USD", "Coffee beans")  # 5.00 EUR, size unknown
    (group,) = build_groups([bag_1kg, unknown], {2: 1}, rates, "EUR", False)
    assert group.cheapest is not None and group.cheapest.id == 2
