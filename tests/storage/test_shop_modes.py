"""The per-shop memory of the fetcher that worked, in a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pricewatch.storage.db import Database
from pricewatch.storage.shop_modes import ShopModes


def test_modes_are_remembered_replaced_and_forgotten_across_connections(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    modes = ShopModes(db)
    assert modes.get("shop.example") is None
    modes.remember("shop.example", "browser")
    modes.remember("other.example", "plain")
    modes.remember("shop.example", "plain")
    db.close()
    again = ShopModes(Database(tmp_path / "db.sqlite3"))
    assert again.all() == {"other.example": "plain", "shop.example": "plain"}
    assert again.forget("shop.example") and not again.forget("shop.example")
    again.db.close()


def test_only_plain_and_browser_are_stored(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    with pytest.raises(ValueError, match="unknown fetch mode"):
        ShopModes(db).remember("shop.example", "auto")
    db.close()
