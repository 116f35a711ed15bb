"""Alert rules: pure evaluation of one product's rules against the outcome of one check.

Every rule is a small state machine: ARMED -> FIRED (one notification) -> ARMED again once its condition
clears (price back above the target, stock lost), so the next crossing notifies again and an unchanged price
never does.

Two families of rule:

- Level rules hold while a state lasts: price at or below a target, a drop from the highest price of the last
  N days, the lowest price of the last N days (30 unless set), in stock, out of stock. They fire on the
  first check that finds the state (the first check of a new product included) and re-arm when it ends.
  "Back in stock" is the exception: being in stock is news only after a check that found the product
  unavailable, so a first check (or a new rule) that finds it in stock leaves the rule armed, notifying
  nothing; FIRED always means "notified".
- Change rules (drop %/amount since the last check, any drop, increase) describe what one check changed: each
  qualifying change is a new crossing; a check without one re-arms the rule.

The per-product minimum change is the noise filter: a change rule ignores changes smaller than it, and a level
rule re-arms only when its condition has cleared by at least that much (hysteresis), so a price wobbling one
cent around a target notifies once. Nothing here touches storage, Qt or the clock: the caller applies the
returned :class:`RuleChange` list.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pricewatch import formatting
from pricewatch.models import AlertKind, AlertRule, AlertState, Availability, PriceObservation, Product
from pricewatch.notify.sanitize import NAME_MAX, clean_title
from pricewatch.storage.alert_rules import AlertOptions
from pricewatch.storage.observations import CheckOutcome
from pricewatch.text import clean_text
from pricewatch.translation import QT_TRANSLATE_NOOP, in_sentence, translate

WindowHigh = Callable[[int], Decimal | None]  # days -> highest price in effect during the last ``days`` days
# days -> (whether the price is at or below every other price of the last ``days`` days, their low); None for
# the first when it cannot tell (watched fewer days, no other price): see deals.new_low
WindowLow = Callable[[int], tuple[bool | None, Decimal | None]]
LOWEST_DEFAULT_DAYS = 30
StockBefore = Callable[[], Availability]  # -> the last availability known before this check (Unknown skipped)

# When several rules fire on one check, the folded notification leads with the most useful one.
PRIORITY = (
    AlertKind.TARGET_PRICE,
    AlertKind.CHEAPEST_BELOW,
    AlertKind.DROP_PERCENT,
    AlertKind.DROP_AMOUNT,
    AlertKind.ANY_DROP,
    AlertKind.LOWEST_IN_DAYS,
    AlertKind.BACK_IN_STOCK,
    AlertKind.OUT_OF_STOCK,
    AlertKind.PRICE_INCREASE,
)
# Notification texts are in the window's language when the window runs the check (pricewatch.translation).
_HEADLINES = {
    AlertKind.TARGET_PRICE: QT_TRANSLATE_NOOP("Alerts", "Target price reached"),
    AlertKind.DROP_PERCENT: QT_TRANSLATE_NOOP("Alerts", "Price drop"),
    AlertKind.DROP_AMOUNT: QT_TRANSLATE_NOOP("Alerts", "Price drop"),
    AlertKind.ANY_DROP: QT_TRANSLATE_NOOP("Alerts", "Price drop"),
    AlertKind.PRICE_INCREASE: QT_TRANSLATE_NOOP("Alerts", "Price up"),
    AlertKind.LOWEST_IN_DAYS: QT_TRANSLATE_NOOP("Alerts", "Lowest price in weeks"),
    AlertKind.BACK_IN_STOCK: QT_TRANSLATE_NOOP("Alerts", "Back in stock"),
    AlertKind.OUT_OF_STOCK: QT_TRANSLATE_NOOP("Alerts", "Out of stock"),
    AlertKind.CHEAPEST_BELOW: QT_TRANSLATE_NOOP("Alerts", "Cheapest shop below your price"),
}


def headline(kind: AlertKind) -> str:
    """ "Price drop", "Back in stock", ... in the window's language."""
    return translate("Alerts", _HEADLINES[kind])


class _Verdict(enum.Enum):
    FIRE = "fire"  # the condition holds (a level) or happened (a change)
    CLEAR = "clear"  # the condition has clearly ended: re-arm
    HOLD = "hold"  # no news and nothing cleared (no price, unknown stock, inside the hysteresis band)
    REMEMBER = "remember"  # no stock history given: keep "was in stock" across an Unknown check as FIRED


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """A rule that fired: what to tell the user."""

    product_id: int
    kind: AlertKind
    rule_id: int | None
    title: str
    message: str
    price: Decimal | None
    reference_price: Decimal | None  # the target, the previous price or the window high, when there is one
    currency: str | None

    def to_data(self) -> dict[str, Any]:
        """JSON-able details for the notification record."""
        return {
            "product_id": self.product_id,
            "kind": self.kind.value,
            "rule_id": self.rule_id,
            "price": None if self.price is None else str(self.price),
            "reference_price": None if self.reference_price is None else str(self.reference_price),
            "currency": self.currency,
        }


@dataclass(frozen=True, slots=True)
class RuleChange:
    """A new state for a rule; ``fired_at`` is set when the change is a firing (for ``last_fired_at``)."""

    rule_id: int | None
    state: AlertState
    fired_at: datetime | None = None


def validate_rule(rule: AlertRule) -> None:
    """Raise ValueError with a clear message for a rule that could never fire."""
    needs_amount = rule.kind in (AlertKind.TARGET_PRICE, AlertKind.DROP_AMOUNT, AlertKind.CHEAPEST_BELOW)
    if needs_amount and (rule.amount is None or rule.amount <= 0):
        raise ValueError(f"a {rule.kind.value} rule needs a positive amount")
    if rule.kind is AlertKind.DROP_PERCENT and (rule.percent is None or not 0 < rule.percent < 100):
        raise ValueError("a drop_percent rule needs a percentage between 0 and 100")
    if rule.window_days is not None and rule.window_days < 1:
        raise ValueError("the window must be at least one day")
    windowed = (AlertKind.DROP_PERCENT, AlertKind.DROP_AMOUNT, AlertKind.LOWEST_IN_DAYS)
    if rule.window_days is not None and rule.kind not in windowed:
        raise ValueError("only drop_percent, drop_amount and lowest_in_days rules take a window")


def format_money(amount: Decimal | None, currency: str | None) -> str:
    """A price as the user's locale writes it ("₺1,299.00"), the same as the window shows it."""
    return formatting.money(amount, currency, unknown=translate("Alerts", "unknown"))


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return part * 100 / whole if whole else Decimal(0)


def product_name(product: Product) -> str:
    """The product's title (or shop, or id) cleaned for showing in a notification."""
    fallback = translate("Alerts", "product #{id}").format(id=product.id)
    return clean_text(product.title or product.shop or fallback, NAME_MAX) or translate("Alerts", "product")


@dataclass(frozen=True, slots=True)
class _Check:
    outcome: CheckOutcome
    options: AlertOptions
    window_high: WindowHigh | None
    stock_before: StockBefore | None = None
    window_low: WindowLow | None = None

    @property
    def price(self) -> Decimal | None:
        return self.outcome.price

    def big_enough(self, change: Decimal, reference: Decimal) -> bool:
        """A change that meets every minimum the user set (none set: any non-zero change)."""
        if change <= 0:
            return False
        amount, percent = self.options.min_change_amount, self.options.min_change_percent
        if amount is not None and change < amount:
            return False
        return percent is None or _percent(change, reference) >= percent

    def margin(self, price: Decimal) -> Decimal:
        return _margin(self.options, price)


def _margin(options: AlertOptions, price: Decimal) -> Decimal:
    """How far a level condition must clear before its rule re-arms."""
    amount = options.min_change_amount or Decimal(0)
    percent = options.min_change_percent
    relative = price * percent / 100 if percent is not None else Decimal(0)
    return max(amount, relative)


def _change_verdict(rule: AlertRule, check: _Check) -> tuple[_Verdict, Decimal | None]:
    """Drop/increase since the last check: each qualifying change is an event."""
    price, previous = check.price, check.outcome.previous_price
    if price is None or previous is None or not check.outcome.changed:
        return (_Verdict.HOLD if price is None else _Verdict.CLEAR), previous
    change = price - previous if rule.kind is AlertKind.PRICE_INCREASE else previous - price
    if not check.big_enough(change, previous):
        return _Verdict.CLEAR, previous
    if rule.kind is AlertKind.DROP_AMOUNT and change < (rule.amount or 0):
        return _Verdict.CLEAR, previous
    if rule.kind is AlertKind.DROP_PERCENT and _percent(change, previous) < (rule.percent or 0):
        return _Verdict.CLEAR, previous
    return _Verdict.FIRE, previous


def _window_verdict(rule: AlertRule, check: _Check) -> tuple[_Verdict, Decimal | None]:
    """A drop from the highest price of the last N days: a level, with hysteresis."""
    price = check.price
    high = check.window_high(rule.window_days or 0) if check.window_high else None
    if price is None or high is None:
        return _Verdict.HOLD, high

    def holds(at: Decimal) -> bool:
        drop = high - at
        if rule.kind is AlertKind.DROP_AMOUNT:
            return drop >= (rule.amount or 0) and drop > 0
        return drop > 0 and _percent(drop, high) >= (rule.percent or 0)

    if holds(price) and check.big_enough(high - price, high):
        return _Verdict.FIRE, high
    return (_Verdict.HOLD if holds(price - check.margin(price)) else _Verdict.CLEAR), high


def _lowest_verdict(rule: AlertRule, check: _Check) -> tuple[_Verdict, Decimal | None]:
    """The lowest price of the last N days: a level; it re-arms once the price is above that low again."""
    if check.window_low is None or check.price is None:
        return _Verdict.HOLD, None
    holds, low = check.window_low(rule.window_days or LOWEST_DEFAULT_DAYS)
    if holds is None:
        return _Verdict.HOLD, low
    if holds and check.outcome.availability is not Availability.OUT_OF_STOCK:
        return _Verdict.FIRE, low
    return _Verdict.CLEAR, low


def _target_verdict(rule: AlertRule, check: _Check) -> tuple[_Verdict, Decimal | None]:
    target, price = rule.amount, check.price
    if target is None or price is None:
        return _Verdict.HOLD, target
    if check.outcome.availability is Availability.OUT_OF_STOCK:
        return _Verdict.CLEAR, target  # a price nobody can pay is not news; stock lost re-arms the rule
    if price <= target:
        return _Verdict.FIRE, target
    return (_Verdict.CLEAR if price - check.margin(price) > target else _Verdict.HOLD), target


def _stock_verdict(rule: AlertRule, check: _Check) -> _Verdict:
    availability = check.outcome.availability
    if availability is Availability.UNKNOWN:  # a page that stops saying is no change of stock
        was_in_stock = check.outcome.previous_availability.buyable
        if rule.kind is AlertKind.BACK_IN_STOCK and check.stock_before is None and was_in_stock:
            return _Verdict.REMEMBER  # only the rule's state can tell the next check it was in stock
        return _Verdict.HOLD
    if rule.kind is AlertKind.OUT_OF_STOCK:
        return _Verdict.CLEAR if availability.buyable else _Verdict.FIRE
    if not availability.buyable:
        return _Verdict.CLEAR
    # In stock: news only after a check that found it unavailable. Not on the first check, not for a rule
    # created while the product was in stock: the rule stays armed for the next return, never marked fired
    # without a notification. A check in between that could not tell ("Unknown") is skipped
    # when the caller knows the history (stock_before); without it, the rule's state remembers (REMEMBER).
    if check.outcome.first_check:
        return _Verdict.HOLD
    before = check.stock_before() if check.stock_before else check.outcome.previous_availability
    if before.buyable or (before is Availability.UNKNOWN and check.stock_before is not None):
        return _Verdict.HOLD
    return _Verdict.FIRE


def _verdict(rule: AlertRule, check: _Check) -> tuple[_Verdict, Decimal | None]:
    kind = rule.kind
    if kind is AlertKind.TARGET_PRICE:
        return _target_verdict(rule, check)
    if kind in (AlertKind.DROP_PERCENT, AlertKind.DROP_AMOUNT) and rule.window_days:
        return _window_verdict(rule, check)
    if kind in (AlertKind.BACK_IN_STOCK, AlertKind.OUT_OF_STOCK):
        return _stock_verdict(rule, check), None
    if kind is AlertKind.LOWEST_IN_DAYS:
        return _lowest_verdict(rule, check)
    return _change_verdict(rule, check)


def _is_change_rule(rule: AlertRule) -> bool:
    if rule.kind in (AlertKind.ANY_DROP, AlertKind.PRICE_INCREASE):
        return True
    return rule.kind in (AlertKind.DROP_PERCENT, AlertKind.DROP_AMOUNT) and not rule.window_days


def _message(rule: AlertRule, outcome: CheckOutcome, reference: Decimal | None) -> str:
    cur = outcome.currency
    now = format_money(outcome.price, cur)
    kind = rule.kind
    if kind is AlertKind.TARGET_PRICE:
        text = translate("Alerts", "Now {now}, at or below your target of {target}.").format(
            now=now, target=format_money(reference, cur)
        )
        if outcome.previous_price is not None and outcome.previous_price != outcome.price:
            text += " " + translate("Alerts", "Was {was}.").format(
                was=format_money(outcome.previous_price, cur)
            )
        return text
    if kind in (AlertKind.BACK_IN_STOCK, AlertKind.OUT_OF_STOCK):
        if kind is AlertKind.OUT_OF_STOCK:
            last = outcome.price if outcome.price is not None else outcome.previous_price
            if last is None:
                return translate("Alerts", "Out of stock.")
            return translate("Alerts", "Out of stock (last price {price}).").format(
                price=format_money(last, cur)
            )
        if outcome.price is None:
            return translate("Alerts", "Available again.")
        return translate("Alerts", "Available again at {now}.").format(now=now)
    if kind is AlertKind.LOWEST_IN_DAYS:
        days = rule.window_days or LOWEST_DEFAULT_DAYS
        if reference is None:
            return translate("Alerts", "Now {now}, the lowest price in {days} days.").format(
                now=now, days=days
            )
        return translate(
            "Alerts", "Now {now}, the lowest price in {days} days (the lowest before: {before})."
        ).format(now=now, days=days, before=format_money(reference, cur))
    assert outcome.price is not None and reference is not None
    change = abs(outcome.price - reference)
    up = kind is AlertKind.PRICE_INCREASE
    if rule.window_days and not _is_change_rule(rule):
        if up:
            text = translate(
                "Alerts", "Now {now}, up {change} ({percent}) from the {days}-day high of {was}."
            )
        else:
            text = translate(
                "Alerts", "Now {now}, down {change} ({percent}) from the {days}-day high of {was}."
            )
    elif up:
        text = translate("Alerts", "Now {now}, up {change} ({percent}) from {was}.")
    else:
        text = translate("Alerts", "Now {now}, down {change} ({percent}) from {was}.")
    return text.format(
        now=now,
        change=format_money(change, cur),
        percent=formatting.percent(_percent(change, reference)),
        days=rule.window_days,
        was=format_money(reference, cur),
    )


def evaluate(
    rules: Sequence[AlertRule],
    outcome: CheckOutcome,
    *,
    product: Product,
    now: datetime,
    window_high: WindowHigh | None = None,
    options: AlertOptions | None = None,
    stock_before: StockBefore | None = None,
    window_low: WindowLow | None = None,
) -> tuple[list[AlertEvent], list[RuleChange]]:
    """Run a product's rules over one check; returns the events to notify and the rule states to store.

    ``stock_before`` (see :func:`stock_before_check`) lets "back in stock" see past checks that could not
    tell the stock; without it the previous check's availability is all there is.
    """
    check = _Check(outcome, options or AlertOptions(), window_high, stock_before, window_low)
    events: list[AlertEvent] = []
    changes: list[RuleChange] = []
    name = product_name(product)
    for rule in rules:
        if not rule.enabled or rule.kind is AlertKind.CHEAPEST_BELOW:  # see evaluate_cheapest
            continue
        verdict, reference = _verdict(rule, check)
        armed = rule.state is AlertState.ARMED
        # A change rule fires for each qualifying change (its verdict needs a change); a level rule once.
        if verdict is _Verdict.FIRE and (armed or _is_change_rule(rule)):
            events.append(
                AlertEvent(
                    product_id=outcome.product_id,
                    kind=rule.kind,
                    rule_id=rule.id,
                    title=clean_title(f"{headline(rule.kind)}: {name}"),
                    message=_message(rule, outcome, reference),
                    price=outcome.price,
                    reference_price=reference,
                    currency=outcome.currency,
                )
            )
            changes.append(RuleChange(rule.id, AlertState.FIRED, now))
        elif verdict is _Verdict.CLEAR and not armed:
            changes.append(RuleChange(rule.id, AlertState.ARMED))
        elif verdict is _Verdict.REMEMBER and armed:
            changes.append(RuleChange(rule.id, AlertState.FIRED))
    events.sort(key=lambda e: PRIORITY.index(e.kind))
    return events, changes


@dataclass(frozen=True, slots=True)
class CheapestOffer:
    """The cheapest listing of a product across its shops, its price converted to the home currency."""

    product_id: int
    shop: str | None
    price: Decimal  # in ``currency``, the home currency
    currency: str
    own_price: Decimal  # as the shop asks it
    own_currency: str | None


def evaluate_cheapest(
    rules: Sequence[AlertRule],
    cheapest: CheapestOffer | None,
    *,
    product: Product,
    now: datetime,
    options: AlertOptions | None = None,
) -> tuple[list[AlertEvent], list[RuleChange]]:
    """The "cheapest of all shops at or below X" rules of ``product`` (X in the home currency): a level rule,
    with the same hysteresis as a target price; no price in any shop (or no rate) changes nothing."""
    events: list[AlertEvent] = []
    changes: list[RuleChange] = []
    assert product.id is not None
    for rule in rules:
        if not rule.enabled or rule.kind is not AlertKind.CHEAPEST_BELOW or rule.amount is None:
            continue
        if cheapest is None:
            continue
        armed = rule.state is AlertState.ARMED
        price = cheapest.price
        if price <= rule.amount:
            if armed:
                events.append(_cheapest_event(rule, cheapest, product))
                changes.append(RuleChange(rule.id, AlertState.FIRED, now))
        elif not armed and price - _margin(options or AlertOptions(), price) > rule.amount:
            changes.append(RuleChange(rule.id, AlertState.ARMED))
    return events, changes


def _cheapest_event(rule: AlertRule, offer: CheapestOffer, product: Product) -> AlertEvent:
    home = format_money(offer.price, offer.currency)
    where = clean_text(offer.shop or "one shop", NAME_MAX) or "one shop"
    own = ""
    if offer.own_currency not in (None, offer.currency):
        own = f" ({format_money(offer.own_price, offer.own_currency)})"
    wanted = format_money(rule.amount, offer.currency)
    message = f"Now {home}{own} at {where}, at or below your price of {wanted}."
    assert product.id is not None
    return AlertEvent(
        product_id=product.id, kind=rule.kind, rule_id=rule.id,
        title=clean_title(f"{_HEADLINES[rule.kind]}: {product_name(product)}"), message=message,
        price=offer.price, reference_price=rule.amount, currency=offer.currency,
    )  # fmt: skip


def stock_before_check(history: Sequence[PriceObservation], outcome: CheckOutcome) -> Availability:
    """The last availability a check found before ``outcome`` (Unknown skipped; Unknown if none).

    ``history`` is the product's observations, oldest first, read after the check was stored: when the check
    wrote a row (``outcome.changed``), the last row is the check itself.
    """
    earlier = history[:-1] if outcome.changed and history else history
    for observation in reversed(earlier):
        if observation.availability is not Availability.UNKNOWN:
            return observation.availability
    return Availability.UNKNOWN


def fold(events: Sequence[AlertEvent]) -> tuple[str, str]:
    """One title and message for the events of one check (one notification per product per check)."""
    if not events:
        raise ValueError("nothing to fold")
    first = events[0]
    lines: list[str] = []
    for event in events:
        if event.message not in lines:
            lines.append(event.message)
    sources = {headline(e.kind): _HEADLINES[e.kind] for e in events}  # as shown -> the English text
    others = [h for h in dict.fromkeys(headline(e.kind) for e in events) if h != headline(first.kind)]
    if others:
        words = ", ".join(in_sentence(h, sources[h]) for h in others)
        lines.append(translate("Alerts", "Also: {others}.").format(others=words))
    return first.title, "\n".join(lines)
