"""The deal verdict from a product's history: rank, lows, percentile and the Omnibus was-price check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from pricewatch.deals import GENUINE, INFLATED, INVENTED, NOT_ENOUGH, new_low, verdict
from pricewatch.models import Availability, PriceObservation

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def history(*points: tuple[int, str | None], unsure_at: int | None = None) -> list[PriceObservation]:
    """Observations ``days_ago`` days before NOW, oldest first."""
    return [
        PriceObservation(
            product_id=1,
            observed_at=NOW - timedelta(days=days),
            price=None if price is None else Decimal(price),
            currency="EUR",
            availability=Availability.IN_STOCK,
            unsure=days == unsure_at,
        )
        for days, price in points
    ]


def test_no_price_no_verdict() -> None:
    deal = verdict([], now=NOW)
    assert (deal.kind, deal.badge) == ("unknown", "")


def test_fewer_than_30_days_is_not_enough_history() -> None:
    deal = verdict(history((20, "100"), (5, "80")), now=NOW)
    assert deal.kind == "not_enough_history" and deal.badge == "Not enough history"
    assert deal.watched_days == 20 and "20 days" in deal.reason
    assert deal.rank == 1 and deal.distinct == 2  # the facts are still there


def test_all_time_low_rank_and_percentile() -> None:
    deal = verdict(history((100, "120"), (60, "100"), (40, "110"), (10, "90")), now=NOW)
    assert deal.kind == "all_time_low" and deal.all_time_low
    assert (deal.rank, deal.distinct, deal.low, deal.high) == (1, 4, Decimal("90"), Decimal("120"))
    assert deal.percentile == 90  # higher than now for 90 of the 100 days watched
    assert deal.lowest_in_days == 100 and deal.lowest_30_days


def test_lowest_in_n_days() -> None:
    # 80 from day 100 to 70, then 120 until day 20, then 95: nothing lower for the last 70 days
    deal = verdict(history((100, "80"), (70, "120"), (20, "95")), now=NOW)
    assert deal.kind == "lowest_in_days" and deal.badge == "Lowest in 70 days"
    assert not deal.all_time_low and deal.rank == 2 and deal.lowest_30_days


def test_a_recent_lower_price_is_no_30_day_low() -> None:
    deal = verdict(history((100, "120"), (20, "80"), (10, "95")), now=NOW)
    assert deal.lowest_in_days == 10 and not deal.lowest_30_days
    assert deal.kind in ("typical", "high")


def test_a_price_that_never_moved_is_no_low() -> None:
    deal = verdict(history((90, "50")), now=NOW)
    assert deal.kind == "typical" and not deal.all_time_low and deal.badge == ""


def test_unsure_and_priceless_readings_are_left_out() -> None:
    observations = history((100, "120"), (50, "10"), (49, None), (40, "100"), unsure_at=50)
    deal = verdict(observations, now=NOW)
    assert deal.low == Decimal("100") and deal.kind == "all_time_low"


def test_was_price_never_seen_is_invented() -> None:
    deal = verdict(history((60, "100"), (10, "80")), now=NOW, list_price=Decimal("150"))
    assert deal.discount is not None and deal.discount.status == INVENTED
    assert deal.kind == "invented_discount" and deal.badge == "Invented was-price"
    assert "never saw" in deal.reason


def test_was_price_above_the_30_day_low_before_the_reduction_is_fake() -> None:
    # 100 for long, 70 shortly before the "reduction", then 130 for a week, then "was 130, now 90"
    observations = history((90, "100"), (35, "70"), (20, "130"), (5, "90"))
    deal = verdict(observations, now=NOW, list_price=Decimal("130"), currency="EUR")
    check = deal.discount
    assert check is not None and check.status == INFLATED and deal.badge == "Fake discount"
    assert check.reduced_at == NOW - timedelta(days=5)
    assert check.window_start == NOW - timedelta(days=35) and check.window_end == NOW - timedelta(days=5)
    assert (check.low, check.low_at) == (Decimal("70"), NOW - timedelta(days=35))
    assert [s.price for s in check.window] == [Decimal("70"), Decimal("130")]
    assert "€70.00" in check.reason and "€130.00" in check.reason


def test_a_low_just_outside_the_window_does_not_count() -> None:
    # 70 ended 36 days before the reduction: the 30 days before it saw only 130
    observations = history((90, "70"), (41, "130"), (5, "90"))
    deal = verdict(observations, now=NOW, list_price=Decimal("130"))
    assert deal.discount is not None and deal.discount.status == GENUINE
    assert deal.discount.low == Decimal("130") and not deal.discount.flagged


def test_the_price_in_effect_when_the_window_opens_counts() -> None:
    # 70 from day 90 to day 30, the reduction on day 5: 70 was in effect on the window's first day (day 35)
    deal = verdict(history((90, "70"), (30, "130"), (5, "90")), now=NOW, list_price=Decimal("130"))
    assert (
        deal.discount is not None and deal.discount.status == INFLATED and deal.discount.low == Decimal("70")
    )


def test_was_price_check_needs_30_days_before_the_reduction() -> None:
    deal = verdict(history((40, "130"), (20, "90")), now=NOW, list_price=Decimal("150"))
    assert deal.discount is not None and deal.discount.status == NOT_ENOUGH
    assert "Not enough history" in deal.discount.reason and not deal.discount.flagged


def test_no_check_without_a_was_price_above_the_price() -> None:
    assert verdict(history((60, "100")), now=NOW, list_price=Decimal("100")).discount is None
    assert verdict(history((60, "100")), now=NOW).discount is None


def test_to_json_is_plain() -> None:
    data = verdict(
        history((90, "100"), (35, "70"), (20, "130"), (5, "90")), now=NOW, list_price=Decimal(130)
    ).to_json()
    assert data["kind"] == "fake_discount" and data["discount"]["low"] == "70"
    assert data["discount"]["window"][0] == {"price": "70", "from": "2026-04-27T12:00:00+00:00",
                                              "to": "2026-05-12T12:00:00+00:00"}  # fmt: skip


def test_new_low_for_the_alert_rule() -> None:
    assert new_low(history((60, "100"), (1, "90")), NOW, 30) == (True, Decimal("100"))
    assert new_low(history((60, "80"), (20, "100"), (1, "90")), NOW, 30) == (False, Decimal("80"))
    assert new_low(history((60, "90")), NOW, 30) == (None, None)  # never moved
    assert new_low(history((10, "100"), (1, "90")), NOW, 30) == (None, None)  # too new
