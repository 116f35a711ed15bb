"""What the editor and the product window need from the facade: notes, a new address, the item's own
identifier, a shop-wide selector, and the product's checks and look-ups (schema version 16)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.app import PriceWatch
from pricewatch.errors import ConflictError, InvalidURLError
from pricewatch.models import TaskState
from pricewatch.storage import Database
from pricewatch.storage.migrations import LATEST_VERSION, MIGRATIONS, migrate, schema_version
from tests.support.app import open_pricewatch
from tests.support.editor import sku_page
from tests.support.pages import product_page
from tests.support.pageserver import PageServer


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    facade = open_pricewatch(executor="sync")
    facade.settings.fetch.per_host_delay = 0.0
    yield facade
    facade.close()


def test_version_16_adds_notes_and_the_items_identifier_to_an_old_database(tmp_path: Path) -> None:
    assert LATEST_VERSION == len(MIGRATIONS) >= 16
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrate(conn, 15)
    conn.execute(
        "INSERT INTO products (url, title, created_at) VALUES ('https://shop.example/a', 'A', '2024-01-01')"
    )
    conn.commit()
    conn.close()
    db = Database(path)
    try:
        assert schema_version(db.conn()) == LATEST_VERSION
        row = db.conn().execute("SELECT notes, offer_name, sku FROM products").fetchone()
        assert tuple(row) == (None, None, None)
    finally:
        db.close()


def test_notes_are_kept_trimmed_and_capped(app: PriceWatch) -> None:
    product = app.add_product("https://shop.example/a", notes="  for the garden  ")
    assert product.notes == "for the garden"
    pid = product.id or 0
    assert app.update_product(pid, notes="x" * 6000).notes == "x" * 5000
    assert app.update_product(pid, notes="   ").notes is None


def test_a_new_address_is_checked_and_starts_the_readings_afresh(app: PriceWatch) -> None:
    product = app.add_product("https://shop.example/a", sku="A-1")
    pid = product.id or 0
    app.products.set_fields(pid, price=Decimal("10"), previous_price=Decimal("12"), etag='"x"',
                            last_error="old")  # fmt: skip
    moved = app.update_product(pid, url="https://WWW.Other.example/b?utm_source=mail#top", title="B")
    assert moved.url == "https://www.other.example/b" and moved.shop == "other.example"
    assert moved.title == "B" and moved.price is None and moved.previous_price is None
    assert moved.etag is None and moved.last_error is None and moved.sku is None
    with pytest.raises(InvalidURLError):
        app.update_product(pid, url="ftp://shop.example/x")
    other = app.add_product("https://shop.example/c")
    with pytest.raises(ConflictError) as caught:
        app.update_product(pid, url=other.url)
    assert getattr(caught.value, "existing_id", None) == other.id
    assert app.get_product(pid).url == "https://www.other.example/b"  # nothing changed
    assert app.update_product(pid, url=moved.url).url == moved.url  # the same address is no move


def test_check_interval_below_a_minute_is_refused(app: PriceWatch) -> None:
    pid = app.add_product("https://shop.example/a").id or 0
    with pytest.raises(ValueError, match="at least one minute"):
        app.update_product(pid, check_interval_minutes=0)
    assert app.update_product(pid, check_interval_minutes=240, paused=True).check_interval_minutes == 240


def test_the_same_item_is_found_by_its_identifier_in_the_same_shop_only(app: PriceWatch) -> None:
    first = app.add_product("https://shop.example/garden/chair-1", sku="CH-1")
    app.add_product("https://elsewhere.example/chair", sku="CH-1")
    assert app.same_item("https://shop.example/p/123", "CH-1") == first
    assert app.same_item("https://www.shop.example/p/123", " CH-1 ") == first  # www. is the same shop
    assert app.same_item("https://shop.example/p/123", "CH-2") is None
    assert app.same_item("https://shop.example/p/123", None) is None
    assert app.same_item(first.url, "CH-1", exclude_id=first.id) is None


def test_a_selector_for_the_whole_shop(app: PriceWatch) -> None:
    a = app.add_product("https://shop.example/a")
    b = app.add_product("https://shop.example/b")
    c = app.add_product("https://other.example/c")
    assert app.set_shop_selector("shop.example", "#price", exclude_id=a.id) == [b.id]
    assert app.get_product(b.id or 0).css_selector == "#price"
    assert app.get_product(a.id or 0).css_selector is None
    assert app.get_product(c.id or 0).css_selector is None


def test_a_products_checks_and_look_ups_newest_first(app: PriceWatch, page_server: PageServer) -> None:
    url = page_server.add("/kettle", sku_page("Kettle", "34.90", "K-9"))
    page_server.add("/other", product_page("Other", "1.00"))
    pid = app.add_product(url).id or 0
    other = app.add_product(page_server.url("/other")).id or 0
    look = app.scrape(url, store=False)
    check = app.check_product(pid)
    app.check_product(other)
    records = app.product_tasks(pid)
    assert [r.id for r in records] == [check, look]
    assert records[0].state is TaskState.SUCCESS and records[0].result["fetcher"] == "plain"
    assert records[1].result["sku"] == "K-9" and records[1].result["candidates"]


def test_the_tracked_variant_keeps_its_name_until_another_is_picked(app: PriceWatch) -> None:
    pid = app.add_product("https://shop.example/shoe").id or 0
    product = app.update_product(pid, offer_key="sku:S-42", offer_name="EU 42 / Black")
    assert (product.offer_key, product.offer_name) == ("sku:S-42", "EU 42 / Black")
    assert app.update_product(pid, notes="x").offer_name == "EU 42 / Black"
    assert app.update_product(pid, offer_key="sku:S-43").offer_name is None
