"""Alert evaluation as pure logic: every rule kind, armed/fired/re-armed, minimum change, first check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pricewatch.alerts import AlertEvent, evaluate, fold, format_money, stock_before_check, validate_rule
from pricewatch.models import AlertKind, AlertRule, AlertState, Availability, PriceObservation, Product
from pricewatch.storage.alert_rules import AlertOptions
from pricewatch.storage.observations import CheckOutcome

pytestmark = pytest.mark.usefixtures("english_formatting")
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
IN, OUT, UNKNOWN = Availability.IN_STOCK, Availability.OUT_OF_STOCK, Availability.UNKNOWN
D = Decimal


@dataclass
class Sim:
    """Plays checks through evaluate() as the facade does: rule states persist between checks."""

    rules: list[AlertRule]
    options: AlertOptions = field(default_factory=AlertOptions)
    product: Product = field(
        default_factory=lambda: Product(url="https://shop.example/p", id=1, title="Kettle")
    )
    price: Decimal | None = None
    availability: Availability = UNKNOWN
    checks: int = 0
    highs: list[Decimal] = field(default_factory=list)
    memory: bool = True  # pass stock_before (the last known availability), as the facade does
    known: Availability = UNKNOWN

    def check(
        self, price: str | None, availability: Availability = IN, currency: str = "EUR"
    ) -> list[AlertEvent]:
        new_price = D(price) if price is not None else None
        effective = new_price if new_price is not None else self.price
        outcome = CheckOutcome(
            product_id=1,
            changed=self.checks == 0 or effective != self.price or availability != self.availability,
            first_check=self.checks == 0,
            previous_price=self.price,
            previous_availability=self.availability,
            price=new_price,
            availability=availability,
            currency=currency,
        )
        if effective is not None:
            self.highs.append(effective)
        now = T0 + timedelta(hours=self.checks)
        known = self.known
        events, changes = evaluate(
            self.rules,
            outcome,
            product=self.product,
            now=now,
            window_high=lambda days: max(self.highs) if self.highs else None,
            options=self.options,
            stock_before=(lambda: known) if self.memory else None,
        )
        by_id = {r.id: r for r in self.rules}
        for change in changes:
            rule = by_id[change.rule_id]
            rule.state = change.state
            if change.fired_at is not None:
                rule.last_fired_at = change.fired_at
        self.price, self.availability = effective, availability
        if availability is not UNKNOWN:
            self.known = availability
        self.checks += 1
        return events

    def kinds(self, price: str | None, availability: Availability = IN) -> list[AlertKind]:
        return [e.kind for e in self.check(price, availability)]


def rule(kind: AlertKind, rule_id: int = 1, **kw: object) -> AlertRule:
    return AlertRule(product_id=1, kind=kind, id=rule_id, **kw)  # type: ignore[arg-type]


TARGET = AlertKind.TARGET_PRICE


def test_target_fires_once_rearms_above_target_and_fires_again() -> None:
    sim = Sim([rule(TARGET, amount=D("80"))])
    assert sim.kinds("99.99") == []
    events = sim.check("79.50")
    assert [e.kind for e in events] == [TARGET]
    assert events[0].title == "Target price reached: Kettle"
    assert events[0].message == "Now €79.50, at or below your target of €80.00. Was €99.99."
    assert sim.rules[0].state is AlertState.FIRED and sim.rules[0].last_fired_at == T0 + timedelta(hours=1)
    assert sim.kinds("79.50") == []  # unchanged: no repeat
    assert sim.kinds("78.00") == []  # lower still, but the rule already fired: no spam
    assert sim.kinds("85.00") == [] and sim.rules[0].state is AlertState.ARMED
    assert sim.kinds("80.00") == [TARGET]  # "at or below"


def test_first_check_already_below_target_notifies_once() -> None:
    sim = Sim([rule(TARGET, amount=D("80"))])
    events = sim.check("70")
    assert [e.kind for e in events] == [TARGET]
    assert events[0].message == "Now €70.00, at or below your target of €80.00."
    assert sim.kinds("70") == [] and sim.kinds("70") == []


def test_target_rearms_when_stock_is_lost_and_ignores_unbuyable_prices() -> None:
    sim = Sim([rule(TARGET, amount=D("80"))])
    assert sim.kinds("70", OUT) == []  # below target but nobody can buy it
    assert sim.kinds("70", IN) == [TARGET]
    assert sim.kinds("70", OUT) == [] and sim.rules[0].state is AlertState.ARMED
    assert sim.kinds("70", IN) == [TARGET]


def test_target_holds_when_the_page_shows_no_price() -> None:
    sim = Sim([rule(TARGET, amount=D("80"))])
    assert sim.kinds("70") == [TARGET]
    assert sim.kinds(None, UNKNOWN) == [] and sim.rules[0].state is AlertState.FIRED
    assert sim.kinds("70") == []


def test_min_change_is_hysteresis_for_the_target() -> None:
    sim = Sim([rule(TARGET, amount=D("100"))], options=AlertOptions(min_change_amount=D("0.50")))
    assert sim.kinds("100.01") == []
    assert sim.kinds("99.99") == [TARGET]
    for price in ("100.01", "99.99", "100.20", "99.98"):  # one-cent wobble around the target: silence
        assert sim.kinds(price) == []
    assert sim.rules[0].state is AlertState.FIRED
    assert sim.kinds("100.60") == [] and sim.rules[0].state is AlertState.ARMED
    assert sim.kinds("99.90") == [TARGET]


def test_drop_percent_since_last_check() -> None:
    sim = Sim([rule(AlertKind.DROP_PERCENT, percent=D("10"))])
    assert sim.kinds("100") == []  # first check: nothing to compare with
    assert sim.kinds("95") == []  # 5 %
    events = sim.check("85")  # 10.5 % from 95
    assert [e.kind for e in events] == [AlertKind.DROP_PERCENT]
    assert events[0].message == "Now €85.00, down €10.00 (10.5%) from €95.00."
    assert sim.kinds("85") == [] and sim.rules[0].state is AlertState.ARMED
    assert sim.kinds("76") == [AlertKind.DROP_PERCENT]
    assert sim.kinds("68") == [AlertKind.DROP_PERCENT]  # a second drop in a row is a new event


def test_drop_amount_since_last_check() -> None:
    sim = Sim([rule(AlertKind.DROP_AMOUNT, amount=D("5"))])
    sim.check("50")
    assert sim.kinds("46") == []
    assert sim.kinds("41") == [AlertKind.DROP_AMOUNT]
    assert sim.kinds("50") == [] and sim.kinds("45") == [AlertKind.DROP_AMOUNT]


def test_drop_from_window_high_is_a_level_with_rearm() -> None:
    sim = Sim([rule(AlertKind.DROP_PERCENT, percent=D("20"), window_days=30)])
    sim.check("100")
    assert sim.kinds("90") == []
    events = sim.check("79")  # 21 % below the 30-day high, although only 12 % below the last check
    assert [e.kind for e in events] == [AlertKind.DROP_PERCENT]
    assert events[0].message == "Now €79.00, down €21.00 (21.0%) from the 30-day high of €100.00."
    assert sim.kinds("75") == []  # still in the fired state
    assert sim.kinds("95") == [] and sim.rules[0].state is AlertState.ARMED
    assert sim.kinds("80") == [AlertKind.DROP_PERCENT]


def test_drop_amount_from_window_high() -> None:
    sim = Sim([rule(AlertKind.DROP_AMOUNT, amount=D("30"), window_days=7)])
    sim.check("200")
    assert sim.kinds("180") == [] and sim.kinds("170") == [AlertKind.DROP_AMOUNT]


def test_any_drop_and_min_change_filters_noise() -> None:
    sim = Sim([rule(AlertKind.ANY_DROP)], options=AlertOptions(min_change_amount=D("1")))
    sim.check("50")
    assert sim.kinds("49.99") == []  # one cent: noise
    assert sim.kinds("48.50") == [AlertKind.ANY_DROP]
    assert sim.kinds("48.50") == []


def test_any_drop_without_min_change_fires_on_any_drop() -> None:
    sim = Sim([rule(AlertKind.ANY_DROP)])
    sim.check("50")
    assert sim.kinds("49.99") == [AlertKind.ANY_DROP]
    assert sim.kinds("50.50") == []


def test_min_change_percent() -> None:
    sim = Sim([rule(AlertKind.ANY_DROP)], options=AlertOptions(min_change_percent=D("2")))
    sim.check("100")
    assert sim.kinds("99") == []
    assert sim.kinds("96") == [AlertKind.ANY_DROP]  # 3 % of 99


def test_increase_is_opt_in_and_reports_the_rise() -> None:
    assert Sim([rule(AlertKind.ANY_DROP)]).kinds("10") == []
    sim = Sim([rule(AlertKind.PRICE_INCREASE)])
    sim.check("100")
    events = sim.check("110")
    assert [e.kind for e in events] == [AlertKind.PRICE_INCREASE]
    assert events[0].message == "Now €110.00, up €10.00 (10.0%) from €100.00."
    assert events[0].title == "Price up: Kettle"
    assert sim.kinds("105") == []


def test_back_in_stock_fires_on_return_only() -> None:
    sim = Sim([rule(AlertKind.BACK_IN_STOCK)])
    assert sim.kinds("10", IN) == []  # first check, already in stock: not news
    assert sim.rules[0].state is AlertState.ARMED  # and nothing was notified: armed, not "fired" (F17)
    assert sim.kinds("10", IN) == [] and sim.rules[0].state is AlertState.ARMED
    assert sim.kinds("10", OUT) == [] and sim.rules[0].state is AlertState.ARMED
    events = sim.check("12", IN)
    assert [e.kind for e in events] == [AlertKind.BACK_IN_STOCK]
    assert events[0].message == "Available again at €12.00."
    assert sim.kinds("12", IN) == []
    assert sim.kinds("12", OUT) == [] and sim.kinds("12", UNKNOWN) == []
    assert sim.kinds("12", Availability.PRE_ORDER) == [AlertKind.BACK_IN_STOCK]


def test_back_in_stock_after_a_first_check_out_of_stock() -> None:
    sim = Sim([rule(AlertKind.BACK_IN_STOCK)])
    assert sim.kinds(None, OUT) == []
    assert sim.kinds("10", IN) == [AlertKind.BACK_IN_STOCK]


def test_back_in_stock_rule_added_to_a_product_in_stock_stays_quiet() -> None:
    sim = Sim([])
    sim.check("10", IN)
    sim.rules.append(rule(AlertKind.BACK_IN_STOCK))
    assert sim.kinds("10", IN) == [] and sim.rules[0].state is AlertState.ARMED  # not notified: armed (F17)
    assert sim.kinds("10", OUT) == [] and sim.kinds("10", IN) == [AlertKind.BACK_IN_STOCK]
    assert sim.rules[0].state is AlertState.FIRED


@pytest.mark.parametrize("memory", [True, False])
def test_a_check_that_cannot_tell_the_stock_is_no_return(memory: bool) -> None:
    sim = Sim([rule(AlertKind.BACK_IN_STOCK)], memory=memory)
    assert sim.kinds("10", IN) == [] and sim.kinds("10", UNKNOWN) == []
    # In stock, then a page that said nothing, then in stock: known from the history, no return.
    assert sim.kinds("10", IN) == []
    assert sim.rules[0].state is (AlertState.ARMED if memory else AlertState.FIRED)  # see REMEMBER
    sim.check("10", OUT)
    assert sim.kinds("10", UNKNOWN) == []
    assert sim.kinds("10", IN) == [AlertKind.BACK_IN_STOCK]  # sold out, unknown, in stock: a return


def test_stock_before_a_check_skips_unknown_and_the_check_itself() -> None:
    def obs(hour: int, availability: Availability) -> PriceObservation:
        return PriceObservation(1, T0 + timedelta(hours=hour), D("10"), "EUR", availability)

    def outcome(changed: bool) -> CheckOutcome:
        return CheckOutcome(1, changed, False, D("10"), UNKNOWN, D("10"), IN, "EUR")

    history = [obs(0, OUT), obs(1, UNKNOWN), obs(2, IN)]
    assert stock_before_check(history, outcome(changed=True)) is OUT  # the last row is this check
    assert stock_before_check(history, outcome(changed=False)) is IN
    assert stock_before_check([obs(0, UNKNOWN), obs(1, IN)], outcome(changed=True)) is UNKNOWN
    assert stock_before_check([], outcome(changed=False)) is UNKNOWN


def test_out_of_stock_is_opt_in_and_fires_once() -> None:
    sim = Sim([rule(AlertKind.OUT_OF_STOCK)])
    sim.check("10", IN)
    events = sim.check(None, OUT)
    assert [e.kind for e in events] == [AlertKind.OUT_OF_STOCK]
    assert events[0].message == "Out of stock (last price €10.00)."
    assert sim.kinds(None, OUT) == [] and sim.kinds(None, UNKNOWN) == []
    assert sim.kinds("10", IN) == [] and sim.rules[0].state is AlertState.ARMED
    assert sim.kinds("10", OUT) == [AlertKind.OUT_OF_STOCK]


def test_disabled_rules_do_nothing() -> None:
    sim = Sim([rule(TARGET, amount=D("80"), enabled=False)])
    assert sim.kinds("10") == [] and sim.rules[0].state is AlertState.ARMED


def test_several_rules_fold_into_one_notification_target_first() -> None:
    sim = Sim(
        [rule(AlertKind.ANY_DROP, 1), rule(TARGET, 2, amount=D("80")), rule(AlertKind.BACK_IN_STOCK, 3)]
    )
    sim.check("100", IN)
    sim.check("100", OUT)
    events = sim.check("75", IN)
    assert [e.kind for e in events] == [TARGET, AlertKind.ANY_DROP, AlertKind.BACK_IN_STOCK]
    title, message = fold(events)
    assert title == "Target price reached: Kettle"
    assert message.splitlines() == [
        "Now €75.00, at or below your target of €80.00. Was €100.00.",
        "Now €75.00, down €25.00 (25.0%) from €100.00.",
        "Available again at €75.00.",
        "Also: price drop, back in stock.",
    ]


def test_titles_are_sanitised_and_capped() -> None:
    product = Product(url="https://x.example/", id=1, title="<b>Evil</b>\x1b[31m \u202eKettle\n" + "x" * 500)
    sim = Sim([rule(TARGET, amount=D("80"))], product=product)
    (event,) = sim.check("10")
    # the whole escape sequence goes, not only its ESC (F12)
    assert "<" not in event.title and "\x1b" not in event.title and "\u202e" not in event.title
    assert "\n" not in event.title and event.title.startswith("Target price reached: Evil Kettle x")
    assert len(event.title) <= 120 and event.title.endswith("…")


def test_product_without_title_uses_the_shop() -> None:
    product = Product(url="https://x.example/", id=7, shop="x.example")
    (event,) = Sim([rule(TARGET, amount=D("80"))], product=product).check("10")
    assert event.title == "Target price reached: x.example"


def test_format_money() -> None:
    # the window's formatter: symbol and separators of the locale (US English here)
    assert format_money(D("1299"), "TRY") == "₺1,299.00"
    assert format_money(D("0.5"), "EUR") == "€0.50"
    assert format_money(D("1999.6"), "JPY") == "¥2,000"
    assert format_money(D("3"), None) == "3.00"
    assert format_money(None, "EUR") == "unknown"


def test_event_data_is_json_able() -> None:
    (event,) = Sim([rule(TARGET, amount=D("80"))]).check("79.5")
    assert event.to_data() == {
        "product_id": 1,
        "kind": "target_price",
        "rule_id": 1,
        "price": "79.5",
        "reference_price": "80",
        "currency": "EUR",
    }


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (rule(TARGET), "positive amount"),
        (rule(AlertKind.DROP_AMOUNT, amount=D("-1")), "positive amount"),
        (rule(AlertKind.DROP_PERCENT, percent=D("120")), "between 0 and 100"),
        (rule(AlertKind.DROP_PERCENT, percent=D("5"), window_days=0), "at least one day"),
        (rule(AlertKind.ANY_DROP, window_days=3), "take a window"),
    ],
)
def test_validate_rule(bad: AlertRule, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_rule(bad)
    validate_rule(rule(TARGET, amount=D("1")))


WIDGET_BLOCKER = """
import importlib, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name in ("PySide6.QtWidgets", "PySide6.QtGui"):
            raise ImportError(name + " is blocked in this test")
sys.meta_path.insert(0, Block())
importlib.import_module(sys.argv[1])
"""


@pytest.mark.parametrize(
    ("module", "qt_core_allowed"),
    [("pricewatch.alerts", False), ("pricewatch.notify.notifier", False),
     ("pricewatch.tasks.builtin.notifications", True)],
)  # fmt: skip
def test_alerts_and_notify_layers(module: str, qt_core_allowed: bool) -> None:
    """alerts and notify import no Qt at all; the notification tasks at most QtCore (the task layer)."""
    import subprocess
    import sys

    from tests.support.layers import BLOCKER

    script = WIDGET_BLOCKER if qt_core_allowed else BLOCKER
    proc = subprocess.run([sys.executable, "-c", script, module], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
