"""The deal verdict and the price per unit in API responses (see :mod:`pricewatch.deals`, :mod:`.units`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from pricewatch.api.routes.common import Money


class SpanOut(BaseModel):
    price: Money
    from_: datetime = Field(alias="from")
    to: datetime


class DiscountOut(BaseModel):
    """The page's struck-through price judged by the lowest price seen in the 30 days before the reduction."""

    status: str = Field(description="invented, inflated, genuine or not_enough_history")
    flagged: bool = Field(description="invented or inflated: a fake discount")
    was_price: Money
    reason: str
    reduced_at: datetime | None = Field(description="when the current price took effect (null: not seen)")
    window_start: datetime
    window_end: datetime
    low: Money = Field(description="the lowest price in effect in the window")
    low_at: datetime | None
    window: list[SpanOut] = Field(description="the prices in effect in the window, oldest first")


class DealOut(BaseModel):
    """Where the current price stands in the product's own history."""

    kind: str = Field(
        description="invented_discount, fake_discount, all_time_low, lowest_in_days, high, typical, "
        "not_enough_history or unknown"
    )
    badge: str = Field(description="the short label the window shows (empty: nothing to say)")
    reason: str
    price: Money
    watched_days: int
    all_time_low: bool
    lowest_in_days: int | None = Field(description="no lower price for this many whole days")
    lowest_30_days: bool
    percentile: int | None = Field(description="share of the watched time (0-100) the price was higher")
    rank: int | None = Field(description="place among the distinct prices seen, 1 = the lowest")
    distinct_prices: int
    low: Money
    high: Money
    since: datetime | None
    discount: DiscountOut | None

    @classmethod
    def of(cls, data: dict[str, Any]) -> DealOut:
        return cls.model_validate(data)


class UnitPriceOut(BaseModel):
    amount: Money = Field(description="the price per unit, in the product's currency")
    unit: str = Field(description="kg, L or piece")
    quantity: str = Field(
        description='the quantity it was worked out from ("6 x 1.5 L", with the times sign)'
    )
