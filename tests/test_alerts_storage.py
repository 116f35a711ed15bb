"""Schema v4 (alert options, notification dedup key and digest id) and the repositories that use it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.models import NotificationRecord, NotificationState, Product
from pricewatch.storage import AlertRuleRepository, Database, NotificationRepository, ProductRepository
from pricewatch.storage.alert_rules import AlertOptions
from pricewatch.storage.migrations import migrate, schema_version

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "test.sqlite3")
    yield database
    database.close()


def test_v3_database_migrates_to_v4_keeping_rules_and_notifications(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=3)
    conn.execute(
        "INSERT INTO products (url, created_at)"
        " VALUES ('https://shop.example/a', '2026-01-01T00:00:00.000000Z')"
    )
    conn.execute(
        "INSERT INTO alert_rules (product_id, kind, amount, state) VALUES (1, 'target_price', '80', 'fired')"
    )
    conn.execute(
        "INSERT INTO notifications (title, message, product_id, state, created_at)"
        " VALUES ('t', 'm', 1, 'HELD', '2026-01-01T00:00:00.000000Z')"
    )
    conn.close()

    db = Database(path)
    try:
        assert schema_version(db.conn()) >= 4
        rules = AlertRuleRepository(db).for_product(1)
        assert [(r.kind.value, r.amount, r.state.value) for r in rules] == [
            ("target_price", Decimal("80"), "fired")
        ]
        held = NotificationRepository(db).held()
        assert [(n.title, n.state) for n in held] == [("t", NotificationState.HELD)]
        assert AlertRuleRepository(db).options(1) == AlertOptions()
    finally:
        db.close()


def test_alert_options_round_trip_and_clear(db: Database) -> None:
    product = ProductRepository(db).add(Product(url="https://shop.example/p"))
    assert product.id is not None
    repo = AlertRuleRepository(db)
    repo.set_options(product.id, AlertOptions(Decimal("0.50"), None))
    assert repo.options(product.id) == AlertOptions(Decimal("0.50"), None)
    repo.set_options(product.id, AlertOptions(None, Decimal("2")))
    assert repo.options(product.id) == AlertOptions(None, Decimal("2"))
    repo.set_options(product.id, AlertOptions())
    assert repo.options(product.id).empty
    assert db.conn().execute("SELECT count(*) FROM alert_options").fetchone()[0] == 0


def test_dedup_key_is_unique_and_found(db: Database) -> None:
    repo = NotificationRepository(db)
    first = repo.add(NotificationRecord("a", "b", created_at=T0), dedup_key="task:1")
    found = repo.get_by_key("task:1")
    assert found is not None and found.id == first.id
    assert repo.get_by_key("task:2") is None
    with pytest.raises(sqlite3.IntegrityError):
        repo.add(NotificationRecord("a", "b", created_at=T0), dedup_key="task:1")


def test_mark_digested_only_touches_held_rows(db: Database) -> None:
    repo = NotificationRepository(db)
    held = repo.add(NotificationRecord("h", "m", state=NotificationState.HELD, created_at=T0))
    failed = repo.add(NotificationRecord("f", "m", state=NotificationState.FAILED, created_at=T0))
    digest = repo.add(NotificationRecord("d", "m", state=NotificationState.SENT, created_at=T0))
    assert held.id and failed.id and digest.id
    repo.mark_digested([held.id, failed.id], digest.id, T0 + timedelta(hours=8))
    assert [n.id for n in repo.digest_of(digest.id)] == [held.id]
    again = repo.get(held.id)
    assert (
        again is not None
        and again.state is NotificationState.SENT
        and again.sent_at == T0 + timedelta(hours=8)
    )
    still = repo.get(failed.id)
    assert still is not None and still.state is NotificationState.FAILED
    assert repo.held() == []
