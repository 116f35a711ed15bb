"""Smart filters saved by name; the query is stored as its JSON form (:mod:`pricewatch.product_filters`)."""

from __future__ import annotations

import json
import logging

from pricewatch.errors import BadInputError
from pricewatch.product_filters import ProductQuery, SavedFilter
from pricewatch.storage.db import Database

log = logging.getLogger(__name__)


class SavedFilterRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def save(self, name: str, query: ProductQuery) -> SavedFilter:
        """Store ``query`` under ``name``; a filter of that name in any case is replaced (and renamed)."""
        text = json.dumps(query.to_json(), sort_keys=True)
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO saved_filters (name, key, query) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET name = excluded.name, query = excluded.query",
                (name, name.casefold(), text),
            )
            row = conn.execute("SELECT id FROM saved_filters WHERE key = ?", (name.casefold(),)).fetchone()
        return SavedFilter(name, query, int(row[0]))

    def get(self, name: str) -> SavedFilter | None:
        row = (
            self._db.conn()
            .execute("SELECT id, name, query FROM saved_filters WHERE key = ?", (name.casefold(),))
            .fetchone()
        )
        return None if row is None else self._decode(row)

    def list(self) -> list[SavedFilter]:
        rows = self._db.conn().execute("SELECT id, name, query FROM saved_filters ORDER BY key").fetchall()
        return [f for f in (self._decode(r) for r in rows) if f is not None]

    def delete(self, name: str) -> bool:
        with self._db.transaction() as conn:
            cur = conn.execute("DELETE FROM saved_filters WHERE key = ?", (name.casefold(),))
        return cur.rowcount > 0

    @staticmethod
    def _decode(row: tuple[int, str, str]) -> SavedFilter | None:
        try:
            query = ProductQuery.from_json(json.loads(row[2]))
        except (ValueError, BadInputError):  # written by a newer PriceWatch with conditions unknown here
            log.warning("saved filter %r has a query this PriceWatch cannot read; it is left out", row[1])
            return None
        return SavedFilter(str(row[1]), query, int(row[0]))
