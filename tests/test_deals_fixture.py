"""A fake discount, end to end: a local shop page checked over weeks, then judged from its own history.

The page is served by a real local server and read by the real check task (fetch, extract, store); only the
clock the check stamps its readings with is moved, so 60 days of history take a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch.app import PriceWatch
from pricewatch.models import AlertKind, AlertRule, TaskState
from tests.support.checks import fast_app, run
from tests.support.pageserver import PageServer

PAGE = (Path(__file__).parent / "data" / "deals" / "fake_discount.html").read_text(encoding="utf-8")
START = datetime(2026, 3, 1, 9, tzinfo=UTC)


def shop_page(price: str, was: str | None = None) -> str:
    """The roastery's page at ``price``, with a struck-through ``was`` price when given."""
    page = PAGE.replace("{price}", price)
    if was is None:
        return page.replace('<span class="price-old"><del>€{was}</del></span>', "")
    return page.replace("{was}", was)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("pricewatch.tasks.builtin.price_tracking.utcnow", clock)
    monkeypatch.setattr("pricewatch.alerting.utcnow", clock)
    return clock


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    app = fast_app()
    app.settings.notify.default_rules = []
    yield app
    app.close()


def watch(
    app: PriceWatch, server: PageServer, clock: Clock, path: str, days: list[tuple[int, str, str | None]]
) -> int:
    """Check the page at each (day, price, was-price), three times a day as a schedule would."""
    url = server.add(path, shop_page(days[0][1], days[0][2]))
    product_id = app.add_product(url).id
    assert product_id is not None
    for day, price, was in days:
        server.add(path, shop_page(price, was))
        for hour in (0, 8, 16):
            clock.now = START + timedelta(days=day, hours=hour)
            record = run(app, app.check_product(product_id))
            assert record.state is TaskState.SUCCESS, record.error
    return product_id


def test_a_was_price_above_the_30_day_low_is_a_fake_discount(
    app: PriceWatch, page_server: PageServer, clock: Clock
) -> None:
    # 14.99 for weeks, 9.99 from day 20, raised to 19.99 on day 40, then "was 19.99, now 12.99" on day 55
    product_id = watch(app, page_server, clock, "/coffee", [
        (0, "14.99", None), (10, "14.99", None), (20, "9.99", None), (30, "9.99", None),
        (40, "19.99", None), (50, "19.99", None), (55, "12.99", "19.99"), (56, "12.99", "19.99"),
    ])  # fmt: skip
    product = app.get_product(product_id)
    assert product.list_price == Decimal("19.99") and product.quantity == "500 g"
    assert [o.list_price for o in app.history(product_id)][-1] == Decimal("19.99")

    deal = app.deal(product_id, now=clock.now)
    check = deal.discount
    assert deal.kind == "fake_discount" and deal.badge == "Fake discount"
    assert check is not None and check.status == "inflated"
    assert check.reduced_at == START + timedelta(days=55)
    assert (check.low, check.low_at) == (Decimal("9.99"), START + timedelta(days=25))
    assert [s.price for s in check.window] == [Decimal("9.99"), Decimal("19.99")]
    assert "€9.99" in deal.reason and "€19.99" in deal.reason and "2026-04-25" in deal.reason

    unit = app.unit_price(product)
    assert unit is not None and (unit.amount, unit.unit) == (Decimal("25.9800"), "kg")


def test_a_was_price_never_seen_is_invented(app: PriceWatch, page_server: PageServer, clock: Clock) -> None:
    product_id = watch(app, page_server, clock, "/tea", [
        (0, "14.99", None), (20, "14.99", None), (40, "14.99", None), (45, "12.99", "24.99"),
    ])  # fmt: skip
    deal = app.deal(product_id, now=clock.now)
    assert deal.kind == "invented_discount" and deal.badge == "Invented was-price"
    assert deal.discount is not None and deal.discount.low == Decimal("14.99")
    assert "never saw" in deal.reason and "€24.99" in deal.reason


def test_a_was_price_seen_as_the_30_day_low_is_genuine(
    app: PriceWatch, page_server: PageServer, clock: Clock
) -> None:
    product_id = watch(app, page_server, clock, "/cocoa", [
        (0, "19.99", None), (20, "19.99", None), (40, "19.99", None), (45, "12.99", "19.99"),
    ])  # fmt: skip
    deal = app.deal(product_id, now=clock.now)
    assert deal.discount is not None and deal.discount.status == "genuine" and not deal.discount.flagged
    assert deal.kind == "all_time_low" and "was the lowest price" in deal.reason


def test_under_30_days_there_is_not_enough_history(
    app: PriceWatch, page_server: PageServer, clock: Clock
) -> None:
    product_id = watch(app, page_server, clock, "/sugar", [(0, "3.49", None), (12, "2.99", "4.99")])
    deal = app.deal(product_id, now=clock.now)
    assert deal.kind == "not_enough_history" and deal.badge == "Not enough history"
    assert deal.discount is not None and deal.discount.status == "not_enough_history"


def test_the_lowest_in_30_days_rule_notifies_once(
    app: PriceWatch, page_server: PageServer, clock: Clock
) -> None:
    product_id = watch(app, page_server, clock, "/beans", [(0, "14.99", None), (20, "13.99", None)])
    app.set_alert_rules(product_id, [AlertRule(product_id, AlertKind.LOWEST_IN_DAYS, window_days=30)])
    # day 29: lower, but watched too briefly to say; day 31: a new 30-day low; day 32: the same, no news
    for day, price in ((29, "13.49"), (31, "12.99"), (32, "12.99")):
        page_server.add("/beans", shop_page(price))
        clock.now = START + timedelta(days=day)
        run(app, app.check_product(product_id))
    sent = app.list_notifications(product_id=product_id)
    assert [n.title for n in sent] == ["Lowest price in weeks: Arabica Coffee Beans 500 g"]
    assert "the lowest price in 30 days" in sent[0].message and "€13.49" in sent[0].message


def test_new_products_can_get_the_low_rule_by_default(app: PriceWatch) -> None:
    app.settings.notify.default_rules = ["back_in_stock", "lowest_in_days"]
    product_id = app.add_product("https://roastery.example/new").id or 0
    kinds = [(r.kind, r.window_days) for r in app.alert_rules_for(product_id)]
    assert kinds == [(AlertKind.BACK_IN_STOCK, None), (AlertKind.LOWEST_IN_DAYS, None)]
