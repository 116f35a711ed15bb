"""Converting between Python values and SQLite columns: Decimal as text, UTC ISO-8601 timestamps."""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order
MONEY_SHARED = 16384  # distinct amounts whose Decimal is kept for reuse


def time_to_db(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored; use aware UTC times")
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


def time_from_db(value: str | None) -> datetime | None:
    if value is None:
        return None
    # fromisoformat reads our fixed format (with its "Z") about ten times faster than strptime.
    parsed = datetime.fromisoformat(value)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def time_from_json(value: object) -> datetime | None:
    """A time in a JSON document (a task's or notification's data, which scripts can write too), aware and
    in UTC; None when it is not a time."""
    if not isinstance(value, str):
        return None
    try:
        return time_from_db(value)
    except ValueError:
        return None


def money_to_db(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def money_from_db(value: str | None) -> Decimal | None:
    return None if value is None else _money(value)


@functools.lru_cache(maxsize=MONEY_SHARED)
def _money(value: str) -> Decimal | None:
    # Decimals are immutable: equal amounts (a price that is also the lowest, the many "19.99"s) can share
    # one object, 104 bytes each, which a window holding 100,000 products' prices notices.
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return time_to_db(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_to_db(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=_json_default, ensure_ascii=False)


def json_from_db(value: str | None) -> Any:
    return None if value is None else json.loads(value)
