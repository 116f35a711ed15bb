"""One item in several shops and the exchange rates: merge, split, rates."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pricewatch.cli.common import open_app
from pricewatch.cli.products import group_json, print_group
from pricewatch.models import utcnow
from pricewatch.storage.product_groups import ProductGroup
from pricewatch.storage.rates import RatesStatus
from pricewatch.text import clean_line


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    merge = subparsers.add_parser(
        "merge", help="make two products one (the same item in several shops)",
        description="Every listing of both products becomes a listing of one product, shown under the lower "
        "id with its cheapest price in the home currency. `pricewatch split ID` takes a listing out again.",
    )  # fmt: skip
    merge.add_argument("id", type=int)
    merge.add_argument("other", type=int)
    merge.add_argument("--json", action="store_true")
    merge.set_defaults(func=cmd_merge)

    split = subparsers.add_parser("split", help="take a listing out of its product (it becomes a product)")
    split.add_argument("id", type=int, help="the listing's id")
    split.add_argument("--json", action="store_true")
    split.set_defaults(func=cmd_split)

    rates = subparsers.add_parser(
        "rates", help="show the exchange rates prices are converted with, or fetch them now",
        description="Rates come from settings [currency] rates_url (the European Central Bank's daily "
        "reference rates by default), once a day.",
    )  # fmt: skip
    rates.add_argument("--update", action="store_true", help="fetch the rates now (exit 1 if that fails)")
    rates.add_argument("--json", action="store_true")
    rates.set_defaults(func=cmd_rates)


def _show(group: ProductGroup, as_json: bool) -> None:
    if as_json:
        json.dump(group_json(group), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print_group(group)


def cmd_merge(args: argparse.Namespace) -> int:
    with open_app() as app:
        group = app.merge_products(args.id, args.other)
    if not args.json:
        print(f"product {group.id} now has {len(group.listings)} listings:", file=sys.stderr)
    _show(group, args.json)
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    with open_app() as app:
        group = app.split_listing(args.id)
    if not args.json:
        print(f"listing {args.id} is a product of its own again", file=sys.stderr)
    _show(group, args.json)
    return 0


def rates_json(status: RatesStatus, home: str, stale: bool) -> dict[str, Any]:
    table = status.table
    return {
        "home_currency": home,
        "rate_date": None if table.rate_date is None else table.rate_date.isoformat(),
        "stale": stale,
        "fetched_at": None if table.fetched_at is None else table.fetched_at.isoformat(),
        "last_attempt_at": None if status.last_attempt_at is None else status.last_attempt_at.isoformat(),
        "last_error": status.last_error,
        "source": status.source,
        "per_eur": {currency: str(rate) for currency, rate in sorted(table.per_eur.items())},
    }


def cmd_rates(args: argparse.Namespace) -> int:
    failed = None
    with open_app() as app:
        if args.update:
            app.set_executor("sync")
            record = app.wait_for_task(app.update_rates())
            if record.state != "SUCCESS":
                failed = clean_line(record.error or str(record.state), 300)
        status, stale, home = app.exchange_rates(), app.rates_stale(), app.home_currency
    if failed:
        print(f"pricewatch: error: the rates could not be updated: {failed}", file=sys.stderr)
    if args.json:
        json.dump(rates_json(status, home, stale), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 1 if failed else 0
    table = status.table
    if table.rate_date is None:
        print("no exchange rates stored yet: `pricewatch rates --update` fetches them")
    else:
        age = (utcnow().date() - table.rate_date).days
        note = f"  STALE ({age} days old)" if stale else ""
        count = len(table.per_eur)
        print(f"rates of {table.rate_date} for {count} currencies per EUR{note}; home currency {home}")
        for currency, rate in sorted(table.per_eur.items()):
            print(f"  {currency}  {rate}")
    if status.last_error and not failed:
        print(f"the last update failed: {clean_line(status.last_error, 300)}; the rates above are kept")
    return 1 if failed else 0
