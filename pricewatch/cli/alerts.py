"""``pricewatch alerts ID``: show a product's alert rules, or change them."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from pricewatch.cli.common import UserError, open_app
from pricewatch.models import AlertKind, AlertRule, utcnow
from pricewatch.storage.alert_rules import AlertOptions


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    alerts = subparsers.add_parser(
        "alerts",
        help="show or change a product's alert rules",
        description="Without options, shows the product's rules and their state (armed: waiting; fired: "
        "notified, waiting for the condition to clear). Each option sets the rule of its kind (other rules "
        "stay); --clear removes every rule first.",
    )
    alerts.add_argument("id", type=int, help="the product id (see pricewatch list)")
    alerts.add_argument("--target", metavar="PRICE", help="notify when the price is at or below PRICE")
    alerts.add_argument(
        "--cheapest-below", metavar="PRICE",
        help="notify when the cheapest of all the product's shops is at or below PRICE (home currency)",
    )  # fmt: skip
    alerts.add_argument("--drop-percent", metavar="P", help="notify on a drop of at least P %%")
    alerts.add_argument("--drop-amount", metavar="A", help="notify on a drop of at least A")
    alerts.add_argument(
        "--window", type=int, metavar="DAYS",
        help="measure --drop-percent/--drop-amount from the highest price of the last DAYS days "
        "(default: since the last check)",
    )  # fmt: skip
    alerts.add_argument("--any-drop", action="store_true", help="notify on every price drop")
    alerts.add_argument(
        "--lowest-in", type=int, metavar="DAYS", nargs="?", const=30,
        help="notify when the price is the lowest of the last DAYS days (default 30; needs them watched)",
    )  # fmt: skip
    alerts.add_argument("--increase", action="store_true", help="notify when the price goes up")
    alerts.add_argument("--back-in-stock", action="store_true", help="notify when it is available again")
    alerts.add_argument("--out-of-stock", action="store_true", help="notify when it sells out")
    alerts.add_argument(
        "--min-change", metavar="X|X%",
        help="ignore price changes smaller than X (or X %%); 0 removes the minimum",
    )  # fmt: skip
    alerts.add_argument("--clear", action="store_true", help="remove every rule (before applying the others)")
    alerts.add_argument("--json", action="store_true", help="print the rules as JSON")
    alerts.set_defaults(func=cmd_alerts)


def _decimal(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise UserError(f"{option}: {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise UserError(f"{option}: {text!r} is not a positive number")
    return value


def _min_change(text: str) -> AlertOptions:
    text = text.strip()
    if text.endswith("%"):
        percent = _decimal(text[:-1], "--min-change")
        return AlertOptions(None, percent or None)
    amount = _decimal(text, "--min-change")
    return AlertOptions(amount or None, None)


def _wanted(args: argparse.Namespace, product_id: int) -> list[AlertRule]:
    window = args.window
    rules: list[AlertRule] = []
    if args.target is not None:
        rules.append(AlertRule(product_id, AlertKind.TARGET_PRICE, amount=_decimal(args.target, "--target")))
    if args.cheapest_below is not None:
        amount = _decimal(args.cheapest_below, "--cheapest-below")
        rules.append(AlertRule(product_id, AlertKind.CHEAPEST_BELOW, amount=amount))
    if args.drop_percent is not None:
        percent = _decimal(args.drop_percent, "--drop-percent")
        rules.append(AlertRule(product_id, AlertKind.DROP_PERCENT, percent=percent, window_days=window))
    if args.drop_amount is not None:
        amount = _decimal(args.drop_amount, "--drop-amount")
        rules.append(AlertRule(product_id, AlertKind.DROP_AMOUNT, amount=amount, window_days=window))
    if window is not None and args.drop_percent is None and args.drop_amount is None:
        raise UserError("--window goes with --drop-percent or --drop-amount")
    if args.lowest_in is not None:
        if args.lowest_in < 1:
            raise UserError("--lowest-in: the window must be at least one day")
        rules.append(AlertRule(product_id, AlertKind.LOWEST_IN_DAYS, window_days=args.lowest_in))
    flags = (
        (args.any_drop, AlertKind.ANY_DROP),
        (args.increase, AlertKind.PRICE_INCREASE),
        (args.back_in_stock, AlertKind.BACK_IN_STOCK),
        (args.out_of_stock, AlertKind.OUT_OF_STOCK),
    )
    rules += [AlertRule(product_id, kind) for flag, kind in flags if flag]
    return rules


def describe(rule: AlertRule, currency: str | None, home: str | None = None) -> str:
    from pricewatch.alerts import format_money

    since = f"from the {rule.window_days}-day high" if rule.window_days else "since the last check"
    text = {
        AlertKind.TARGET_PRICE: f"price at or below {format_money(rule.amount, currency)}",
        AlertKind.DROP_PERCENT: f"drop of at least {rule.percent} % {since}",
        AlertKind.DROP_AMOUNT: f"drop of at least {format_money(rule.amount, currency)} {since}",
        AlertKind.ANY_DROP: "any price drop",
        AlertKind.PRICE_INCREASE: "any price increase",
        AlertKind.BACK_IN_STOCK: "back in stock",
        AlertKind.OUT_OF_STOCK: "out of stock",
        AlertKind.LOWEST_IN_DAYS: f"lowest price of the last {rule.window_days or 30} days",
        AlertKind.CHEAPEST_BELOW: f"cheapest of all shops at or below {format_money(rule.amount, home)}",
    }[rule.kind]
    return text + ("" if rule.enabled else " (disabled)")


def snooze_note(rule: AlertRule) -> str:
    if rule.snooze_until_change:
        return " (snoozed until the price changes)"
    if rule.snoozed_until is not None and rule.snoozed_until > utcnow():
        return f" (snoozed until {rule.snoozed_until.astimezone():%Y-%m-%d %H:%M})"
    return ""


def rule_json(rule: AlertRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "kind": rule.kind.value,
        "amount": None if rule.amount is None else str(rule.amount),
        "percent": None if rule.percent is None else str(rule.percent),
        "window_days": rule.window_days,
        "enabled": rule.enabled,
        "state": rule.state.value,
        "last_fired_at": None if rule.last_fired_at is None else rule.last_fired_at.isoformat(),
        "snoozed_until": None if rule.snoozed_until is None else rule.snoozed_until.isoformat(),
        "snooze_until_change": rule.snooze_until_change,
    }


def cmd_alerts(args: argparse.Namespace) -> int:
    with open_app() as app:
        product = app.get_product(args.id)
        wanted = _wanted(args, args.id)
        options = _min_change(args.min_change) if args.min_change is not None else None
        if wanted or args.clear or options is not None:
            current = [] if args.clear else app.alert_rules_for(args.id)
            kinds = {r.kind for r in wanted}
            rules = [r for r in current if r.kind not in kinds] + wanted
            if args.clear and options is None:
                options = AlertOptions()
            app.set_alert_rules(args.id, rules, options=options)
        rules = app.alert_rules_for(args.id)
        current_options = app.alert_options(args.id)
        home = app.home_currency
    if args.json:
        print(json.dumps({
            "product_id": args.id,
            "rules": [rule_json(r) for r in rules],
            "min_change_amount": None if current_options.min_change_amount is None
            else str(current_options.min_change_amount),
            "min_change_percent": None if current_options.min_change_percent is None
            else str(current_options.min_change_percent),
        }, indent=2))  # fmt: skip
        return 0
    name = product.title or product.url
    if not rules:
        print(f"#{args.id} {name}: no alert rules (add one, for example --target 49.99)")
    else:
        print(f"#{args.id} {name}:")
        for rule in rules:
            print(f"  {rule.state.value:<6} {describe(rule, product.currency, home)}{snooze_note(rule)}")
    if not current_options.empty:
        parts = []
        if current_options.min_change_amount is not None:
            parts.append(str(current_options.min_change_amount))
        if current_options.min_change_percent is not None:
            parts.append(f"{current_options.min_change_percent} %")
        print(f"  changes smaller than {' and '.join(parts)} are ignored")
    return 0
