"""The URL migration on a real SQLite file left in the schema state before it: normalise, merge, or leave."""

from __future__ import annotations

import json
import logging
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pricewatch.config import Paths
from pricewatch.models import AlertKind, Availability, NotificationState
from pricewatch.storage import Database
from pricewatch.storage.migrations import LATEST_VERSION, MIGRATIONS, migrate, schema_version
from pricewatch.storage.products import DuplicateProductError
from pricewatch.storage.url_migration import META_PREFIX, normalise_product_urls
from tests.support.app import open_pricewatch

VERSION = MIGRATIONS.index(normalise_product_urls) + 1  # this migration's number


def _t(day: int, hour: int = 0) -> str:
    return f"2026-01-{day:02d}T{hour:02d}:00:00.000000Z"


class OldFile:
    """A database file as the version before the URL migration left it, filled with plain SQL."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None)
        migrate(self.conn, target=VERSION - 1)

    def product(self, url: str, created: str, **values: Any) -> int:
        values = {"url": url, "created_at": created, **values}
        cur = self.conn.execute(
            f"INSERT INTO products ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            list(values.values()),
        )
        return int(cur.lastrowid or 0)

    def observation(self, product_id: int, when: str, price: str, availability: str = "InStock") -> None:
        self.conn.execute(
            "INSERT INTO observations (product_id, observed_at, price, currency, availability)"
            " VALUES (?, ?, ?, 'EUR', ?)",
            (product_id, when, price, availability),
        )

    def rule(self, product_id: int, kind: str, amount: str | None = None, percent: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO alert_rules (product_id, kind, amount, percent, state) VALUES (?, ?, ?, ?, 'armed')",
            (product_id, kind, amount, percent),
        )

    def notification(self, product_id: int, title: str) -> None:
        self.conn.execute(
            "INSERT INTO notifications (title, message, product_id, state, created_at)"
            " VALUES (?, 'm', ?, 'SENT', ?)",
            (title, product_id, _t(1)),
        )

    def open(self) -> Database:
        self.conn.close()
        return Database(self.path)  # runs the migrations left, this one among them


@pytest.fixture
def old(paths: Paths) -> OldFile:
    return OldFile(paths.database_file)  # the facade's own file: open_pricewatch() opens it afterwards


def _products(db: Database) -> dict[int, dict[str, Any]]:
    rows = db.conn().execute("SELECT * FROM products ORDER BY id").fetchall()
    return {r["id"]: dict(r) for r in rows}


def test_a_lone_old_spelling_is_normalised_and_adding_it_again_is_a_duplicate(old: OldFile) -> None:
    pid = old.product("HTTPS://Shop.Example:443/kettle?colour=red#reviews", _t(1), title="Kettle")
    same = old.product("https://shop.example/toaster", _t(2))  # already normal: untouched
    bad = old.product("ftp://shop.example/file", _t(3))  # refused now: left as it is, nothing deleted
    db = old.open()
    try:
        assert schema_version(db.conn()) == LATEST_VERSION
        urls = {i: p["url"] for i, p in _products(db).items()}
        assert urls == {
            pid: "https://shop.example/kettle?colour=red",
            same: "https://shop.example/toaster",
            bad: "ftp://shop.example/file",
        }
    finally:
        db.close()
    with open_pricewatch() as app, pytest.raises(DuplicateProductError) as raised:
        app.add_product("https://SHOP.example/kettle?colour=red")
    assert raised.value.existing_id == pid


def test_two_spellings_of_one_page_merge_into_the_older_losing_nothing(
    old: OldFile, caplog: pytest.LogCaptureFixture
) -> None:
    older = old.product(
        "http://Shop.example/kettle", _t(1), title="Kettle", currency="EUR", price="40.00",
        lowest_price="40.00", highest_price="55.00", availability="InStock", last_checked_at=_t(5),
        next_check_at=_t(5, 1),
    )  # fmt: skip
    newer = old.product(
        "http://shop.example/kettle#top", _t(2), title="Kettle (2)", currency="EUR", price="35.00",
        previous_price="38.00", lowest_price="35.00", highest_price="50.00", availability="BackOrder",
        target_price="36", last_checked_at=_t(6), next_check_at=_t(6, 1), css_selector=".price",
    )  # fmt: skip
    for day, price in ((1, "55.00"), (3, "40.00")):
        old.observation(older, _t(day), price)
    for day, price in ((2, "50.00"), (4, "38.00"), (6, "35.00")):
        old.observation(newer, _t(day), price)
    old.rule(older, "drop_percent", percent="10")
    old.rule(newer, "drop_percent", percent="10")  # the same rule twice: one is enough
    old.rule(newer, "target_price", amount="36")
    old.rule(newer, "back_in_stock")
    old.conn.execute("INSERT INTO alert_options (product_id, min_change_amount) VALUES (?, '1')", (newer,))
    old.notification(older, "about the older")
    old.notification(newer, "about the newer")
    with caplog.at_level(logging.WARNING, logger="pricewatch.storage.url_migration"):
        db = old.open()
    db.close()
    assert f"product {newer} (http://shop.example/kettle#top) merged into product {older}" in caplog.text

    with open_pricewatch() as app:
        (product,) = app.list_products()
        assert product.id == older and product.url == "http://shop.example/kettle"
        assert product.title == "Kettle"  # the older row's own choices stay
        assert product.css_selector == ".price" and product.target_price == Decimal("36")  # gaps filled
        # The newer row was checked last: what the shop said then is the current state.
        assert (product.price, product.previous_price) == (Decimal("35.00"), Decimal("38.00"))
        assert product.availability is Availability.BACK_ORDER
        assert (product.lowest_price, product.highest_price) == (Decimal("35.00"), Decimal("55.00"))
        assert product.next_check_at is not None and product.next_check_at.day == 5
        history = [(o.observed_at.day, str(o.price)) for o in app.history(older)]
        assert history == [(1, "55.00"), (2, "50.00"), (3, "40.00"), (4, "38.00"), (6, "35.00")]
        rules = sorted((r.kind.value, r.amount, r.percent) for r in app.alert_rules_for(older))
        assert rules == [
            ("back_in_stock", None, None),
            ("drop_percent", None, Decimal("10")),
            ("target_price", Decimal("36"), None),
        ]
        assert app.alert_options(older).min_change_amount == Decimal("1")
        notes = app.list_notifications()
        assert sorted(n.title for n in notes) == ["about the newer", "about the older"]
        assert {(n.product_id, n.state) for n in notes} == {(older, NotificationState.SENT)}
        kept = app.db.conn().execute("SELECT value FROM meta WHERE key = ?", (f"{META_PREFIX}{newer}",))
        record = json.loads(kept.fetchone()[0])
        assert record["merged_into"] == older and record["row"]["url"] == "http://shop.example/kettle#top"
        assert record["row"]["title"] == "Kettle (2)"  # the deleted row, as it was
        assert AlertKind.TARGET_PRICE in {r.kind for r in app.alert_rules_for(older)}
        with pytest.raises(DuplicateProductError):
            app.add_product("http://SHOP.example/kettle")


def test_spellings_that_track_different_things_are_both_kept_and_logged(
    old: OldFile, caplog: pytest.LogCaptureFixture
) -> None:
    older = old.product("https://shop.example/boots", _t(1), offer_key="size-42")
    newer = old.product("https://Shop.Example/boots", _t(2), offer_key="size-44")
    old.observation(newer, _t(2), "80.00")
    old.rule(newer, "any_drop")
    old.notification(newer, "boots 44")
    third = old.product("https://SHOP.example/boots#x", _t(3), offer_key="size-42", target_price="70")
    with caplog.at_level(logging.WARNING, logger="pricewatch.storage.url_migration"):
        db = old.open()
    try:
        products = _products(db)
        # The third agrees with the oldest (same offer): merged. The second tracks another size: kept as is.
        assert {i: p["url"] for i, p in products.items()} == {
            older: "https://shop.example/boots", newer: "https://Shop.Example/boots",
        }  # fmt: skip
        assert products[older]["target_price"] == "70" and third not in products
        conn = db.conn()
        for table in ("observations", "alert_rules"):
            sql = f"SELECT count(*) FROM {table} WHERE product_id = ?"
            assert conn.execute(sql, (newer,)).fetchone()[0] == 1
        assert conn.execute("SELECT product_id FROM notifications").fetchone()[0] == newer
    finally:
        db.close()
    assert f"products {older} and {newer} are the same page" in caplog.text and "offer_key" in caplog.text


def test_an_older_row_whose_normal_url_a_kept_row_holds_keeps_its_spelling(
    old: OldFile, caplog: pytest.LogCaptureFixture
) -> None:
    older = old.product("https://Shop.example/mug", _t(1), target_price="5")
    newer = old.product("https://shop.example/mug", _t(2), target_price="9")  # already normal, other target
    with caplog.at_level(logging.WARNING, logger="pricewatch.storage.url_migration"):
        db = old.open()
    try:
        urls = {i: p["url"] for i, p in _products(db).items()}
        assert urls == {older: "https://Shop.example/mug", newer: "https://shop.example/mug"}
    finally:
        db.close()
    assert "target_price" in caplog.text and f"product {older} keeps its URL as stored" in caplog.text
