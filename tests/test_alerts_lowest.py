"""The "lowest in N days" rule, pure: fires once when the price is the window's low, stays quiet while it
cannot tell, re-arms once the price is above the low again."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pricewatch.alerts import evaluate, validate_rule
from pricewatch.models import AlertKind, AlertRule, AlertState, Availability, Product
from pricewatch.storage.observations import CheckOutcome

NOW = datetime(2026, 6, 1, tzinfo=UTC)
PRODUCT = Product(url="https://shop.example/beans", id=1, title="Beans")


def outcome(price: str, availability: Availability = Availability.IN_STOCK) -> CheckOutcome:
    return CheckOutcome(
        1, True, False, Decimal("20"), Availability.IN_STOCK, Decimal(price), availability, "EUR"
    )


def run(rule: AlertRule, price: str, low: tuple[bool | None, Decimal | None], **kw: object) -> list[str]:
    asked: list[int] = []

    def window_low(days: int) -> tuple[bool | None, Decimal | None]:
        asked.append(days)
        return low

    events, changes = evaluate([rule], outcome(price, **kw), product=PRODUCT, now=NOW, window_low=window_low)  # type: ignore[arg-type]
    for change in changes:
        rule.state = change.state
    assert asked == [rule.window_days or 30]
    return [e.message for e in events]


def test_fires_once_then_rearms_above_the_low() -> None:
    rule = AlertRule(1, AlertKind.LOWEST_IN_DAYS, id=7)
    assert run(rule, "12.99", (True, Decimal("13.49"))) == [
        "Now €12.99, the lowest price in 30 days (the lowest before: €13.49)."
    ]
    assert rule.state is AlertState.FIRED
    assert run(rule, "12.99", (True, Decimal("13.49"))) == []  # still the low: no repeat
    assert run(rule, "14.99", (False, Decimal("12.99"))) == [] and rule.state is AlertState.ARMED
    assert len(run(rule, "11.99", (True, Decimal("12.99")))) == 1


def test_quiet_while_it_cannot_tell_and_when_sold_out() -> None:
    rule = AlertRule(1, AlertKind.LOWEST_IN_DAYS, id=7, window_days=60)
    assert run(rule, "12.99", (None, None)) == [] and rule.state is AlertState.ARMED
    assert run(rule, "12.99", (True, Decimal("15"))) and rule.state is AlertState.FIRED
    assert run(rule, "12.99", (True, Decimal("15")), availability=Availability.OUT_OF_STOCK) == []
    assert rule.state is AlertState.ARMED


def test_the_window_is_checked() -> None:
    validate_rule(AlertRule(1, AlertKind.LOWEST_IN_DAYS, window_days=90))
    validate_rule(AlertRule(1, AlertKind.LOWEST_IN_DAYS))
    with pytest.raises(ValueError, match="at least one day"):
        validate_rule(AlertRule(1, AlertKind.LOWEST_IN_DAYS, window_days=0))
