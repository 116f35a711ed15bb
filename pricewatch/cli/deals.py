"""Deal commands: ``deal`` (is the current price a deal, is the page's discount real) and ``quantity``."""

from __future__ import annotations

import argparse
import json
import sys

from pricewatch.cli.common import UserError, money, open_app
from pricewatch.cli.products import product_json
from pricewatch.deals import Deal
from pricewatch.models import Product
from pricewatch.text import clean_line
from pricewatch.units import UnitPrice


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    deal = subparsers.add_parser(
        "deal",
        help="is the current price a deal? (its place in the history, and the page's was-price checked)",
        description="Rank the current price in the product's own history (all-time low, lowest in N days, "
        "percentile) and check a struck-through was-price against the lowest price PriceWatch saw in the "
        "30 days before the reduction (the EU Omnibus rule).",
    )
    deal.add_argument("id", type=int)
    deal.add_argument("--json", action="store_true", help="the product with its verdict, for scripts")
    deal.set_defaults(func=cmd_deal)

    quantity = subparsers.add_parser(
        "quantity",
        help="set how much a product holds (500 g, 6 x 1.5 L, 10 pcs), for its price per unit",
        description="Without TEXT: show the quantity and the price per kg, L or piece. The title's quantity "
        "is used when none is set.",
    )
    quantity.add_argument("id", type=int)
    quantity.add_argument("text", nargs="?", help='the quantity, "" to go back to the title\'s')
    quantity.set_defaults(func=cmd_quantity)


def cmd_deal(args: argparse.Namespace) -> int:
    with open_app() as app:
        product = app.get_product(args.id)
        deal = app.deal(args.id)
        unit = app.unit_price(product)
    if args.json:
        json.dump(product_json(product, deal, unit), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    print(f"{clean_line(product.title or product.url, 100)}: {money(product.price, product.currency)}"
          f"{_unit_text(unit, product)}")  # fmt: skip
    for line in deal_lines(deal, product.currency):
        print(line)
    return 0


def deal_lines(deal: Deal, currency: str | None) -> list[str]:
    """The verdict, its reason and the history behind it, as lines of plain text."""
    lines = [f"{deal.badge or 'No verdict'}: {deal.reason}"]
    if deal.rank is not None:
        facts = f"  rank {deal.rank} of {deal.distinct} prices seen in {deal.watched_days} days"
        if deal.lowest_in_days is not None:
            facts += f"; no lower price for {deal.lowest_in_days} days"
        if deal.percentile is not None:
            facts += f"; higher than now {deal.percentile}% of the time"
        lines.append(facts)
    check = deal.discount
    if check is not None:
        lines.append(
            f"  was-price {money(check.was_price, currency)}: {check.status.replace('_', ' ')}; "
            f"30 days looked at: {check.window_start:%Y-%m-%d} to {check.window_end:%Y-%m-%d}"
        )
        for span in check.window:
            lines.append(f"    {span.start:%Y-%m-%d} to {span.end:%Y-%m-%d}  {money(span.price, currency)}")
    return lines


def _unit_text(unit: UnitPrice | None, product: Product) -> str:
    if unit is None:
        return ""
    return f" ({money(unit.amount, product.currency)} per {unit.unit}, {unit.quantity.text()})"


def cmd_quantity(args: argparse.Namespace) -> int:
    with open_app() as app:
        if args.text is not None:
            try:
                app.update_product(args.id, quantity=args.text)
            except ValueError as exc:
                raise UserError(str(exc)) from None
        product = app.get_product(args.id)
        unit = app.unit_price(product)
    source = "set" if product.quantity else "from the title"
    if unit is None:
        print(f"product {args.id}: no quantity known (set one: pricewatch quantity {args.id} '500 g')")
    else:
        print(f"product {args.id}: {unit.quantity.text()} ({source}), "
              f"{money(unit.amount, product.currency)} per {unit.unit}")  # fmt: skip
    return 0
