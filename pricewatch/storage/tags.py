"""Tags and the products that carry them (names checked by :mod:`pricewatch.tagging` before they get here)."""

from __future__ import annotations

from collections.abc import Iterable

from pricewatch.storage.db import Database
from pricewatch.tagging import tag_key


class TagRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def ensure(self, name: str) -> int:
        """The id of the tag called ``name`` in any case, created with this spelling when new."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT id FROM tags WHERE key = ?", (tag_key(name),)).fetchone()
            if row is not None:
                return int(row[0])
            cur = conn.execute("INSERT INTO tags (name, key) VALUES (?, ?)", (name, tag_key(name)))
            return int(cur.lastrowid or 0)

    def find(self, name: str) -> int | None:
        row = self._db.conn().execute("SELECT id FROM tags WHERE key = ?", (tag_key(name),)).fetchone()
        return None if row is None else int(row[0])

    def names(self) -> list[tuple[str, int]]:
        """Every tag in use, by name in any case, with how many products carry it."""
        rows = self._db.conn().execute(
            "SELECT t.name, count(pt.product_id) FROM tags t"
            " JOIN product_tags pt ON pt.tag_id = t.id GROUP BY t.id ORDER BY t.key"
        )
        return [(str(name), int(count)) for name, count in rows]

    def of_product(self, product_id: int) -> list[str]:
        rows = self._db.conn().execute(
            "SELECT t.name FROM product_tags pt JOIN tags t ON t.id = pt.tag_id"
            " WHERE pt.product_id = ? ORDER BY t.key",
            (product_id,),
        )
        return [str(r[0]) for r in rows]

    def all_products(self) -> dict[int, list[str]]:
        """Every tagged product's tag names (one read for the whole list)."""
        result: dict[int, list[str]] = {}
        rows = self._db.conn().execute(
            "SELECT pt.product_id, t.name FROM product_tags pt JOIN tags t ON t.id = pt.tag_id"
            " ORDER BY pt.product_id, t.key"
        )
        for product_id, name in rows:
            result.setdefault(int(product_id), []).append(str(name))
        return result

    def product_ids(self, name: str) -> set[int]:
        tag_id = self.find(name)
        if tag_id is None:
            return set()
        rows = self._db.conn().execute("SELECT product_id FROM product_tags WHERE tag_id = ?", (tag_id,))
        return {int(r[0]) for r in rows}

    def add(self, product_ids: Iterable[int], names: Iterable[str]) -> int:
        """Tag the products; returns how many (product, tag) pairs are new."""
        added = 0
        with self._db.transaction() as conn:
            tag_ids = [self.ensure(name) for name in names]
            for product_id in product_ids:
                for tag_id in tag_ids:
                    cur = conn.execute(
                        "INSERT OR IGNORE INTO product_tags (product_id, tag_id) VALUES (?, ?)",
                        (product_id, tag_id),
                    )
                    added += cur.rowcount
        return added

    def remove(self, product_ids: Iterable[int], names: Iterable[str]) -> int:
        """Untag the products; returns how many pairs went. A tag no product carries any more goes too."""
        removed = 0
        with self._db.transaction() as conn:
            tag_ids = [tag_id for name in names if (tag_id := self.find(name)) is not None]
            for product_id in product_ids:
                for tag_id in tag_ids:
                    cur = conn.execute(
                        "DELETE FROM product_tags WHERE product_id = ? AND tag_id = ?", (product_id, tag_id)
                    )
                    removed += cur.rowcount
            self.drop_unused(conn)
        return removed

    @staticmethod
    def drop_unused(conn: object) -> None:
        conn.execute(  # type: ignore[attr-defined]
            "DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM product_tags pt WHERE pt.tag_id = tags.id)"
        )
