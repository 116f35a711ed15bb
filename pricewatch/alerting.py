"""A product's alert rules in storage: kept in step with its target price, and run after each check.

:mod:`pricewatch.alerts` is the pure rule logic; this module feeds it from SQLite and stores what it decides.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pricewatch.alerts import evaluate, fold, stock_before_check, validate_rule
from pricewatch.deals import new_low
from pricewatch.models import AlertKind, AlertRule, AlertState, Product, utcnow
from pricewatch.snoozes import Snoozes, rule_snoozed
from pricewatch.storage import (
    AlertRuleRepository,
    CheckOutcome,
    Database,
    ObservationRepository,
    ProductRepository,
)
from pricewatch.storage.alert_rules import AlertOptions


def _rule_key(rule: AlertRule) -> tuple[Any, ...]:
    return (rule.kind, rule.amount, rule.percent, rule.window_days)


class AlertBook:
    """Rules per product, with ``product.target_price`` and the target_price rule kept the same thing."""

    def __init__(
        self,
        db: Database,
        products: ProductRepository,
        observations: ObservationRepository,
        rules: AlertRuleRepository,
    ) -> None:
        self._db = db
        self._products = products
        self._observations = observations
        self._rules = rules

    def rules_for(self, product: Product) -> list[AlertRule]:
        """Rules with the target_price rule matching ``product.target_price`` (the GUI and CLI edit that)."""
        assert product.id is not None
        rules = self._rules.for_product(product.id)
        targets = [r for r in rules if r.kind is AlertKind.TARGET_PRICE]
        wanted = product.target_price
        if len(targets) == 1 and targets[0].amount == wanted:
            return rules
        if not targets and wanted is None:
            return rules
        with self._db.transaction():
            for rule in targets:
                assert rule.id is not None
                self._rules.delete(rule.id)
            if wanted is not None:  # a new target is a new condition: armed
                self._rules.add(AlertRule(product.id, AlertKind.TARGET_PRICE, amount=wanted))
        return self._rules.for_product(product.id)

    def set_rules(
        self, product: Product, rules: list[AlertRule], options: AlertOptions | None = None
    ) -> list[AlertRule]:
        """Replace the rules; a rule equal to one already there keeps its state (saving re-fires nothing)."""
        assert product.id is not None
        product_id = product.id
        targets = [r for r in rules if r.kind is AlertKind.TARGET_PRICE]
        if len(targets) > 1:
            raise ValueError("a product has at most one target price")
        for rule in rules:
            validate_rule(rule)
        old = {_rule_key(r): r for r in self._rules.for_product(product_id)}
        fresh: list[AlertRule] = []
        for rule in rules:
            kept = old.get(_rule_key(rule))
            state, fired = (kept.state, kept.last_fired_at) if kept else (AlertState.ARMED, None)
            fresh.append(
                AlertRule(
                    product_id, rule.kind, amount=rule.amount, percent=rule.percent,
                    window_days=rule.window_days, enabled=rule.enabled, state=state, last_fired_at=fired,
                    snoozed_until=kept.snoozed_until if kept else rule.snoozed_until,
                    snooze_until_change=kept.snooze_until_change if kept else rule.snooze_until_change,
                )
            )  # fmt: skip
        with self._db.transaction():
            self._rules.replace_for_product(product_id, fresh)
            target = targets[0].amount if targets else None
            if target != product.target_price:
                self._products.set_fields(product_id, target_price=target)
            if options is not None:
                self._rules.set_options(product_id, options)
        return self._rules.for_product(product_id)

    def evaluate(self, outcome: CheckOutcome) -> list[dict[str, Any]]:
        """Run the rules over a check's outcome, store their states, return what to notify.

        Returns at most one payload (the events of one check fold into one notification), each the keyword
        arguments of the ``notifications.send`` task: title, message, product_id, data.
        """
        # "Until the price changes" ends before the rules run: the change itself notifies.
        Snoozes(self._db, self._products, self._rules).end_on_price_change(outcome)
        product = self._products.get(outcome.product_id)
        if product is None:  # removed while its check ran
            return []
        rules = self.rules_for(product)
        if not rules:
            return []
        product_id, now = outcome.product_id, utcnow()
        events, changes = evaluate(
            rules,
            outcome,
            product=product,
            now=now,
            window_high=lambda days: self._observations.highest_since(product_id, now - timedelta(days=days)),
            options=self._rules.options(product_id),
            stock_before=lambda: stock_before_check(self._observations.history(product_id), outcome),
            window_low=lambda days: new_low(self._observations.history(product_id), now, days),
        )
        with self._db.transaction():
            for change in changes:
                if change.rule_id is None:
                    continue
                values: dict[str, Any] = {"state": change.state}
                if change.fired_at is not None:
                    values["last_fired_at"] = change.fired_at
                self._rules.update(change.rule_id, **values)
        snoozed = {r.id for r in rules if rule_snoozed(r, now)}
        events = [e for e in events if e.rule_id not in snoozed]
        if not events:
            return []
        title, message = fold(events)
        data = {
            "kinds": [e.kind.value for e in events],
            "price": None if outcome.price is None else str(outcome.price),
            "currency": outcome.currency,
            "url": product.url,
            "events": [e.to_data() for e in events],
        }
        return [{"title": title, "message": message, "product_id": product_id, "data": data}]
