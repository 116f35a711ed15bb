"""Snoozes: a product's or one alert rule's notifications held back for a while, or until the product's
price changes again.

A snoozed product's notifications are logged as suppressed (see the notifier); a snoozed rule's events are
left out of the check's notification, while its state still moves on as usual, so it does not fire the moment
the snooze ends about something the user already knew. "Until the price changes" ends at the first check that
reads another price than the one before it, before that check's rules run, so that change itself notifies.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pricewatch.errors import BadInputError, NotFoundError
from pricewatch.models import UNTIL_PRICE_CHANGES, AlertRule
from pricewatch.storage import AlertRuleRepository, CheckOutcome, Database, ProductRepository

LENGTHS = {"day": timedelta(days=1), "week": timedelta(days=7)}
UNTIL_CHANGE = "change"
SNOOZE_CHOICES = (*LENGTHS, UNTIL_CHANGE, "off")


def snooze_end(choice: str, now: datetime) -> tuple[datetime | None, bool]:
    """``day``, ``week``, ``change`` or ``off`` as (until, until_change); BadInputError for another word."""
    if choice in LENGTHS:
        return now + LENGTHS[choice], False
    if choice == UNTIL_CHANGE:
        return None, True
    if choice == "off":
        return None, False
    raise BadInputError(f"unknown snooze {choice!r} (use {', '.join(SNOOZE_CHOICES)})")


def check_until(until: datetime | None) -> None:
    if until is not None and until.tzinfo is None:
        raise ValueError("the snooze end must be an aware time (UTC)")


def snoozed_until(until: datetime | None, until_change: bool) -> datetime | None:
    """A product's or rule's snooze as one time: UNTIL_PRICE_CHANGES for "until the price changes"."""
    return UNTIL_PRICE_CHANGES if until_change else until


def rule_snoozed(rule: AlertRule, now: datetime) -> bool:
    return rule.snooze_until_change or (rule.snoozed_until is not None and rule.snoozed_until > now)


def price_changed(outcome: CheckOutcome) -> bool:
    """The check read a price, and another one than the check before it read."""
    return (
        not outcome.first_check
        and outcome.price is not None
        and outcome.previous_price is not None
        and outcome.price != outcome.previous_price
    )


class Snoozes:
    def __init__(self, db: Database, products: ProductRepository, rules: AlertRuleRepository) -> None:
        self._db = db
        self._products = products
        self._rules = rules

    def snooze_product(self, product_id: int, until: datetime | None, until_change: bool = False) -> None:
        """Set or end (``until`` None, not ``until_change``) a product's snooze; one replaces the other."""
        check_until(until)
        with self._db.transaction():
            if self._products.get(product_id) is None:
                raise NotFoundError(f"no product with id {product_id}")
            self._products.set_fields(
                product_id, snoozed_until=None if until_change else until, snooze_until_change=until_change
            )

    def snooze_products(
        self, product_ids: list[int], until: datetime | None, until_change: bool = False
    ) -> int:
        """:meth:`snooze_product` for many in one transaction; ids removed meanwhile are skipped. Returns how
        many products there were."""
        check_until(until)
        done = 0
        with self._db.transaction():
            for product_id in dict.fromkeys(product_ids):
                if self._products.get(product_id) is None:
                    continue
                self._products.set_fields(
                    product_id,
                    snoozed_until=None if until_change else until,
                    snooze_until_change=until_change,
                )
                done += 1
        return done

    def snooze_rule(
        self, product_id: int, rule_id: int, until: datetime | None, until_change: bool = False
    ) -> AlertRule:
        check_until(until)
        with self._db.transaction():
            rules = {r.id: r for r in self._rules.for_product(product_id)}
            if rule_id not in rules:
                raise NotFoundError(f"product {product_id} has no alert rule with id {rule_id}")
            self._rules.update(
                rule_id, snoozed_until=None if until_change else until, snooze_until_change=until_change
            )
        return next(r for r in self._rules.for_product(product_id) if r.id == rule_id)

    def end_on_price_change(self, outcome: CheckOutcome) -> bool:
        """End the product's and its rules' "until the price changes" snoozes if this check changed the
        price; returns whether any ended."""
        if not price_changed(outcome):
            return False
        with self._db.transaction() as conn:
            ended = conn.execute(
                "UPDATE products SET snooze_until_change = 0 WHERE id = ? AND snooze_until_change",
                (outcome.product_id,),
            ).rowcount
            ended += conn.execute(
                "UPDATE alert_rules SET snooze_until_change = 0 WHERE product_id = ? AND snooze_until_change",
                (outcome.product_id,),
            ).rowcount
        return ended > 0
