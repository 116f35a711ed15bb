"""Is the current price a deal? Its place in the product's own history, and a check of the page's "was" price.

Everything is worked out from the stored history (rows only where price or availability changed), read as
spans: a price is in effect from its row until the next row with another price. Readings the extractor was
unsure of are left out, and so are rows without a price (the last known price stays in effect).

The discount check follows the EU Omnibus rule (Directive 98/6/EC, Art. 6a): an announced reduction must be
measured from the lowest price applied in the 30 days before it. A struck-through price above that low is a
fake discount; one PriceWatch never saw at all is invented. With fewer than 30 days watched before the
reduction there is no verdict, only "not enough history". Pure Python: Decimal money, UTC times, no Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pricewatch import formatting
from pricewatch.models import PriceObservation

OMNIBUS_DAYS = 30
# Kinds, strongest first: what the badge shows when several hold
INVENTED, INFLATED, GENUINE, NOT_ENOUGH = "invented", "inflated", "genuine", "not_enough_history"


@dataclass(frozen=True, slots=True)
class Span:
    """``price`` in effect from ``start`` until ``end`` (the next change, or the time of the verdict)."""

    price: Decimal
    start: datetime
    end: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and self.end > start

    def to_json(self) -> dict[str, Any]:
        return {"price": str(self.price), "from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True, slots=True)
class DiscountCheck:
    """The verdict on a struck-through price: ``status`` is invented, inflated, genuine or not_enough_history.

    ``window`` holds the spans of the 30 days before the reduction (``reduced_at``; None when PriceWatch saw
    no reduction: then the 30 days before now), ``low`` the lowest price in it and ``low_at`` when it was in
    effect (the latest time)."""

    status: str
    was_price: Decimal
    reason: str
    reduced_at: datetime | None
    window_start: datetime
    window_end: datetime
    low: Decimal | None = None
    low_at: datetime | None = None
    window: tuple[Span, ...] = ()

    @property
    def flagged(self) -> bool:
        return self.status in (INVENTED, INFLATED)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "flagged": self.flagged,
            "was_price": str(self.was_price),
            "reason": self.reason,
            "reduced_at": None if self.reduced_at is None else self.reduced_at.isoformat(),
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "low": None if self.low is None else str(self.low),
            "low_at": None if self.low_at is None else self.low_at.isoformat(),
            "window": [span.to_json() for span in self.window],
        }


@dataclass(frozen=True, slots=True)
class Deal:
    """The verdict on the current price: a short ``badge`` (empty: nothing to say), its ``reason``, the facts.

    ``kind`` is the badge as a stable key: invented_discount, fake_discount, all_time_low, lowest_in_days,
    high, typical, not_enough_history or unknown (no price). ``lowest_in_days``: the current price is the
    lowest for that many whole days back; ``percentile``: the share of the watched time (0-100) in which the
    price was higher than now; ``rank``: the place of the price among the ``distinct`` prices seen (1: the
    lowest)."""

    kind: str
    badge: str
    reason: str
    price: Decimal | None
    watched_days: int
    all_time_low: bool = False
    lowest_in_days: int | None = None
    lowest_30_days: bool = False
    percentile: int | None = None
    rank: int | None = None
    distinct: int = 0
    low: Decimal | None = None
    high: Decimal | None = None
    since: datetime | None = None  # when the current price took effect
    discount: DiscountCheck | None = None
    spans: tuple[Span, ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, Any]:
        def money(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "kind": self.kind,
            "badge": self.badge,
            "reason": self.reason,
            "price": money(self.price),
            "watched_days": self.watched_days,
            "all_time_low": self.all_time_low,
            "lowest_in_days": self.lowest_in_days,
            "lowest_30_days": self.lowest_30_days,
            "percentile": self.percentile,
            "rank": self.rank,
            "distinct_prices": self.distinct,
            "low": money(self.low),
            "high": money(self.high),
            "since": None if self.since is None else self.since.isoformat(),
            "discount": None if self.discount is None else self.discount.to_json(),
        }


def spans(history: Sequence[PriceObservation], now: datetime) -> list[Span]:
    """The history (oldest first) as spans of one price each; unsure and price-less rows are left out."""
    result: list[Span] = []
    for observation in history:
        if observation.price is None or observation.unsure:
            continue
        if result and result[-1].price == observation.price:
            continue
        if result:
            last = result[-1]
            result[-1] = Span(last.price, last.start, observation.observed_at)
        result.append(Span(observation.price, observation.observed_at, observation.observed_at))
    if result:
        last = result[-1]
        result[-1] = Span(last.price, last.start, max(now, last.start))
    return result


def watched_since(history: Sequence[PriceObservation]) -> datetime | None:
    """When PriceWatch first read the product (any reading)."""
    return min((o.observed_at for o in history), default=None)


def verdict(
    history: Sequence[PriceObservation],
    *,
    now: datetime,
    price: Decimal | None = None,
    list_price: Decimal | None = None,
    currency: str | None = None,
    days: int = OMNIBUS_DAYS,
) -> Deal:
    """The deal verdict for ``price`` (the last price in the history when None) and the page's was-price.

    ``history`` is the product's observations, oldest first; ``now`` an aware UTC time.
    """
    timeline = spans(history, now)
    first = watched_since(history)
    watched = 0 if first is None else max(0, (now - first) // timedelta(days=1))
    if price is None and timeline:
        price = timeline[-1].price
    if price is None or first is None:
        return Deal("unknown", "", "No price known yet.", price, watched)
    current_run = timeline[-1] if timeline and timeline[-1].price == price else Span(price, now, now)
    earlier = [s for s in timeline if s is not current_run]
    prices = sorted({s.price for s in timeline} | {price})
    lower = [s for s in earlier if s.price < price]
    all_time_low = not lower
    back = now - max(s.end for s in lower) if lower else now - first
    lowest_in = max(0, back // timedelta(days=1))
    total = sum(((s.end - s.start) for s in timeline), timedelta())
    higher = sum(((s.end - s.start) for s in earlier if s.price > price), timedelta())
    percentile = int((Decimal(higher / total) * 100).quantize(Decimal(1), ROUND_HALF_UP)) if total else None
    discount = check_discount(timeline, first, price, list_price, now, currency)
    deal = Deal(
        kind="",
        badge="",
        reason="",
        price=price,
        watched_days=watched,
        all_time_low=all_time_low and len(prices) > 1,
        lowest_in_days=lowest_in,
        lowest_30_days=watched >= days and lowest_in >= days and len(prices) > 1,
        percentile=percentile,
        rank=prices.index(price) + 1,
        distinct=len(prices),
        low=prices[0],
        high=prices[-1],
        since=current_run.start if current_run.start < now else None,
        discount=discount,
        spans=tuple(timeline),
    )
    kind, badge, reason = _badge(deal, days)
    return replace(deal, kind=kind, badge=badge, reason=reason)


def _badge(deal: Deal, days: int) -> tuple[str, str, str]:
    """The verdict's kind, badge and reason, strongest first: a flagged was-price, too little history, a
    low, a high price."""
    discount = deal.discount
    if discount is not None and discount.flagged:
        kind = "invented_discount" if discount.status == INVENTED else "fake_discount"
        return kind, "Invented was-price" if discount.status == INVENTED else "Fake discount", discount.reason
    note = f" {discount.reason}" if discount is not None else ""
    watched = deal.watched_days
    if watched < days:
        return (
            "not_enough_history",
            "Not enough history",
            f"PriceWatch has watched this product for {_days(watched)}; a verdict needs {days}.{note}",
        )
    if deal.all_time_low:
        return "all_time_low", "All-time low", f"The lowest price in {_days(watched)} of watching.{note}"
    lowest = deal.lowest_in_days or 0
    if deal.lowest_30_days:
        return (
            "lowest_in_days",
            f"Lowest in {lowest} days",
            f"No lower price in the last {_days(lowest)}.{note}",
        )
    share = f"Higher than now {deal.percentile}% of the time watched ({_days(watched)})."
    if deal.percentile is not None and deal.distinct > 1 and deal.percentile < 25:
        return "high", "Above usual", share + note
    return "typical", "", (share if deal.distinct > 1 else "The same price all along.") + note


def check_discount(
    timeline: Sequence[Span],
    first: datetime,
    price: Decimal,
    was: Decimal | None,
    now: datetime,
    currency: str | None = None,
) -> DiscountCheck | None:
    """Judge a struck-through ``was`` price against the 30 days before the current price took effect."""
    if was is None or was <= price:
        return None
    run = timeline[-1] if timeline and timeline[-1].price == price else None
    reduced_at = run.start if run is not None and run.start > first else None
    end = reduced_at or now
    start = end - timedelta(days=OMNIBUS_DAYS)
    window = tuple(s for s in timeline if s.overlaps(start, end))
    low = min((s.price for s in window), default=None)
    low_at = max((max(s.start, start) for s in window if s.price == low), default=None)
    shown_was, shown_low = formatting.money(was, currency), formatting.money(low, currency)
    before = "before the reduction on " + _day(reduced_at) if reduced_at else "before now"

    def judged(status: str, reason: str) -> DiscountCheck:
        return DiscountCheck(status, was, reason, reduced_at, start, end, low, low_at, window)

    if first > start:
        watched = max(0, (end - first) // timedelta(days=1))
        return judged(NOT_ENOUGH, (
            f"Not enough history to check the was-price {shown_was}: PriceWatch watched {_days(watched)} "
            f"{before}, the rule looks at {OMNIBUS_DAYS}."
        ))  # fmt: skip
    if all(s.price != was for s in timeline):
        return judged(
            INVENTED, f"The was-price {shown_was} is invented: PriceWatch never saw it since {_day(first)}."
        )
    if low is not None and was > low:
        return judged(INFLATED, (
            f"The was-price {shown_was} is higher than {shown_low}, the lowest price in the "
            f"{OMNIBUS_DAYS} days {before} (seen on {_day(low_at)})."
        ))  # fmt: skip
    return judged(
        GENUINE, f"The was-price {shown_was} was the lowest price in the {OMNIBUS_DAYS} days {before}."
    )


def new_low(
    history: Sequence[PriceObservation], now: datetime, days: int
) -> tuple[bool | None, Decimal | None]:
    """Whether the current price is below or at every other price in effect in the last ``days`` days.

    Returns (None, None) when it cannot tell: watched fewer than ``days`` days, no price, or no other price
    in the window (a price that never moved is no news). Else (holds, the lowest other price)."""
    timeline = spans(history, now)
    first = watched_since(history)
    start = now - timedelta(days=days)
    if not timeline or first is None or first > start:
        return None, None
    current = timeline[-1]
    others = [s.price for s in timeline[:-1] if s.overlaps(start, current.start)]
    if not others:
        return None, None
    low = min(others)
    return current.price <= low, low


def _day(value: datetime | None) -> str:
    return "" if value is None else value.date().isoformat()


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"
