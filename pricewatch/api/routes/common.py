"""Helpers the resource routers share: money as text, bounded text fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator, Field


def money(value: Decimal | None) -> str | None:
    """Decimals travel as strings ("19.99") so no client rounds them through a float."""
    return None if value is None else str(value)


def _number_to_text(value: Any) -> Any:
    # Scripts often send prices as JSON numbers; accept them, but keep the documented type a string.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


PriceText = Annotated[
    Annotated[str, Field(max_length=32)] | None,
    BeforeValidator(_number_to_text),
    Field(description='A price as text, e.g. "19.99" (numbers are accepted)'),
]
Money = Annotated[str | None, Field(description='A decimal amount as text, e.g. "19.99"')]
Url = Annotated[str, Field(min_length=1, max_length=4096, description="An absolute http(s) URL")]

MAX_ID = 2**63 - 1  # SQLite's largest integer; bigger ids are a 422, not an overflow in the driver
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
