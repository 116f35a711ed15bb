"""Product commands: add, list, remove, history, export, import."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from pricewatch import formatting
from pricewatch.cli.common import EXIT_IO, UserError, check_interval, money, open_app, target_price
from pricewatch.cli.organise import add_query_options, query_from
from pricewatch.deals import Deal
from pricewatch.errors import InvalidURLError
from pricewatch.models import PriceObservation, Product, utcnow
from pricewatch.storage.product_groups import Listing, ProductGroup
from pricewatch.text import clean_line
from pricewatch.units import UnitPrice
from pricewatch.urls import validate_url


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add = subparsers.add_parser(
        "add",
        help="start tracking a product page",
        description="Track a product page. Its price is read at the next check; --check reads it now. "
        "While the window runs on the same data, the plain form (a URL and no option) opens the window's "
        "add dialog with it instead.",
    )
    add.add_argument("url", nargs="?", help="the product page's address")
    add.add_argument(
        "--from", dest="from_file", type=Path, metavar="FILE",
        help="add every address of FILE: a text list or a browser's bookmarks export (HTML)",
    )  # fmt: skip
    add.add_argument(
        "--to", dest="to_product", type=int, metavar="PRODUCT_ID",
        help="add the address as another shop's listing of that product",
    )  # fmt: skip
    add.add_argument("--target", metavar="PRICE", help="notify at or below this price (19.99)")
    add.add_argument("--selector", metavar="CSS", help="CSS selector of the price, when detection is wrong")
    add.add_argument("--interval", type=int, metavar="MINUTES", help="check interval (default: settings)")
    add.add_argument(
        "--check", action="store_true", help="read the page now and print its price (exit 1 if that fails)"
    )
    add.add_argument(
        "--no-window", action="store_true", help="store it from here even when the window is open"
    )
    add.set_defaults(func=cmd_add)

    lst = subparsers.add_parser("list", help="list tracked products")
    lst.add_argument("--json", action="store_true", help="one JSON array, for scripts")
    lst.add_argument("--search", metavar="TEXT", help="only products whose title, shop or URL contains TEXT")
    lst.add_argument(
        "--filter", metavar="NAME", help="only products a saved filter matches (pricewatch filter)"
    )
    add_query_options(lst)
    lst.set_defaults(func=cmd_list)

    snooze = subparsers.add_parser(
        "snooze", help="hold back a product's notifications for a while (checks go on)",
        description="Its alerts are logged as suppressed instead of shown until the snooze ends.",
    )  # fmt: skip
    snooze.add_argument("id", type=int)
    length = snooze.add_mutually_exclusive_group()
    length.add_argument("--days", type=float, default=1.0, help="how long (default: 1 day; 7 for a week)")
    length.add_argument("--off", action="store_true", help="end the snooze now")
    length.add_argument("--until-change", action="store_true", help="until its price changes again")
    snooze.add_argument("--rule", type=int, metavar="RULE_ID",
                        help="snooze only this alert rule (ids: pricewatch alerts ID --json)")  # fmt: skip
    snooze.set_defaults(func=cmd_snooze)

    remove = subparsers.add_parser("remove", help="stop tracking a product (its history goes too)")
    remove.add_argument("id", type=int)
    remove.set_defaults(func=cmd_remove)

    history = subparsers.add_parser("history", help="show a product's price history")
    history.add_argument("id", type=int)
    history.add_argument("--json", action="store_true")
    history.set_defaults(func=cmd_history)

    export = subparsers.add_parser("export", help="write products and history to a file or stdout")
    export.add_argument("file", nargs="?", type=Path, help="output file (default: standard output)")
    export.add_argument("--format", choices=("json", "csv"), help="default: from the file name, else json")
    export.set_defaults(func=cmd_export)

    imp = subparsers.add_parser("import", help="merge products and history from an export file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(func=cmd_import)


def product_json(
    product: Product, deal: Deal | None = None, unit: UnitPrice | None = None, tags: Sequence[str] = ()
) -> dict[str, Any]:
    """A product for scripts; ``deal`` and ``unit`` (its verdict, its price per unit): null when not given."""

    def money(value: Any) -> str | None:
        return None if value is None else str(value)

    def time(value: Any) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": product.id,
        "url": product.url,
        "title": product.title,
        "shop": product.shop,
        "price": money(product.price),
        "currency": product.currency,
        "availability": str(product.availability),
        "previous_price": money(product.previous_price),
        "lowest_price": money(product.lowest_price),
        "highest_price": money(product.highest_price),
        "target_price": money(product.target_price),
        "css_selector": product.css_selector,
        "check_interval_minutes": product.check_interval_minutes,
        "paused": product.paused,
        "snoozed_until": product.snoozed_until.isoformat() if product.snoozed_until else None,
        "snooze_until_change": product.snooze_until_change,
        "tags": list(tags),
        "last_checked_at": time(product.last_checked_at),
        "next_check_at": time(product.next_check_at),
        "last_error": product.last_error,
        "last_error_kind": product.last_error_kind,
        "created_at": time(product.created_at),
        "list_price": money(product.list_price),
        "quantity": product.quantity,
        "deal": None if deal is None else deal.to_json(),
        "unit_price": None if unit is None else unit.to_json(),
    }


def listing_json(listing: Listing, home: str) -> dict[str, Any]:
    """A listing with its price in the home currency and the day of the rate that converted it."""
    return {
        **product_json(listing.product),
        "home_price": None if listing.home_price is None else str(listing.home_price),
        "home_currency": home,
        "rate_date": None if listing.rate_date is None else listing.rate_date.isoformat(),
        "home_unit_price": None if listing.unit_price is None else listing.unit_price.to_json(),
    }


def group_json(
    group: ProductGroup, deal: Deal | None = None, unit: UnitPrice | None = None, tags: Sequence[str] = ()
) -> dict[str, Any]:
    """A product: its first listing's fields (as before groups, with its deal, unit price and tags), every
    listing, and the cheapest one."""
    home = group.home_currency
    cheapest = group.cheapest
    return {
        **product_json(group.lead.product, deal, unit, tags),
        "shops": group.shop_count,
        "home_currency": home,
        "rates_stale": group.rates_stale,
        "cheapest": None if cheapest is None else listing_json(cheapest, home),
        "listings": [listing_json(item, home) for item in group.listings],
    }


def print_group(group: ProductGroup) -> None:
    """One line per product; a product in several shops shows its cheapest and then one line per listing."""
    lead = group.lead.product
    stock = formatting.availability(lead.availability)
    if len(group.listings) == 1:
        price, target = money(lead.price, lead.currency), money(lead.target_price, lead.currency)
        print(
            f"{group.id:>4}  {price:>14}  {target:>14}  {stock:<16}  {clean_line(lead.title or lead.url, 70)}"
        )
        return
    best = group.cheapest
    price = "-" if best is None else money(best.home_price, group.home_currency)
    where = "" if best is None else f" - cheapest at {clean_line(best.product.shop or best.product.url, 40)}"
    title = clean_line(lead.title or lead.url, 60)
    target = money(lead.target_price, lead.currency)
    print(f"{group.id:>4}  {price:>14}  {target:>14}  {stock:<16}  {title} ({group.shop_count} shops{where})")
    for item in group.listings:
        own = money(item.product.price, item.product.currency)
        shown = own
        if item.converted:
            home = money(item.home_price, group.home_currency)
            shown = f"{own} = {home} (rate of {item.rate_date})"
        mark = "  (cheapest)" if best is not None and item.id == best.id else ""
        shop = clean_line(item.product.shop or item.product.url, 40)
        stock = formatting.availability(item.product.availability)
        print(f"{'':>4}  - {item.id:>4}  {shop}  {shown}  {stock}{mark}")


def observation_json(observation: PriceObservation) -> dict[str, Any]:
    return {
        "observed_at": observation.observed_at.isoformat(),
        "price": None if observation.price is None else str(observation.price),
        "currency": observation.currency,
        "availability": str(observation.availability),
        "unsure": observation.unsure,
        "list_price": None if observation.list_price is None else str(observation.list_price),
    }


EXIT_CHECK_FAILED = 1  # as ``pricewatch check``


def handed_to_window(args: argparse.Namespace) -> bool:
    """The plain ``pricewatch add URL`` while the window runs: the user picks the price there."""
    plain = not (args.check or args.no_window) and args.target is args.selector is args.interval is None
    plain = plain and args.to_product is None
    hand = args.front_ends.hand_to_window
    if not plain or hand is None:
        return False
    try:
        url = validate_url(args.url)
    except InvalidURLError as exc:
        raise UserError(str(exc)) from None
    if not hand(url):
        return False
    print(f"opened the add dialog of the running PriceWatch window for {clean_line(url, 200)}")
    return True


def cmd_add(args: argparse.Namespace) -> int:
    if (args.url is None) == (args.from_file is None):
        raise UserError("give a URL or --from FILE (one of them)")
    if args.from_file is not None:
        if args.to_product is not None:
            raise UserError("--to takes one URL, not --from FILE")
        return add_from_file(args.from_file)
    if handed_to_window(args):
        return 0
    # Checked before the database is opened: a bad argument changes nothing.
    target = None if args.target is None else target_price(args.target)
    interval = None if args.interval is None else check_interval(args.interval)
    with open_app() as app:
        if args.check:
            app.set_executor("sync")  # the check runs here, through the engine and its journal
        options = {"target_price": target, "css_selector": args.selector, "check_interval_minutes": interval}
        if args.to_product is None:
            product = app.add_product(args.url, **options)
        else:
            product = app.add_listing(args.to_product, args.url, **options)
        assert product.id is not None
        print(f"added product {product.id}: {product.url}")
        if args.to_product is not None:
            print(f"it is another shop's listing of product {app.product_group(product.id).id}")
        if not args.check:
            # On stderr: stdout stays the one line scripts read.
            print(f"its price is read at the next check; `pricewatch check {product.id}` reads it now",
                  file=sys.stderr)  # fmt: skip
            return 0
        record = app.wait_for_task(app.check_product(product.id), include_descendants=True)
        checked = app.get_product(product.id)
    if record.state != "SUCCESS":
        reason = clean_line(record.error or checked.last_error or str(record.state), 200)
        print(f"pricewatch: error: the check failed: {reason}", file=sys.stderr)
        print(f"the product stays tracked; `pricewatch check {product.id}` tries again, `pricewatch remove "
              f"{product.id}` drops it", file=sys.stderr)  # fmt: skip
        return EXIT_CHECK_FAILED
    print(f"{clean_line(checked.title or checked.url, 70)}: {money(checked.price, checked.currency)}, "
          f"{formatting.availability(checked.availability)}")  # fmt: skip
    return 0


def add_from_file(path: Path) -> int:
    """Add every address of a text list or bookmarks export; one line per entry says what happened."""
    from pricewatch.link_lists import MAX_BYTES, read_link_list

    try:
        if path.stat().st_size > MAX_BYTES:
            raise UserError(f"{path} is larger than {MAX_BYTES // 1_000_000} MB", EXIT_IO)
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        entries = read_link_list(text)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}", EXIT_IO) from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    with open_app() as app:
        outcomes = app.add_many(entries)
    for outcome in outcomes:
        if outcome.status == "added":
            print(f"added product {outcome.product_id}: {outcome.url}")
        else:
            print(f"skipped {outcome.url}: {outcome.reason}")
    added = sum(o.status == "added" for o in outcomes)
    print(f"{added} added, {len(outcomes) - added} skipped of {len(outcomes)} addresses in {path.name}",
          file=sys.stderr)  # fmt: skip
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    query = query_from(args)
    with open_app() as app:
        products = app.list_products(search=args.search, query=query, saved=args.filter)
        # a product in several shops is listed when one of its listings matches
        matching = {p.id for p in products}
        groups = [g for g in app.product_groups() if any(item.id in matching for item in g.listings)]
        if args.json:
            facts = app.product_facts(history=False)  # for the tags

            def tags(product_id: int) -> Sequence[str]:
                return facts[product_id].tag_names if product_id in facts else ()

            rows = []
            for group in groups:
                lead = group.lead.product
                lead_id = lead.id or 0
                rows.append(group_json(group, app.deal(lead_id), app.unit_price(lead), tags(lead_id)))
    if args.json:
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not groups:
        if args.filter or not query.empty:
            print("no product matches the filter")
        elif args.search:
            print(f"no product matches {clean_line(args.search, 60)!r} (in its title, shop or URL)")
        else:
            print("no products tracked yet: add one with `pricewatch add URL`")
        return 0
    print(f"{'ID':>4}  {'PRICE':>14}  {'TARGET':>14}  {'STOCK':<16}  TITLE / URL")
    for group in groups:
        print_group(group)
    if any(g.rates_stale and any(item.converted for item in g.listings) for g in groups):
        print("note: the exchange rates are out of date (`pricewatch rates` says why)", file=sys.stderr)
    return 0


def cmd_snooze(args: argparse.Namespace) -> int:
    if not (args.off or args.until_change) and not 0 < args.days <= 365:
        raise UserError("--days must be more than 0 and at most 365")
    until = None if args.off or args.until_change else utcnow() + timedelta(days=args.days)
    with open_app() as app:
        if args.rule is None:
            product = app.snooze_product(args.id, until, until_change=args.until_change)
        else:
            app.snooze_rule(args.id, args.rule, until, until_change=args.until_change)
            product = app.get_product(args.id)
    name = clean_line(product.title or product.url, 70)
    what = f"rule {args.rule} of product {args.id}" if args.rule is not None else f"product {args.id}"
    if args.until_change:
        print(f"{what} ({name}) is snoozed until its price changes")
    elif until is None:
        print(f"{what} ({name}) notifies again")
    else:
        print(f"{what} ({name}) is snoozed until {until.astimezone():%Y-%m-%d %H:%M}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with open_app() as app:
        app.remove_product(args.id)
    print(f"removed product {args.id}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    with open_app() as app:
        product = app.get_product(args.id)
        history = app.history(args.id)
        deal = app.deal(args.id)
    if args.json:
        json.dump(
            {
                "product": product_json(product, deal, app.unit_price(product)),
                "history": [observation_json(o) for o in history],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        print()
        return 0
    print(clean_line(product.title or product.url, 200))
    if not history:
        print("no price recorded yet")
    for obs in history:
        when = formatting.local_time(obs.observed_at)
        unsure = "  (unsure reading)" if obs.unsure else ""
        stock = formatting.availability(obs.availability)
        print(f"{when}  {money(obs.price, obs.currency):>14}  {stock}{unsure}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    fmt = args.format or ("csv" if args.file and args.file.suffix.lower() == ".csv" else "json")
    with open_app() as app:
        if args.file is None:
            count = app.export_products(sys.stdout, fmt)
        else:
            try:
                with open(args.file, "w", encoding="utf-8", newline="") as out:
                    count = app.export_products(out, fmt)
            except OSError as exc:
                raise UserError(f"cannot write {args.file}: {exc.strerror}", EXIT_IO) from None
    if args.file is not None:
        print(f"exported {count} products to {args.file}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pricewatch.transfer import ImportFormatError

    with open_app() as app:
        try:
            summary = app.import_products(args.file)
        except OSError as exc:
            raise UserError(f"cannot read {args.file}: {exc.strerror or exc}", EXIT_IO) from None
        except UnicodeDecodeError:
            raise UserError(f"cannot read {args.file}: it is not a UTF-8 text file", EXIT_IO) from None
        except ImportFormatError as exc:
            raise UserError(f"cannot import {args.file}: {exc}", EXIT_IO) from None
    print(
        f"imported {args.file}: {summary.products_added} new products, "
        f"{summary.products_updated} already known, "
        f"{summary.observations_added} history entries added"
    )
    return 0
