"""Products: the tracked pages and the latest state seen on each."""

from __future__ import annotations

import builtins
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any

from pricewatch.errors import ConflictError
from pricewatch.models import Availability, Product
from pricewatch.storage.codec import money_from_db, money_to_db, time_from_db, time_to_db
from pricewatch.storage.db import Database

_MONEY = {"price", "previous_price", "lowest_price", "highest_price", "target_price", "list_price"}
_TIMES = {"created_at", "last_checked_at", "next_check_at", "snoozed_until"}
_BOOLS = {"ignore_robots", "paused", "snooze_until_change"}
# Few distinct values among many products: one string each, not one per product (a window holding 100,000)
_SHARED = {"currency", "shop", "fetch_mode"}
COLUMNS = tuple(f.name for f in fields(Product))
EDITABLE = frozenset(
    {
        "title",
        "target_price",
        "css_selector",
        "offer_key",
        "offer_name",
        "fetch_mode",
        "notes",
        "sku",
        "check_interval_minutes",
        "ignore_robots",
        "paused",
        "next_check_at",
        "quantity",
    }
)


_CASEFOLD = "pw_casefold"


def _casefold(text: str | None) -> str | None:
    return text.casefold() if isinstance(text, str) else None


class DuplicateProductError(ConflictError):
    """The URL is already tracked."""

    def __init__(self, url: str, existing_id: int) -> None:
        super().__init__(f"{url} is already tracked as product {existing_id}")
        self.existing_id = existing_id


def to_row(name: str, value: Any) -> Any:
    if name in _MONEY:
        return money_to_db(value)
    if name in _TIMES:
        return time_to_db(value)
    if name in _BOOLS:
        return int(bool(value))
    if name == "availability":
        return str(Availability(value))
    return value


Amounts = dict[str, Decimal | None]


def from_row(row: sqlite3.Row, amounts: Amounts | None = None) -> Product:
    """The product of a stored row; ``amounts``: a read's amounts decoded so far by their text (shared).

    (Equal amounts are one Decimal, 104 bytes, for the read's whole list: in a table of 100,000 products
    with 90,000 distinct amounts among 400,000, that is 24 MB less; the codec's own cache is bounded.)
    """
    values: dict[str, Any] = {}
    for name in row.keys():  # noqa: SIM118 - sqlite3.Row has keys() but no __iter__ over names
        raw = row[name]
        if name in _MONEY:
            values[name] = money_from_db(raw) if amounts is None or raw is None else _shared(raw, amounts)
        elif name in _TIMES:
            values[name] = time_from_db(raw)
        elif name in _BOOLS:
            values[name] = bool(raw)
        elif name in _SHARED:
            values[name] = sys.intern(raw) if isinstance(raw, str) else raw
        elif name == "availability":
            known = raw in Availability._value2member_map_
            values[name] = Availability(raw) if known else Availability.UNKNOWN
        else:
            values[name] = raw
    return Product(**values)


def _shared(raw: str, amounts: Amounts) -> Decimal | None:
    try:
        return amounts[raw]
    except KeyError:
        value = amounts[raw] = money_from_db(raw)
        return value


class ProductRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, product: Product) -> Product:
        """Insert a product and return it with its id; :class:`DuplicateProductError` for a known URL."""
        names = [n for n in COLUMNS if n != "id"]
        with self._db.transaction() as conn:
            existing = conn.execute("SELECT id FROM products WHERE url = ?", (product.url,)).fetchone()
            if existing:
                raise DuplicateProductError(product.url, existing["id"])
            cur = conn.execute(
                f"INSERT INTO products ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [to_row(n, getattr(product, n)) for n in names],
            )
        product.id = cur.lastrowid
        return product

    def get(self, product_id: int) -> Product | None:
        row = self._db.conn().execute("SELECT * FROM products WHERE id = ?", (product_id,)).fetchone()
        return from_row(row) if row else None

    def get_by_url(self, url: str) -> Product | None:
        row = self._db.conn().execute("SELECT * FROM products WHERE url = ?", (url,)).fetchone()
        return from_row(row) if row else None

    def raw_rows(self) -> list[sqlite3.Row]:
        """Every product's stored row in id order, undecoded (decode with :func:`from_row`).

        A row's tuple is a cheap fingerprint: a window comparing 10,000 rows with its last read decodes only
        the few that changed."""
        return self._db.conn().execute("SELECT * FROM products ORDER BY id").fetchall()

    def iter_raw_rows(self, chunk: int = 1000) -> Iterator[sqlite3.Row]:
        """:meth:`raw_rows` a chunk at a time: reading 100,000 products, each row can be decoded and freed
        before the next is read, instead of all of them sitting in memory at once (~100 MB more at the peak,
        which the interpreter then keeps)."""
        cursor = self._db.conn().execute("SELECT * FROM products ORDER BY id")
        while rows := cursor.fetchmany(chunk):
            yield from rows

    def list(self, *, search: str | None = None) -> list[Product]:
        """Every product by id; ``search`` keeps those whose title, URL or shop contains it, in any case."""
        sql, args = "SELECT * FROM products", []
        conn = self._db.conn()
        if search:
            # SQLite's LIKE folds ASCII only ("BÜCHER" would miss "bücher"): compare Unicode case-folded text.
            conn.create_function(_CASEFOLD, 1, _casefold, deterministic=True)
            columns = ("title", "url", "shop")
            sql += " WHERE " + " OR ".join(f"instr({_CASEFOLD}({column}), ?)" for column in columns)
            args = [search.casefold()] * 3
        amounts: Amounts = {}
        return [from_row(r, amounts) for r in conn.execute(sql + " ORDER BY id", args)]

    def with_identifier(self, shop: str, sku: str) -> builtins.list[Product]:
        """The products of ``shop`` whose page gave the identifier ``sku`` (indexed)."""
        rows = self._db.conn().execute(
            "SELECT * FROM products WHERE shop = ? AND sku = ? ORDER BY id", (shop, sku)
        )
        return [from_row(r) for r in rows]

    def of_shop(self, shop: str) -> builtins.list[Product]:
        rows = self._db.conn().execute("SELECT * FROM products WHERE shop = ? ORDER BY id", (shop,))
        return [from_row(r) for r in rows]

    def ids(self) -> builtins.list[int]:
        return [r[0] for r in self._db.conn().execute("SELECT id FROM products ORDER BY id")]

    def count(self) -> int:
        return int(self._db.conn().execute("SELECT count(*) FROM products").fetchone()[0])

    def update(self, product_id: int, **changes: Any) -> Product:
        """Change user-editable fields; KeyError for an unknown product, ValueError for other fields."""
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValueError(f"these product fields cannot be edited: {', '.join(sorted(unknown))}")
        with self._db.transaction() as conn:
            if changes:
                assignments = ", ".join(f"{n} = ?" for n in changes)
                values = [to_row(n, v) for n, v in changes.items()]
                conn.execute(f"UPDATE products SET {assignments} WHERE id = ?", [*values, product_id])
            product = self.get(product_id)
        if product is None:
            raise KeyError(product_id)
        return product

    def set_fields(self, product_id: int, **values: Any) -> None:
        """Internal update of any column (used by the check pipeline, not by user edits)."""
        assignments = ", ".join(f"{n} = ?" for n in values)
        with self._db.transaction() as conn:
            conn.execute(
                f"UPDATE products SET {assignments} WHERE id = ?",
                [*(to_row(n, v) for n, v in values.items()), product_id],
            )

    def delete(self, product_id: int) -> bool:
        with self._db.transaction() as conn:
            cur = conn.execute("DELETE FROM products WHERE id = ?", (product_id,))
        return cur.rowcount > 0

    def due(self, now: datetime, *, limit: int | None = None) -> builtins.list[Product]:
        """Products not paused whose next check time has come (never-checked products first)."""
        sql = (
            "SELECT * FROM products WHERE paused = 0 AND (next_check_at IS NULL OR next_check_at <= ?)"
            " ORDER BY next_check_at IS NOT NULL, next_check_at, id"
        )
        args: list[Any] = [time_to_db(now)]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [from_row(r) for r in self._db.conn().execute(sql, args)]
