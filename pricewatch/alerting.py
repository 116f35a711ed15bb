"""A product's alert rules in storage: kept in step with its target price, and run after each check.

:mod:`pricewatch.alerts` is the pure rule logic; this module feeds it from SQLite and stores what it decides.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pricewatch.alerts import (
    PRIORITY,
    AlertEvent,
    CheapestOffer,
    RuleChange,
    evaluate,
    evaluate_cheapest,
    fold,
    stock_before_check,
    validate_rule,
)
from pricewatch.deals import new_low
from pricewatch.models import AlertKind, AlertRule, AlertState, Product, utcnow
from pricewatch.snoozes import Snoozes, rule_snoozed, snoozed_until
from pricewatch.storage import (
    AlertRuleRepository,
    CheckOutcome,
    Database,
    ObservationRepository,
    ProductRepository,
)
from pricewatch.storage.alert_rules import AlertOptions
from pricewatch.storage.listings import ListingGroups
from pricewatch.storage.product_groups import build_groups
from pricewatch.storage.rates import RateRepository


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
        home_currency: Callable[[], str] = lambda: "EUR",
    ) -> None:
        self._db = db
        self._products = products
        self._observations = observations
        self._rules = rules
        self._groups = ListingGroups(db)
        self._rates = RateRepository(db)
        self._home_currency = home_currency

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

        Returns one payload per product with news (the events of one check fold into one notification), each
        the keyword arguments of the ``notifications.send`` task: title, message, product_id, data. The
        checked listing's own rules, and the "cheapest of all shops" rules of every listing of its product
        (a check in one shop can make another listing's rule fire), are run. What a snoozed rule would have
        said comes apart, marked ``data["snoozed_rule"]``: the notifier logs it as suppressed, never sends it.
        """
        # "Until the price changes" ends before the rules run: the change itself notifies.
        Snoozes(self._db, self._products, self._rules).end_on_price_change(outcome)
        product = self._products.get(outcome.product_id)
        if product is None:  # removed while its check ran
            return []
        product_id, now = outcome.product_id, utcnow()
        news: dict[int, tuple[Product, list[AlertEvent]]] = {}
        hushed: list[tuple[Product, list[AlertEvent], AlertRule]] = []  # what snoozed rules would have said
        rules = self.rules_for(product)
        if rules:
            events, changes = evaluate(
                rules,
                outcome,
                product=product,
                now=now,
                window_high=lambda days: self._observations.highest_since(
                    product_id, now - timedelta(days=days)
                ),
                options=self._rules.options(product_id),
                stock_before=lambda: stock_before_check(self._observations.history(product_id), outcome),
                window_low=lambda days: new_low(self._observations.history(product_id), now, days),
            )
            self._store(changes)
            # A snoozed rule's state moves on (it does not fire the moment the snooze ends) but says nothing.
            events, quiet = _split_snoozed(events, rules, now)
            if events:
                news[product_id] = (product, events)
            hushed.extend((product, [event], rule) for event, rule in quiet)
        for owner, events, quiet in self._cheapest_news(product_id, now):
            assert owner.id is not None
            if events:
                news.setdefault(owner.id, (owner, []))[1].extend(events)
            hushed.extend((owner, [event], rule) for event, rule in quiet)
        payloads = [self._payload(owner, events, outcome) for owner, events in news.values()]
        payloads += [self._payload(owner, events, outcome, snoozed=rule) for owner, events, rule in hushed]
        return payloads

    @staticmethod
    def _payload(
        owner: Product, events: list[AlertEvent], outcome: CheckOutcome, snoozed: AlertRule | None = None
    ) -> dict[str, Any]:
        """The ``notifications.send`` keyword arguments for one product's events of this check."""
        events.sort(key=lambda e: PRIORITY.index(e.kind))
        title, message = fold(events)
        own = owner.id == outcome.product_id
        data: dict[str, Any] = {
            "kinds": [e.kind.value for e in events],
            "price": str(outcome.price) if own and outcome.price is not None else None,
            "currency": outcome.currency if own else events[0].currency,
            "url": owner.url,
            "events": [e.to_data() for e in events],
        }
        if snoozed is not None:
            until = snoozed_until(snoozed.snoozed_until, snoozed.snooze_until_change)
            data["snoozed_rule"] = {
                "rule_id": snoozed.id,
                "until": None if until is None else until.isoformat(),
            }
        return {"title": title, "message": message, "product_id": owner.id, "data": data}

    def _cheapest_news(
        self, product_id: int, now: datetime
    ) -> list[tuple[Product, list[AlertEvent], list[tuple[AlertEvent, AlertRule]]]]:
        """Run the "cheapest of all shops" rules of every listing of ``product_id``'s product."""
        members = self._groups.members(product_id)
        ruled = {
            m: [r for r in self._rules.for_product(m) if r.kind is AlertKind.CHEAPEST_BELOW] for m in members
        }
        ruled = {m: rules for m, rules in ruled.items() if rules}
        if not ruled:
            return []
        products = [p for p in (self._products.get(m) for m in members) if p is not None]
        home = self._home_currency()
        (group,) = build_groups(
            products, dict.fromkeys(members, members[0]), self._rates.table(), home, False
        )
        best = group.cheapest
        offer = None
        found = None if best is None else best.product
        if best is not None and best.home_price is not None and found is not None and found.price is not None:
            offer = CheapestOffer(best.id, found.shop, best.home_price, home, found.price, found.currency)
        news = []
        for owner in products:
            assert owner.id is not None
            if owner.id not in ruled:
                continue
            events, changes = evaluate_cheapest(
                ruled[owner.id], offer, product=owner, now=now, options=self._rules.options(owner.id)
            )
            self._store(changes)
            events, quiet = _split_snoozed(events, ruled[owner.id], now)
            if events or quiet:
                news.append((owner, events, quiet))
        return news

    def _store(self, changes: list[RuleChange]) -> None:
        with self._db.transaction():
            for change in changes:
                if change.rule_id is None:
                    continue
                values: dict[str, Any] = {"state": change.state}
                if change.fired_at is not None:
                    values["last_fired_at"] = change.fired_at
                self._rules.update(change.rule_id, **values)


def _split_snoozed(
    events: list[AlertEvent], rules: list[AlertRule], now: datetime
) -> tuple[list[AlertEvent], list[tuple[AlertEvent, AlertRule]]]:
    """The events to tell, and those of snoozed rules with their rule (logged as suppressed)."""
    snoozed = {r.id: r for r in rules if rule_snoozed(r, now)}
    told = [e for e in events if e.rule_id not in snoozed]
    quiet = [(e, snoozed[e.rule_id]) for e in events if e.rule_id in snoozed]
    return told, quiet
