"""Exchange rates: the last good set of reference rates per euro, with the day they are for.

Conversion goes through the euro (the European Central Bank publishes every rate per euro): an amount in
currency A is ``amount / per_eur[A] * per_eur[B]`` in currency B, in Decimal. The fetch's outcome (when it
last tried, and why it failed) is kept in ``meta`` so a broken feed leaves the last good rates in place and
the front ends can say so.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from pricewatch.models import utcnow
from pricewatch.storage.codec import money_from_db, time_from_db, time_to_db
from pricewatch.storage.db import Database

BASE = "EUR"
CENT = Decimal("0.01")
_LAST_ATTEMPT = "rates.last_attempt_at"
_LAST_ERROR = "rates.last_error"
_SOURCE = "rates.source"


@dataclass(frozen=True, slots=True)
class RateTable:
    """Rates per euro for one day; ``rate_date`` is None when no rates were ever stored."""

    per_eur: dict[str, Decimal] = field(default_factory=dict)
    rate_date: date | None = None
    fetched_at: datetime | None = None

    def knows(self, currency: str) -> bool:
        return currency == BASE or currency in self.per_eur

    def rate(self, source: str, target: str) -> Decimal | None:
        """How many ``target`` one ``source`` buys, or None when either currency has no rate."""
        if source == target:
            return Decimal(1)
        if not (self.knows(source) and self.knows(target)):
            return None
        per_source = Decimal(1) if source == BASE else self.per_eur[source]
        per_target = Decimal(1) if target == BASE else self.per_eur[target]
        return per_target / per_source

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal | None:
        """``amount`` of ``source`` in ``target`` to the cent, or None when a rate is missing."""
        if source == target:
            return amount
        rate = self.rate(source, target)
        return None if rate is None else (amount * rate).quantize(CENT, rounding=ROUND_HALF_EVEN)

    def stale(self, today: date, max_age_days: int) -> bool:
        """Older than ``max_age_days`` (the bank publishes on working days: a weekend is not stale)."""
        return self.rate_date is None or today - self.rate_date > timedelta(days=max_age_days)


@dataclass(frozen=True, slots=True)
class RatesStatus:
    """The stored rates and how the last fetch went (``last_error`` None: it worked)."""

    table: RateTable
    last_attempt_at: datetime | None
    last_error: str | None
    source: str | None


class RateRepository:
    """The ``exchange_rates`` table and the fetch outcome in ``meta``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def table(self) -> RateTable:
        rows = self._db.conn().execute("SELECT currency, per_eur, rate_date, fetched_at FROM exchange_rates")
        per_eur: dict[str, Decimal] = {}
        rate_date: date | None = None
        fetched_at: datetime | None = None
        for currency, raw, day, fetched in rows:
            value = money_from_db(raw)
            if value is None or value <= 0:
                continue
            per_eur[currency] = value
            rate_date = date.fromisoformat(day)
            fetched_at = time_from_db(fetched)
        return RateTable(per_eur, rate_date, fetched_at)

    def replace(self, per_eur: dict[str, Decimal], rate_date: date, source: str) -> None:
        """Store a complete new set of rates (the old set goes: a day's rates belong together)."""
        now = utcnow()
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM exchange_rates")
            conn.executemany(
                "INSERT INTO exchange_rates (currency, per_eur, rate_date, fetched_at) VALUES (?, ?, ?, ?)",
                [(cur, str(rate), rate_date.isoformat(), time_to_db(now)) for cur, rate in per_eur.items()],
            )
            self._set_meta(conn, _LAST_ATTEMPT, time_to_db(now))
            self._set_meta(conn, _SOURCE, source)
            conn.execute("DELETE FROM meta WHERE key = ?", (_LAST_ERROR,))

    def record_failure(self, reason: str, source: str) -> None:
        """A fetch that gave no usable rates: the stored ones stay, the reason is kept to show."""
        with self._db.transaction() as conn:
            self._set_meta(conn, _LAST_ATTEMPT, time_to_db(utcnow()))
            self._set_meta(conn, _LAST_ERROR, reason)
            self._set_meta(conn, _SOURCE, source)

    def status(self) -> RatesStatus:
        meta = dict(
            self._db.conn().execute(
                "SELECT key, value FROM meta WHERE key IN (?, ?, ?)", (_LAST_ATTEMPT, _LAST_ERROR, _SOURCE)
            )
        )
        return RatesStatus(self.table(), time_from_db(meta.get(_LAST_ATTEMPT)), meta.get(_LAST_ERROR),
                           meta.get(_SOURCE))  # fmt: skip

    @staticmethod
    def _set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value or ""),
        )
