"""The numbers over a span of the history (Qt-free): the price in effect at a time, the time-weighted
average and the lowest price while the product could be bought."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from pricewatch.models import Availability, PriceObservation


@dataclass(frozen=True, slots=True)
class Step:
    """A price that held from ``start`` to ``end`` (None: the product was out of stock or had no price)."""

    start: datetime
    end: datetime
    price: Decimal | None


def steps(history: list[PriceObservation], until: datetime) -> list[Step]:
    """The history as steps up to ``until``: each reading's price holds until the next one."""
    ordered = sorted(history, key=lambda o: o.observed_at)
    result: list[Step] = []
    price: Decimal | None = None
    for n, obs in enumerate(ordered):
        price = obs.price if obs.price is not None else price
        end = ordered[n + 1].observed_at if n + 1 < len(ordered) else until
        held = None if obs.availability is Availability.OUT_OF_STOCK else price
        if end > obs.observed_at:
            result.append(Step(obs.observed_at, end, held))
    return result


def price_at(history: list[PriceObservation], when: datetime, until: datetime) -> tuple[bool, Decimal | None]:
    """Whether the history covers ``when``, and the price in effect then (None: out of stock, no price)."""
    for step in steps(history, until):
        if step.start <= when <= step.end:
            return True, step.price
    return False, None


def range_stats(
    history: list[PriceObservation], left: datetime, right: datetime, until: datetime
) -> tuple[Decimal | None, Decimal | None]:
    """The time-weighted average and the lowest price in effect between ``left`` and ``right``."""
    total = Decimal(0)
    seconds = Decimal(0)
    lowest: Decimal | None = None
    for step in steps(history, until):
        start, end = max(step.start, left), min(step.end, right)
        if step.price is None or end <= start:
            continue
        span = Decimal(str((end - start).total_seconds()))
        total += step.price * span
        seconds += span
        lowest = step.price if lowest is None else min(lowest, step.price)
    if not seconds:
        return None, lowest
    return (total / seconds).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), lowest
