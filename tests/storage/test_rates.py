"""Exchange rates in SQLite: conversion through the euro in Decimal, the date kept, staleness, failures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pricewatch.storage.rates import RateTable
from tests.support.app import open_pricewatch

TABLE = RateTable({"USD": Decimal("1.25"), "JPY": Decimal("160"), "GBP": Decimal("0.84")}, date(2026, 12, 4))


def test_conversion_goes_through_the_euro_to_the_cent() -> None:
    assert TABLE.convert(Decimal("25.00"), "USD", "EUR") == Decimal("20.00")
    assert TABLE.convert(Decimal("10.00"), "EUR", "JPY") == Decimal("1600.00")
    assert TABLE.convert(Decimal("1000"), "JPY", "USD") == Decimal("7.81")  # 1000 / 160 * 1.25 = 7.8125
    assert TABLE.convert(Decimal("3.333"), "GBP", "GBP") == Decimal("3.333")  # no conversion, no rounding
    assert TABLE.convert(Decimal("1"), "USD", "CHF") is None and TABLE.rate("XXX", "EUR") is None
    assert isinstance(TABLE.rate("USD", "GBP"), Decimal)


def test_staleness_allows_a_long_weekend() -> None:
    assert not TABLE.stale(date(2026, 12, 8), 4)  # Friday's rates on Tuesday
    assert TABLE.stale(date(2026, 12, 9), 4)
    assert RateTable().stale(date(2026, 12, 4), 4)  # no rates at all


def test_a_new_set_replaces_the_old_and_a_failure_keeps_it() -> None:
    with open_pricewatch() as app:
        app.rates.replace({"USD": Decimal("1.25"), "JPY": Decimal("160")}, date(2026, 12, 3), "src")
        app.rates.replace({"USD": Decimal("1.30")}, date(2026, 12, 4), "src")
        status = app.exchange_rates()
        assert status.table.per_eur == {"USD": Decimal("1.30")} and status.table.rate_date == date(
            2026, 12, 4
        )
        app.rates.record_failure("the rates file is not XML", "src")
        status = app.exchange_rates()
        assert (
            status.table.per_eur == {"USD": Decimal("1.30")}
            and status.last_error == "the rates file is not XML"
        )
        assert status.last_attempt_at is not None and status.source == "src"
