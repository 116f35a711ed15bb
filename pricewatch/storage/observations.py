"""Price history: a row only when price or availability changes; every check updates the product."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pricewatch.models import Availability, PriceObservation
from pricewatch.storage.codec import money_from_db, money_to_db, time_from_db, time_to_db
from pricewatch.storage.db import Database
from pricewatch.storage.products import from_row as product_from_row
from pricewatch.storage.products import to_row


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What one successful check changed, for alert evaluation."""

    product_id: int
    changed: bool  # a new observation row was written
    first_check: bool
    previous_price: Decimal | None
    previous_availability: Availability
    price: Decimal | None
    availability: Availability
    currency: str | None


def _observation(row: sqlite3.Row) -> PriceObservation:
    time = time_from_db(row["observed_at"])
    assert time is not None
    return PriceObservation(
        id=row["id"],
        product_id=row["product_id"],
        observed_at=time,
        price=money_from_db(row["price"]),
        currency=row["currency"],
        availability=Availability(row["availability"]),
        unsure=bool(row["unsure"]),
        list_price=money_from_db(row["list_price"]),
    )


@dataclass(frozen=True, slots=True)
class SureBaseline:
    """The last reading the extractor was sure of, and whether unsure readings came after it."""

    price: Decimal | None
    availability: Availability
    unsure_since: bool


class ObservationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def history(self, product_id: int, *, since: datetime | None = None) -> list[PriceObservation]:
        sql, args = "SELECT * FROM observations WHERE product_id = ?", [product_id]
        if since is not None:
            sql += " AND observed_at >= ?"
            args.append(time_to_db(since))  # type: ignore[arg-type]
        rows = self._db.conn().execute(sql + " ORDER BY observed_at, id", args).fetchall()
        return [_observation(r) for r in rows]

    def recent_prices(self, product_id: int, limit: int = 30) -> list[Decimal]:
        """The last ``limit`` known prices, oldest first (for sparklines)."""
        rows = (
            self._db.conn()
            .execute(
                "SELECT price FROM observations WHERE product_id = ? AND price IS NOT NULL"
                " ORDER BY observed_at DESC, id DESC LIMIT ?",
                (product_id, limit),
            )
            .fetchall()
        )
        prices = [money_from_db(r[0]) for r in reversed(rows)]
        return [p for p in prices if p is not None]

    def highest_since(self, product_id: int, since: datetime) -> Decimal | None:
        """The highest price in effect at any time since ``since`` (including the one current then)."""
        conn = self._db.conn()
        rows = conn.execute(
            "SELECT price FROM observations WHERE product_id = ? AND price IS NOT NULL AND observed_at >= ?",
            (product_id, time_to_db(since)),
        ).fetchall()
        before = conn.execute(
            "SELECT price FROM observations WHERE product_id = ? AND price IS NOT NULL AND observed_at < ?"
            " ORDER BY observed_at DESC, id DESC LIMIT 1",
            (product_id, time_to_db(since)),
        ).fetchone()
        prices = [money_from_db(r[0]) for r in [*rows, *([before] if before else [])]]
        known = [p for p in prices if p is not None]
        return max(known) if known else None

    def add(self, observation: PriceObservation) -> None:
        """Insert a raw observation (import); the caller keeps the product's summary columns right."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO observations (product_id, observed_at, price, currency, availability,"
                " list_price) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    observation.product_id,
                    time_to_db(observation.observed_at),
                    money_to_db(observation.price),
                    observation.currency,
                    str(observation.availability),
                    money_to_db(observation.list_price),
                ),
            )

    def sure_baseline(self, product_id: int) -> SureBaseline | None:
        """The newest sure reading and whether unsure ones followed it (None when no reading was sure)."""
        conn = self._db.conn()
        row = conn.execute(
            "SELECT id, price, availability FROM observations WHERE product_id = ? AND unsure = 0"
            " ORDER BY observed_at DESC, id DESC LIMIT 1",
            (product_id,),
        ).fetchone()
        if row is None:
            return None
        later = conn.execute(
            "SELECT 1 FROM observations WHERE product_id = ? AND unsure = 1 AND id > ? LIMIT 1",
            (product_id, row["id"]),
        ).fetchone()
        return SureBaseline(money_from_db(row["price"]), Availability(row["availability"]), later is not None)

    def confirm_latest(self, product_id: int) -> None:
        """The newest reading, read the same once more, is no longer unsure (it becomes the sure baseline)."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE observations SET unsure = 0 WHERE id = (SELECT id FROM observations"
                " WHERE product_id = ? ORDER BY observed_at DESC, id DESC LIMIT 1)",
                (product_id,),
            )

    def record_check(
        self,
        product_id: int,
        *,
        checked_at: datetime,
        price: Decimal | None,
        currency: str | None,
        availability: Availability,
        next_check_at: datetime | None = None,
        unsure: bool = False,
        list_price: Decimal | None = None,
        **product_fields: object,
    ) -> CheckOutcome:
        """Store one successful check atomically.

        A history row is added only when price or availability differs from the product's current state; the
        product's current price, previous price, lowest/highest, last-checked time and any extra fields
        (title, image, etag, ...) are updated in the same transaction, so repeating a check after a crash
        changes nothing. ``list_price``, the page's struck-through price, goes with the row and becomes the
        product's current one (None: the page shows none now).
        """
        with self._db.transaction() as conn:
            row = conn.execute("SELECT * FROM products WHERE id = ?", (product_id,)).fetchone()
            if row is None:
                raise KeyError(product_id)
            product = product_from_row(row)
            first = product.last_checked_at is None
            # A page that stops showing a price keeps the last known one: only a new price is a price change.
            price_changed = price is not None and price != product.price
            changed = first or price_changed or availability != product.availability
            if changed:
                conn.execute(
                    "INSERT INTO observations (product_id, observed_at, price, currency, availability,"
                    " unsure, list_price) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        product_id, time_to_db(checked_at), money_to_db(price), currency, str(availability),
                        int(unsure), money_to_db(list_price),
                    ),
                )  # fmt: skip
            values: dict[str, object] = dict(product_fields)
            values.update(
                availability=availability,
                last_checked_at=checked_at,
                next_check_at=next_check_at,
                last_error=None,
                last_error_kind=None,
                last_error_status=None,
                list_price=list_price,
            )
            if currency:
                values["currency"] = currency
            if price is not None:
                values["price"] = price
                if price_changed:
                    values["previous_price"] = product.price
                values["lowest_price"] = min(p for p in (price, product.lowest_price) if p is not None)
                values["highest_price"] = max(p for p in (price, product.highest_price) if p is not None)
            assignments = ", ".join(f"{n} = ?" for n in values)
            conn.execute(
                f"UPDATE products SET {assignments} WHERE id = ?",
                [*(to_row(n, v) for n, v in values.items()), product_id],
            )
        return CheckOutcome(
            product_id=product_id,
            changed=changed,
            first_check=first,
            previous_price=product.price,
            previous_availability=product.availability,
            price=price,
            availability=availability,
            currency=currency or product.currency,
        )
