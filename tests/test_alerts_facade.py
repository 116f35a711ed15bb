"""The facade's alerts and notifications: rules in storage, evaluate_alerts on real check outcomes, the tasks.

Real SQLite, real CheckOutcome from ObservationRepository.record_check, the engine's synchronous executor, and
the tray channel with a recording callable (the desktop channel is switched off here: the real desktop path is
tested against dunst in notify/test_desktop.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from pricewatch.app import PriceWatch
from pricewatch.errors import NotFoundError
from pricewatch.models import (
    AlertKind,
    AlertRule,
    AlertState,
    Availability,
    NotificationState,
    TaskState,
    utcnow,
)
from pricewatch.storage.alert_rules import AlertOptions
from pricewatch.storage.observations import CheckOutcome
from tests.support.app import open_pricewatch
from tests.support.pageserver import PageServer

pytestmark = pytest.mark.usefixtures("english_formatting")
IN, OUT = Availability.IN_STOCK, Availability.OUT_OF_STOCK


class Tray:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []
        self.fail_next = 0

    def __call__(self, title: str, message: str) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise OSError("tray not ready")
        self.seen.append((title, message))


@pytest.fixture
def tray() -> Tray:
    return Tray()


@pytest.fixture
def app(tray: Tray) -> Iterator[PriceWatch]:
    app = open_pricewatch(executor="sync")
    app.settings.notify.desktop = False
    app.settings.notify.default_rules = []  # these tests set each product's rules themselves
    app.settings.fetch.per_host_delay = 0.0
    app.settings.tasks.retry_base_delay = 0.01
    app.settings.tasks.retry_max_delay = 0.02
    app.set_tray_notifier(tray)
    yield app
    app.close()


def check(
    app: PriceWatch, product_id: int, price: str | None, availability: Availability = IN
) -> CheckOutcome:
    return app.observations.record_check(
        product_id,
        checked_at=utcnow(),
        price=None if price is None else Decimal(price),
        currency="EUR",
        availability=availability,
    )


def test_target_price_of_the_product_is_its_target_rule(app: PriceWatch) -> None:
    product = app.add_product("https://shop.example/kettle", target_price="80", title="Kettle")
    assert product.id is not None
    payloads = app.evaluate_alerts(check(app, product.id, "75"))  # first check, already below target
    assert payloads == [
        {
            "title": "Target price reached: Kettle",
            "message": "Now €75.00, at or below your target of €80.00.",
            "product_id": product.id,
            "data": {
                "kinds": ["target_price"],
                "price": "75",
                "currency": "EUR",
                "url": "https://shop.example/kettle",
                "events": [payloads[0]["data"]["events"][0]],
            },
        }
    ]
    (rule,) = app.alert_rules_for(product.id)
    assert rule.kind is AlertKind.TARGET_PRICE and rule.amount == Decimal("80")
    assert rule.state is AlertState.FIRED and rule.last_fired_at is not None
    assert app.evaluate_alerts(check(app, product.id, "75")) == []  # unchanged
    assert app.evaluate_alerts(check(app, product.id, "90")) == []  # back up: re-armed
    assert app.alert_rules_for(product.id)[0].state is AlertState.ARMED
    assert len(app.evaluate_alerts(check(app, product.id, "79"))) == 1  # down again: a new one


def test_changing_the_target_in_the_product_rearms_its_rule(app: PriceWatch) -> None:
    product = app.add_product("https://shop.example/a", target_price="80")
    assert product.id is not None
    app.evaluate_alerts(check(app, product.id, "75"))
    app.update_product(product.id, target_price="70")
    (rule,) = app.alert_rules_for(product.id)
    assert rule.amount == Decimal("70") and rule.state is AlertState.ARMED
    assert app.evaluate_alerts(check(app, product.id, "69")) != []
    app.update_product(product.id, target_price=None)
    assert app.alert_rules_for(product.id) == []


def test_set_alert_rules_validates_keeps_states_and_syncs_the_target(app: PriceWatch) -> None:
    product = app.add_product("https://shop.example/b")
    assert product.id is not None
    rules = [
        AlertRule(product.id, AlertKind.TARGET_PRICE, amount=Decimal("50")),
        AlertRule(product.id, AlertKind.BACK_IN_STOCK),
    ]
    app.set_alert_rules(product.id, rules, options=AlertOptions(min_change_amount=Decimal("1")))
    assert app.get_product(product.id).target_price == Decimal("50")
    assert app.alert_options(product.id) == AlertOptions(min_change_amount=Decimal("1"))
    app.evaluate_alerts(check(app, product.id, "40"))
    states = {r.kind: r.state for r in app.alert_rules_for(product.id)}
    # In stock on the first check is no news: back in stock stays armed; the target notified: fired (F17)
    assert states == {AlertKind.TARGET_PRICE: AlertState.FIRED, AlertKind.BACK_IN_STOCK: AlertState.ARMED}
    # Saving the same rules plus a new one: the old ones keep their state, nothing fires again.
    app.set_alert_rules(product.id, [*rules, AlertRule(product.id, AlertKind.ANY_DROP)])
    states = {r.kind: r.state for r in app.alert_rules_for(product.id)}
    assert (
        states[AlertKind.TARGET_PRICE] is AlertState.FIRED and states[AlertKind.ANY_DROP] is AlertState.ARMED
    )
    assert app.evaluate_alerts(check(app, product.id, "40")) == []
    with pytest.raises(ValueError, match="positive amount"):
        app.set_alert_rules(product.id, [AlertRule(product.id, AlertKind.DROP_AMOUNT)])
    with pytest.raises(ValueError, match="at most one target"):
        app.set_alert_rules(product.id, [rules[0], rules[0]])
    assert len(app.alert_rules_for(product.id)) == 3  # a refused save changed nothing
    app.set_alert_rules(product.id, [])
    assert app.alert_rules_for(product.id) == [] and app.get_product(product.id).target_price is None
    with pytest.raises(NotFoundError):
        app.alert_rules_for(12345)


def test_several_rules_of_one_check_fold_into_one_payload(app: PriceWatch) -> None:
    product = app.add_product("https://shop.example/c", title="Lamp")
    assert product.id is not None
    app.set_alert_rules(
        product.id,
        [
            AlertRule(product.id, AlertKind.TARGET_PRICE, amount=Decimal("30")),
            AlertRule(product.id, AlertKind.DROP_PERCENT, percent=Decimal("20")),
            AlertRule(product.id, AlertKind.BACK_IN_STOCK),
        ],
    )
    check(app, product.id, "50")
    check(app, product.id, None, OUT)
    (payload,) = app.evaluate_alerts(check(app, product.id, "29", IN))
    assert payload["title"] == "Target price reached: Lamp"
    assert payload["data"]["kinds"] == ["target_price", "drop_percent", "back_in_stock"]


def test_drop_from_window_high_uses_the_history(app: PriceWatch) -> None:
    product = app.add_product("https://shop.example/d")
    assert product.id is not None
    app.set_alert_rules(product.id, [AlertRule(product.id, AlertKind.DROP_PERCENT, percent=Decimal("25"),
                                               window_days=30)])  # fmt: skip
    for price in ("100", "90", "80"):
        assert app.evaluate_alerts(check(app, product.id, price)) == []
    (payload,) = app.evaluate_alerts(check(app, product.id, "74"))
    assert "from the 30-day high of €100.00" in payload["message"]


def test_notify_list_and_test_notification(app: PriceWatch, tray: Tray) -> None:
    product = app.add_product("https://shop.example/e")
    record = app.notify("Hello", "World", product_id=product.id, data={"k": "v"})
    assert record.state is NotificationState.SENT and record.channels == ["tray"]
    test = app.send_test_notification()
    assert test.state is NotificationState.SENT and test.data["test"] is True
    assert test.data["delivery"][0]["channel"] == "tray"
    assert [n.id for n in app.list_notifications()] == [test.id, record.id]
    assert [n.id for n in app.list_notifications(product_id=product.id)] == [record.id]
    assert [n.id for n in app.list_notifications(limit=1)] == [test.id]
    assert tray.seen == [
        ("Hello", "World"),
        ("PriceWatch test", "Notifications from PriceWatch arrive here."),
    ]
    batch = app.notify_batch([{"title": f"T{i}", "message": "m"} for i in range(5)])
    assert len(batch) == 5 and all(r.state is NotificationState.SENT for r in batch)
    assert tray.seen[-1][0] == "PriceWatch: 5 notifications"
    app.set_tray_notifier(None)
    assert app.notify("No", "way").state is NotificationState.FAILED


def test_quiet_hours_flush_through_the_facade(app: PriceWatch, tray: Tray) -> None:
    local = datetime.now().astimezone()  # quiet hours are local time: a window around now
    app.settings.notify.quiet_hours_start = (local - timedelta(hours=1)).strftime("%H:%M")
    app.settings.notify.quiet_hours_end = (local + timedelta(hours=1)).strftime("%H:%M")
    held = app.notify("Held", "quiet")
    assert held.state is NotificationState.HELD and app.flush_held_notifications() is None
    app.settings.notify.quiet_hours_start = app.settings.notify.quiet_hours_end = ""
    digest = app.flush_held_notifications()
    assert digest is not None and digest.state is NotificationState.SENT and tray.seen == [("Held", "quiet")]


def test_send_task_retries_a_failed_delivery_on_the_same_record(app: PriceWatch, tray: Tray) -> None:
    tray.fail_next = 2
    task_id = app.submit_task("notifications.send", kwargs={"title": "T", "message": "M"})
    record = app.wait_for_task(task_id, timeout=30)
    assert record.state is TaskState.SUCCESS and record.retries == 2
    (notification,) = app.list_notifications()
    assert notification.state is NotificationState.SENT and notification.attempts == 3
    assert record.result["notification_id"] == notification.id and tray.seen == [("T", "M")]


def test_send_task_gives_up_failed_after_the_retries(app: PriceWatch, tray: Tray) -> None:
    app.settings.tasks.max_retries = 1
    tray.fail_next = 5
    record = app.wait_for_task(
        app.submit_task("notifications.send", kwargs={"title": "T", "message": "M"}), 30
    )
    assert record.state is TaskState.FAILURE and "tray not ready" in (record.error or "")
    (notification,) = app.list_notifications()
    assert notification.state is NotificationState.FAILED and notification.attempts == 2
    assert "tray message failed: OSError: tray not ready" in (notification.error or "")


def test_send_batch_task(app: PriceWatch, tray: Tray) -> None:
    items = [{"title": f"T{i}", "message": "m"} for i in range(4)]
    record = app.wait_for_task(app.submit_task("notifications.send_batch", kwargs={"items": items}), 30)
    assert record.state is TaskState.SUCCESS and record.result["count"] == 4
    assert [t for t, _ in tray.seen] == ["PriceWatch: 4 notifications"]


def test_a_real_check_notifies_through_the_task_chain(
    app: PriceWatch, tray: Tray, page_server: PageServer
) -> None:
    page = (
        '<html><head><script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "Product", "name": "Kettle", "offers": {"@type": "Offer", "price": "%s",'
        ' "priceCurrency": "EUR", "availability": "https://schema.org/InStock"}}</script></head>'
        "<body><h1>Kettle</h1></body></html>"
    )
    url = page_server.add("/kettle", page % "99.00")
    product = app.add_product(url, target_price="80")
    assert product.id is not None
    for price, expected in (("99.00", 0), ("79.00", 1), ("79.00", 1), ("85.00", 1), ("78.50", 2)):
        page_server.add("/kettle", page % price)
        record = app.wait_for_task(app.check_product(product.id), timeout=30)
        assert record.state is TaskState.SUCCESS, record
        assert len(tray.seen) == expected, (price, tray.seen)
    assert tray.seen == [
        (
            "Target price reached: Kettle",
            "Now €79.00, at or below your target of €80.00. Was €99.00.",
        ),
        (
            "Target price reached: Kettle",
            "Now €78.50, at or below your target of €80.00. Was €85.00.",
        ),
    ]
    sends = app.list_tasks(name="notifications.send")
    assert len(sends) == 2 and all(t.state is TaskState.SUCCESS for t in sends)


def test_first_real_check_already_below_target_notifies_once(
    app: PriceWatch, tray: Tray, page_server: PageServer
) -> None:
    page = (
        '<html><head><script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "Product", "name": "Toaster", "offers": {"@type": "Offer", "price": "70.00",'
        ' "priceCurrency": "EUR"}}</script></head><body><h1>Toaster</h1></body></html>'
    )
    product = app.add_product(page_server.add("/toaster", page), target_price="80")
    assert product.id is not None
    for _ in range(3):
        assert app.wait_for_task(app.check_product(product.id), timeout=30).state is TaskState.SUCCESS
    assert tray.seen == [("Target price reached: Toaster", "Now €70.00, at or below your target of €80.00.")]


def test_back_in_stock_skips_checks_that_could_not_tell_the_stock(app: PriceWatch) -> None:
    """F17: in stock, unknown, in stock is no return; sold out, unknown, in stock is."""
    product = app.add_product("https://shop.example/stock")
    assert product.id is not None
    app.set_alert_rules(product.id, [AlertRule(product.id, AlertKind.BACK_IN_STOCK)])
    for availability in (IN, Availability.UNKNOWN, IN, OUT, Availability.UNKNOWN):
        assert app.evaluate_alerts(check(app, product.id, "10", availability)) == []
    (rule,) = app.alert_rules_for(product.id)
    assert rule.state is AlertState.ARMED
    (payload,) = app.evaluate_alerts(check(app, product.id, "10", IN))
    assert payload["data"]["kinds"] == ["back_in_stock"]


def test_a_new_product_gets_the_default_rules_from_any_front_end(app: PriceWatch) -> None:
    app.settings.notify.default_rules = ["back_in_stock", "any_drop"]
    product = app.add_product("https://shop.example/defaults", target_price="50")
    assert product.id is not None
    kinds = sorted(str(r.kind) for r in app.alert_rules_for(product.id))
    assert kinds == ["any_drop", "back_in_stock", "target_price"]
    bare = app.add_product("https://shop.example/bare", default_rules=False)
    assert bare.id is not None and app.alert_rules_for(bare.id) == []
