"""Snoozes per product and per rule, for a while or until the price changes: real SQLite, real check outcomes,
the notifier's tray channel recording what it shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from pricewatch.app import PriceWatch
from pricewatch.errors import BadInputError, NotFoundError
from pricewatch.models import AlertKind, AlertRule, Availability, NotificationState, utcnow
from pricewatch.snoozes import snooze_end
from tests.support.app import open_pricewatch


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    app = open_pricewatch(executor="sync")
    app.settings.notify.desktop = False
    app.settings.notify.default_rules = []
    app.set_tray_notifier(lambda title, message: None)
    yield app
    app.close()


def check(app: PriceWatch, product_id: int, price: str) -> list[dict[str, object]]:
    outcome = app.observations.record_check(
        product_id,
        checked_at=utcnow(),
        price=Decimal(price),
        currency="EUR",
        availability=Availability.IN_STOCK,
    )
    return app.evaluate_alerts(outcome)


def product_with_rules(app: PriceWatch) -> tuple[int, int, int]:
    product = app.add_product("https://shop.example/kettle", title="Kettle")
    assert product.id is not None
    rules = app.set_alert_rules(
        product.id,
        [
            AlertRule(product.id, AlertKind.ANY_DROP),
            AlertRule(product.id, AlertKind.TARGET_PRICE, amount=Decimal(50)),
        ],
    )
    drop, target = (r.id for r in rules)
    assert drop is not None and target is not None
    return product.id, drop, target


def kinds(payloads: list[dict[str, object]]) -> list[str]:
    """The kinds the payloads tell (what snoozed rules would have said is logged, not told)."""
    told = [p for p in payloads if "snoozed_rule" not in p["data"]]  # type: ignore[operator]
    return [k for p in told for k in p["data"]["kinds"]]  # type: ignore[index]


def test_a_snoozed_rule_notifies_nothing_while_the_others_do(app: PriceWatch) -> None:
    pid, drop, _target = product_with_rules(app)
    check(app, pid, "80")
    rule = app.snooze_rule(pid, drop, utcnow() + timedelta(days=1))
    assert rule.snoozed_until is not None and not rule.snooze_until_change
    assert kinds(check(app, pid, "45")) == ["target_price"]  # the drop is snoozed, the target is not
    app.snooze_rule(pid, drop, None)
    assert kinds(check(app, pid, "40")) == ["any_drop"]


def test_what_a_snoozed_rule_would_have_said_is_logged_never_sent(app: PriceWatch) -> None:
    shown: list[str] = []
    app.set_tray_notifier(lambda title, message: shown.append(title))
    pid, drop, _target = product_with_rules(app)
    check(app, pid, "80")
    until = utcnow() + timedelta(days=1)
    app.snooze_rule(pid, drop, until)
    payloads = check(app, pid, "70")
    assert kinds(payloads) == []
    (quiet,) = payloads
    records = [app.notify(**p) for p in payloads]  # as the check's notifications.send task does
    assert [r.state for r in records] == [NotificationState.SUPPRESSED]
    assert records[0].error == f"the alert rule is snoozed until {until.strftime('%Y-%m-%d %H:%M')} UTC"
    assert quiet["data"]["snoozed_rule"]["rule_id"] == drop  # type: ignore[index]
    assert shown == []  # nothing reached the tray
    app.snooze_rule(pid, drop, None, until_change=True)
    assert check(app, pid, "70") == []  # same price: no event, snoozed or not
    assert app.notify(**check(app, pid, "60")[0]).state is NotificationState.SENT  # the change ends it


def test_until_the_price_changes_ends_with_the_change_that_notifies(app: PriceWatch) -> None:
    pid, drop, _target = product_with_rules(app)
    check(app, pid, "80")
    app.snooze_rule(pid, drop, None, until_change=True)
    assert check(app, pid, "80") == []  # same price: still snoozed
    rule = next(r for r in app.alert_rules_for(pid) if r.id == drop)
    assert rule.snooze_until_change
    assert kinds(check(app, pid, "70")) == ["any_drop"]  # the change ends the snooze and is told
    assert not any(r.snooze_until_change for r in app.alert_rules_for(pid))


def test_a_product_snoozed_until_its_price_changes(app: PriceWatch) -> None:
    pid, _drop, _target = product_with_rules(app)
    check(app, pid, "80")
    product = app.snooze_product(pid, None, until_change=True)
    assert product.snooze_until_change and product.snoozed_until is None
    record = app.notify("Kettle", "back in stock", product_id=pid)
    assert record.state is NotificationState.SUPPRESSED
    assert record.error == "the product is snoozed until its price changes"
    check(app, pid, "79")
    assert not app.get_product(pid).snooze_until_change
    assert app.notify("Kettle", "cheaper", product_id=pid).state is not NotificationState.SUPPRESSED
    # a timed snooze replaces "until it changes", and the other way round
    app.snooze_product(pid, None, until_change=True)
    timed = app.snooze_product(pid, utcnow() + timedelta(days=7))
    assert not timed.snooze_until_change and timed.snoozed_until is not None


def test_a_rules_snooze_survives_saving_the_rules_again(app: PriceWatch) -> None:
    pid, drop, _target = product_with_rules(app)
    app.snooze_rule(pid, drop, None, until_change=True)
    app.set_alert_rules(pid, app.alert_rules_for(pid))
    assert [r.snooze_until_change for r in app.alert_rules_for(pid)] == [True, False]
    facts = app.product_facts()
    assert facts[pid].snoozed


def test_snoozes_name_what_they_act_on(app: PriceWatch) -> None:
    pid, _drop, _target = product_with_rules(app)
    with pytest.raises(NotFoundError):
        app.snooze_rule(pid, 9999, None, until_change=True)
    with pytest.raises(NotFoundError):
        app.snooze_product(9999, None, until_change=True)
    with pytest.raises(BadInputError, match="unknown snooze"):
        snooze_end("fortnight", utcnow())
    now = utcnow()
    assert snooze_end("week", now) == (now + timedelta(days=7), False)
    assert snooze_end("change", now) == (None, True)


def test_a_selection_is_snoozed_at_once(app: PriceWatch) -> None:
    pid, _drop, _target = product_with_rules(app)
    other = app.add_product("https://shop.example/lamp").id
    assert other is not None
    assert app.snooze_products([pid, other, 9999, pid], None, until_change=True) == 2
    assert app.get_product(pid).snooze_until_change and app.get_product(other).snooze_until_change
    assert app.snooze_products([pid, other], None) == 2
    assert not app.get_product(other).snooze_until_change
