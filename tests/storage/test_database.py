from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.models import Availability, Product, TaskRecord, TaskState
from pricewatch.storage import (
    LATEST_VERSION,
    Database,
    DuplicateProductError,
    ObservationRepository,
    ProductRepository,
    SchemaTooNewError,
    TaskRepository,
)
from pricewatch.storage.migrations import MIGRATIONS, migrate, schema_version

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database(tmp_path / "test.sqlite3")
    yield database
    database.close()


def test_pragmas(db: Database) -> None:
    conn = db.conn()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert schema_version(conn) == LATEST_VERSION


def test_migrates_an_old_database_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    assert schema_version(conn) == 1
    conn.execute(
        "INSERT INTO products (url, created_at, price, availability) VALUES (?, ?, ?, ?)",
        ("https://shop.example/p/1", "2025-01-01T00:00:00.000000Z", "19.99", "InStock"),
    )
    conn.execute(
        "INSERT INTO observations (product_id, observed_at, price, currency, availability)"
        " VALUES (1, ?, ?, ?, ?)",
        ("2025-01-01T00:00:00.000000Z", "19.99", "EUR", "InStock"),
    )
    conn.close()

    db = Database(path)
    try:
        assert schema_version(db.conn()) == LATEST_VERSION == len(MIGRATIONS)
        product = ProductRepository(db).get(1)
        assert product is not None and product.price == Decimal("19.99")
        assert ObservationRepository(db).history(1)[0].currency == "EUR"
        tables = {r[0] for r in db.conn().execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"tasks", "alert_rules", "notifications", "meta"} <= tables
    finally:
        db.close()


def test_refuses_a_database_from_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNewError):
        Database(path)


def test_product_crud_and_duplicates(db: Database) -> None:
    repo = ProductRepository(db)
    product = repo.add(Product(url="https://shop.example/a", title="A", target_price=Decimal("10.50")))
    assert product.id is not None
    with pytest.raises(DuplicateProductError) as info:
        repo.add(Product(url="https://shop.example/a"))
    assert info.value.existing_id == product.id
    updated = repo.update(product.id, target_price=Decimal("9.99"), paused=True)
    assert updated.target_price == Decimal("9.99") and updated.paused is True
    with pytest.raises(ValueError):
        repo.update(product.id, price=Decimal("1"))
    assert [p.title for p in repo.list(search="A")] == ["A"]
    assert repo.list(search="100%") == []
    assert repo.delete(product.id) is True
    assert repo.get(product.id) is None
    assert repo.delete(product.id) is False


def test_search_ignores_case_in_any_script_and_takes_wildcards_literally(db: Database) -> None:
    repo = ProductRepository(db)
    books = repo.add(Product(url="https://buch.example/1", title="Bücher über Straße", shop="buch.example"))
    sale = repo.add(Product(url="https://shop.example/p?x=100%25_off", title="100% off_sale", shop="shop.ex"))
    untitled = repo.add(Product(url="https://ΑΒΓ.example/x", title=None, shop="αβγ.example"))

    def found(text: str) -> list[int | None]:
        return [p.id for p in repo.list(search=text)]

    assert found("BÜCHER") == found("bücher") == [books.id]  # LIKE folded ASCII only
    assert found("STRASSE") == [books.id]  # full case folding: ß is ss
    assert found("αβγ") == [untitled.id]  # a product without a title matches by shop
    assert found("100%") == found("off_") == [sale.id]
    assert found("%") == [sale.id] and found("_") == [sale.id]
    assert found("nothing like it") == []
    assert len(repo.list(search="")) == 3


def test_history_row_only_on_change_and_last_checked_always(db: Database) -> None:
    products, observations = ProductRepository(db), ObservationRepository(db)
    pid = products.add(Product(url="https://shop.example/b")).id
    assert pid is not None

    def check(minutes: int, price: str | None, availability: Availability = Availability.IN_STOCK):
        return observations.record_check(
            pid, checked_at=T0 + timedelta(minutes=minutes),
            price=None if price is None else Decimal(price), currency="EUR", availability=availability,
        )  # fmt: skip

    first = check(0, "100.00")
    assert first.first_check and first.changed
    assert not check(60, "100.00").changed
    drop = check(120, "80.00")
    assert drop.changed and drop.previous_price == Decimal("100.00")
    assert check(180, "80.00", Availability.OUT_OF_STOCK).changed
    assert not check(240, None, Availability.OUT_OF_STOCK).changed  # price vanished: keep the last known
    assert check(300, "120.00").changed

    history = observations.history(pid)
    assert [(o.price, o.availability) for o in history] == [
        (Decimal("100.00"), Availability.IN_STOCK),
        (Decimal("80.00"), Availability.IN_STOCK),
        (Decimal("80.00"), Availability.OUT_OF_STOCK),
        (Decimal("120.00"), Availability.IN_STOCK),
    ]
    product = products.get(pid)
    assert product is not None
    assert product.last_checked_at == T0 + timedelta(minutes=300)
    assert (product.price, product.previous_price) == (Decimal("120.00"), Decimal("80.00"))
    assert (product.lowest_price, product.highest_price) == (Decimal("80.00"), Decimal("120.00"))
    assert observations.highest_since(pid, T0 + timedelta(minutes=150)) == Decimal("120.00")
    assert observations.recent_prices(pid, limit=2) == [Decimal("80.00"), Decimal("120.00")]


def test_deleting_a_product_removes_its_history(db: Database) -> None:
    products, observations = ProductRepository(db), ObservationRepository(db)
    pid = products.add(Product(url="https://shop.example/c")).id
    assert pid is not None
    observations.record_check(pid, checked_at=T0, price=Decimal("1"), currency="EUR",
                               availability=Availability.IN_STOCK)  # fmt: skip
    products.delete(pid)
    assert db.conn().execute("SELECT count(*) FROM observations").fetchone()[0] == 0


def test_due_products(db: Database) -> None:
    products = ProductRepository(db)
    never = products.add(Product(url="https://shop.example/never"))
    later = products.add(Product(url="https://shop.example/later", next_check_at=T0 + timedelta(hours=1)))
    products.add(Product(url="https://shop.example/paused", paused=True))
    past = products.add(Product(url="https://shop.example/past", next_check_at=T0 - timedelta(hours=1)))
    assert [p.id for p in products.due(T0)] == [never.id, past.id]
    assert later.id in [p.id for p in products.due(T0 + timedelta(hours=2))]


def test_task_dedup_by_unique_key(db: Database) -> None:
    tasks = TaskRepository(db)
    first = tasks.insert(
        TaskRecord(id="t1", name="x", unique_key="check:product:1", kwargs={"a": Decimal("1.5")})
    )
    again = tasks.insert(TaskRecord(id="t2", name="x", unique_key="check:product:1"))
    assert again.id == first.id == "t1"
    tasks.update("t1", state=TaskState.SUCCESS, finished_at=T0, result={"price": "1.50"})
    third = tasks.insert(TaskRecord(id="t3", name="x", unique_key="check:product:1"))
    assert third.id == "t3"
    stored = tasks.get("t1")
    assert stored is not None and stored.result == {"price": "1.50"} and stored.kwargs == {"a": "1.5"}
    assert [t.id for t in tasks.unfinished()] == ["t3"]
    assert tasks.delete_finished_before(T0 + timedelta(days=1)) == 1
    assert tasks.get("t1") is None


def test_one_connection_per_thread_and_concurrent_writes(db: Database) -> None:
    products = ProductRepository(db)
    errors: list[BaseException] = []
    connections: set[int] = set()
    together = threading.Barrier(4)  # all alive at once: an ended thread leaves its connection to the next

    def worker(n: int) -> None:
        try:
            connections.add(id(db.conn()))
            together.wait(30)
            for i in range(25):
                products.add(Product(url=f"https://shop.example/{n}/{i}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(connections) == 4
    assert products.count() == 100


def test_times_read_back_as_aware_utc() -> None:
    from datetime import UTC, datetime

    from pricewatch.storage.codec import time_from_db, time_to_db

    now = datetime(2026, 11, 25, 5, 21, 0, 902185, tzinfo=UTC)
    assert time_from_db(time_to_db(now)) == now and time_from_db(time_to_db(now)).tzinfo is UTC
    assert time_from_db("2026-11-25T07:21:00+02:00") == datetime(2026, 11, 25, 5, 21, tzinfo=UTC)
    with pytest.raises(ValueError):
        time_from_db("last tuesday")
