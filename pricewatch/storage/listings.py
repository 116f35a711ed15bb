"""Listings grouped into products: the same item sold by several shops.

Each row of ``products`` is one listing (one address, checked, stored and alerted on as before). A listing
joins others through ``product_groups``; a listing without a row there is a product of its own, so a
database from before groups reads as one listing per product. A group is named by its lowest listing id
(its "lead"), which is also the id the front ends show for the product.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from pricewatch.storage.db import Database


class ListingGroups:
    """Which listings belong together (the ``product_groups`` table)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def members(self, product_id: int) -> list[int]:
        """Every listing in ``product_id``'s group, by id (the product itself when it is alone)."""
        return self._members(self._db.conn(), product_id)

    def all_groups(self) -> list[list[int]]:
        """The grouped listings (groups of two or more), each by id, ordered by their lead."""
        groups: dict[int, list[int]] = defaultdict(list)
        rows = self._db.conn().execute("SELECT group_id, product_id FROM product_groups ORDER BY product_id")
        for group_id, product_id in rows:
            groups[group_id].append(product_id)
        return sorted((ids for ids in groups.values() if len(ids) > 1), key=lambda ids: ids[0])

    def lead_of(self) -> dict[int, int]:
        """For every grouped listing, its group's lead id (listings alone are not in the map)."""
        return {member: ids[0] for ids in self.all_groups() for member in ids}

    def join(self, product_id: int, other_id: int) -> list[int]:
        """Put both listings' groups into one; returns the members. Both ids must be stored products."""
        with self._db.transaction() as conn:
            members = sorted(set(self._members(conn, product_id)) | set(self._members(conn, other_id)))
            self._write(conn, members)
        return members

    def split(self, product_id: int) -> list[int]:
        """Take the listing out of its group (it becomes a product alone); returns the members left."""
        with self._db.transaction() as conn:
            rest = [m for m in self._members(conn, product_id) if m != product_id]
            conn.execute("DELETE FROM product_groups WHERE product_id = ?", (product_id,))
            self._write(conn, rest)
        return rest

    @staticmethod
    def _members(conn: sqlite3.Connection, product_id: int) -> list[int]:
        row = conn.execute(
            "SELECT group_id FROM product_groups WHERE product_id = ?", (product_id,)
        ).fetchone()
        if row is None:
            return [product_id]
        rows = conn.execute(
            "SELECT product_id FROM product_groups WHERE group_id = ? ORDER BY product_id", (row[0],)
        )
        return [r[0] for r in rows]

    @staticmethod
    def _write(conn: sqlite3.Connection, members: list[int]) -> None:
        # The group is named by its lowest member: a new listing always gets a higher id, so a group's name
        # never equals the id of a listing alone. A group of one is no group: its row goes.
        conn.executemany("DELETE FROM product_groups WHERE product_id = ?", [(m,) for m in members])
        if len(members) > 1:
            lead = min(members)
            conn.executemany(
                "INSERT INTO product_groups (product_id, group_id) VALUES (?, ?)",
                [(m, lead) for m in members],
            )
