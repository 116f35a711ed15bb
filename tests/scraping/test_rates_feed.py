"""Reading the European Central Bank's daily rates file, and refusing files that hold no usable rates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pricewatch.scraping.rates_feed import RatesFeedError, parse_daily_rates
from tests.support.rates import RATES_DIR, rates_file


def test_a_good_file_gives_its_day_and_rates_per_euro() -> None:
    daily = parse_daily_rates(rates_file(date(2026, 12, 4)))
    assert daily.rate_date == date(2026, 12, 4)
    assert daily.per_eur["USD"] == Decimal("1.2500")
    assert daily.per_eur["JPY"] == Decimal("160.00")
    assert set(daily.per_eur) == {"USD", "JPY", "GBP", "CHF", "TRY"}


@pytest.mark.parametrize(
    ("name", "reason"),
    [("broken-html.xml", "not XML"), ("no-rates.xml", "lists no rates")],
)
def test_a_file_without_rates_is_refused_with_the_reason(name: str, reason: str) -> None:
    with pytest.raises(RatesFeedError, match=reason):
        parse_daily_rates((RATES_DIR / name).read_bytes())


def test_entities_and_bad_values_are_not_taken() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Cube><Cube time="2026-12-04"/></Cube>'
    with pytest.raises(RatesFeedError, match="DTD"):
        parse_daily_rates(bomb)
    odd = (
        b"<Cube><Cube time='2026-12-04'><Cube currency='USD' rate='-1'/><Cube currency='usd1' rate='2'/>"
        b"<Cube currency='GBP' rate='NaN'/><Cube currency='CHF' rate='0.94'/></Cube></Cube>"
    )
    assert parse_daily_rates(odd).per_eur == {"CHF": Decimal("0.94")}
    with pytest.raises(RatesFeedError, match="not a date"):
        parse_daily_rates(b"<Cube><Cube time='yesterday'><Cube currency='USD' rate='1'/></Cube></Cube>")
