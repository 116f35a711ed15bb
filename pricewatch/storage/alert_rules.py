"""Alert rules per product, with each rule's armed/fired state."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pricewatch.models import AlertKind, AlertRule, AlertState
from pricewatch.storage.codec import money_from_db, money_to_db, time_from_db, time_to_db
from pricewatch.storage.db import Database

_MONEY = ("amount", "percent")


@dataclass(frozen=True, slots=True)
class AlertOptions:
    """Per-product alert options: a price change smaller than this fires nothing (and re-arms nothing)."""

    min_change_amount: Decimal | None = None
    min_change_percent: Decimal | None = None

    @property
    def empty(self) -> bool:
        return self.min_change_amount is None and self.min_change_percent is None


def _from_row(row: sqlite3.Row) -> AlertRule:
    return AlertRule(
        id=row["id"],
        product_id=row["product_id"],
        kind=AlertKind(row["kind"]),
        amount=money_from_db(row["amount"]),
        percent=money_from_db(row["percent"]),
        window_days=row["window_days"],
        enabled=bool(row["enabled"]),
        state=AlertState(row["state"]),
        last_fired_at=time_from_db(row["last_fired_at"]),
        snoozed_until=time_from_db(row["snoozed_until"]),
        snooze_until_change=bool(row["snooze_until_change"]),
    )


def _to_db(name: str, value: Any) -> Any:
    if name in _MONEY:
        return money_to_db(value)
    if name in ("last_fired_at", "snoozed_until"):
        return time_to_db(value)
    if name in ("kind", "state"):
        return str(value)
    if name in ("enabled", "snooze_until_change"):
        return int(bool(value))
    return value


class AlertRuleRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, rule: AlertRule) -> AlertRule:
        names = (
            "product_id",
            "kind",
            "amount",
            "percent",
            "window_days",
            "enabled",
            "state",
            "last_fired_at",
            "snoozed_until",
            "snooze_until_change",
        )
        with self._db.transaction() as conn:
            cur = conn.execute(
                f"INSERT INTO alert_rules ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [_to_db(n, getattr(rule, n)) for n in names],
            )
        rule.id = cur.lastrowid
        return rule

    def for_product(self, product_id: int) -> list[AlertRule]:
        rows = (
            self._db.conn()
            .execute("SELECT * FROM alert_rules WHERE product_id = ? ORDER BY id", (product_id,))
            .fetchall()
        )
        return [_from_row(r) for r in rows]

    def update(self, rule_id: int, **values: Any) -> None:
        assignments = ", ".join(f"{n} = ?" for n in values)
        with self._db.transaction() as conn:
            conn.execute(
                f"UPDATE alert_rules SET {assignments} WHERE id = ?",
                [*(_to_db(n, v) for n, v in values.items()), rule_id],
            )

    def delete(self, rule_id: int) -> bool:
        with self._db.transaction() as conn:
            return conn.execute("DELETE FROM alert_rules WHERE id = ?", (rule_id,)).rowcount > 0

    def replace_for_product(self, product_id: int, rules: list[AlertRule]) -> list[AlertRule]:
        """Set a product's rules in one transaction (the edit dialog saves them all at once)."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM alert_rules WHERE product_id = ?", (product_id,))
            for rule in rules:
                rule.product_id = product_id
                self.add(rule)
        return rules

    def options(self, product_id: int) -> AlertOptions:
        row = (
            self._db.conn()
            .execute(
                "SELECT min_change_amount, min_change_percent FROM alert_options WHERE product_id = ?",
                (product_id,),
            )
            .fetchone()
        )
        if row is None:
            return AlertOptions()
        return AlertOptions(money_from_db(row[0]), money_from_db(row[1]))

    def set_options(self, product_id: int, options: AlertOptions) -> None:
        with self._db.transaction() as conn:
            if options.empty:
                conn.execute("DELETE FROM alert_options WHERE product_id = ?", (product_id,))
                return
            conn.execute(
                "INSERT INTO alert_options (product_id, min_change_amount, min_change_percent)"
                " VALUES (?, ?, ?) ON CONFLICT(product_id) DO UPDATE SET"
                " min_change_amount = excluded.min_change_amount,"
                " min_change_percent = excluded.min_change_percent",
                (product_id, money_to_db(options.min_change_amount), money_to_db(options.min_change_percent)),
            )
