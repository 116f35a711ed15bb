"""The "cheapest of all shops below X" rule, on real checks of two shops in two currencies (local server)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from pricewatch.app import PriceWatch
from pricewatch.models import AlertKind, AlertRule, AlertState, TaskState, utcnow
from tests.support.app import open_pricewatch
from tests.support.pages import product_page
from tests.support.pageserver import PageServer
from tests.support.rates import rates_file, serve_rates, update

pytestmark = pytest.mark.usefixtures("english_formatting")


class Tray:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, title: str, message: str) -> None:
        self.seen.append((title, message))


@pytest.fixture
def tray() -> Tray:
    return Tray()


@pytest.fixture
def app(tray: Tray) -> Iterator[PriceWatch]:
    app = open_pricewatch(executor="sync")
    app.settings.notify.desktop = False
    app.settings.notify.default_rules = []
    app.settings.fetch.per_host_delay = 0.0
    app.set_tray_notifier(tray)
    yield app
    app.close()


def check(app: PriceWatch, product_id: int) -> None:
    assert app.wait_for_task(app.check_product(product_id), timeout=30).state is TaskState.SUCCESS


def test_fires_on_the_converted_cheapest_of_all_shops(
    app: PriceWatch, tray: Tray, page_server: PageServer
) -> None:
    assert (
        update(app, serve_rates(page_server, "/rates.xml", rates_file(utcnow().date()))).state
        is TaskState.SUCCESS
    )
    a = app.add_product(page_server.add("/a", product_page("Kettle", "20.00", "EUR"))).id or 0
    b = app.add_listing(a, page_server.add("/b", product_page("Kettle", "26.25", "USD"))).id or 0  # 21.00 EUR
    app.set_alert_rules(a, [AlertRule(a, AlertKind.CHEAPEST_BELOW, amount=Decimal(19))])
    check(app, a)
    check(app, b)
    assert tray.seen == []  # cheapest is 20.00 EUR at shop A: above 19

    # Shop B (dollars) drops to 23.00 USD = 18.40 EUR: the rule on the product fires on B's check.
    page_server.add("/b", product_page("Kettle", "23.00", "USD"))
    check(app, b)
    assert len(tray.seen) == 1
    title, message = tray.seen[0]
    assert title == "Cheapest shop below your price: Kettle"
    assert "€18.40" in message and "$23.00" in message and "your price of €19.00" in message
    (rule,) = [r for r in app.alert_rules_for(a) if r.kind is AlertKind.CHEAPEST_BELOW]
    assert rule.state is AlertState.FIRED

    check(app, a)  # still the cheapest below 19: no second notification
    assert len(tray.seen) == 1
    page_server.add("/b", product_page("Kettle", "30.00", "USD"))
    check(app, b)  # cheapest back to 20.00 EUR at A: the rule re-arms
    (rule,) = [r for r in app.alert_rules_for(a) if r.kind is AlertKind.CHEAPEST_BELOW]
    assert rule.state is AlertState.ARMED and len(tray.seen) == 1


def test_no_rate_no_firing(app: PriceWatch, tray: Tray, page_server: PageServer) -> None:
    a = app.add_product(page_server.add("/a", product_page("Kettle", "30.00", "EUR"))).id or 0
    b = app.add_listing(a, page_server.add("/b", product_page("Kettle", "1.00", "USD"))).id or 0
    app.set_alert_rules(a, [AlertRule(a, AlertKind.CHEAPEST_BELOW, amount=Decimal(25))])
    check(app, a)
    check(app, b)  # 1.00 USD cannot be compared without rates: shop A's 30.00 EUR is the cheapest known
    assert tray.seen == []
    assert app.product_group(a).cheapest.id == a  # type: ignore[union-attr]


def test_the_rule_needs_an_amount(app: PriceWatch) -> None:
    a = app.add_product("https://shop.example/kettle").id or 0
    with pytest.raises(ValueError, match="cheapest_below rule needs a positive amount"):
        app.set_alert_rules(a, [AlertRule(a, AlertKind.CHEAPEST_BELOW)])
