"""Per shop, the fetcher that last gave a price (``plain`` or ``browser``), for the ``auto`` fetch mode.

In SQLite rather than a file of its own: the window, ``serve`` and a ``check`` from cron share it, and the
database already serialises their writes.
"""

from __future__ import annotations

from pricewatch.models import utcnow
from pricewatch.storage.codec import time_to_db
from pricewatch.storage.db import Database

MODES = ("plain", "browser")


class ShopModes:
    """The ``shop_fetch_modes`` table; shops are named as ``pricewatch.urls.shop_name`` does."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, shop: str) -> str | None:
        row = self.db.conn().execute("SELECT mode FROM shop_fetch_modes WHERE shop = ?", (shop,)).fetchone()
        return None if row is None else str(row["mode"])

    def remember(self, shop: str, mode: str) -> None:
        """Store ``mode`` for ``shop``; a write only when it changed (checks repeat it on every page)."""
        if mode not in MODES:
            raise ValueError(f"unknown fetch mode {mode!r}")
        if self.get(shop) == mode:
            return
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO shop_fetch_modes (shop, mode, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(shop) DO UPDATE SET mode = excluded.mode, updated_at = excluded.updated_at",
                (shop, mode, time_to_db(utcnow())),
            )

    def forget(self, shop: str) -> bool:
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM shop_fetch_modes WHERE shop = ?", (shop,)).rowcount > 0

    def all(self) -> dict[str, str]:
        rows = self.db.conn().execute("SELECT shop, mode FROM shop_fetch_modes ORDER BY shop").fetchall()
        return {str(row["shop"]): str(row["mode"]) for row in rows}
