"""Product commands: add, list, remove, history, export, import."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pricewatch.cli.common import EXIT_IO, UserError, open_app
from pricewatch.models import PriceObservation, Product


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add = subparsers.add_parser("add", help="start tracking a product page")
    add.add_argument("url")
    add.add_argument("--target", metavar="PRICE", help="notify when the price is at or below this")
    add.add_argument("--selector", metavar="CSS", help="CSS selector of the price, when detection is wrong")
    add.add_argument("--interval", type=int, metavar="MINUTES", help="check interval (default 60)")
    add.set_defaults(func=cmd_add)

    lst = subparsers.add_parser("list", help="list tracked products")
    lst.add_argument("--json", action="store_true", help="one JSON array, for scripts")
    lst.add_argument("--search", metavar="TEXT", help="only products whose title, shop or URL contains TEXT")
    lst.set_defaults(func=cmd_list)

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


def product_json(product: Product) -> dict[str, Any]:
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
        "last_checked_at": time(product.last_checked_at),
        "next_check_at": time(product.next_check_at),
        "last_error": product.last_error,
        "created_at": time(product.created_at),
    }


def observation_json(observation: PriceObservation) -> dict[str, Any]:
    return {
        "observed_at": observation.observed_at.isoformat(),
        "price": None if observation.price is None else str(observation.price),
        "currency": observation.currency,
        "availability": str(observation.availability),
    }


def _price_text(price: Any, currency: str | None) -> str:
    if price is None:
        return "-"
    return f"{price} {currency}" if currency else str(price)


def cmd_add(args: argparse.Namespace) -> int:
    with open_app() as app:
        product = app.add_product(
            args.url, target_price=args.target, css_selector=args.selector, check_interval_minutes=args.interval
        )
        print(f"added product {product.id}: {product.url}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_app() as app:
        products = app.list_products(search=args.search)
    if args.json:
        json.dump([product_json(p) for p in products], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not products:
        print("no products tracked yet: add one with `pricewatch add URL`")
        return 0
    print(f"{'ID':>4}  {'PRICE':>14}  {'TARGET':>10}  {'STOCK':<10}  TITLE / URL")
    for p in products:
        title = (p.title or p.url)[:70]
        target = "-" if p.target_price is None else str(p.target_price)
        print(f"{p.id:>4}  {_price_text(p.price, p.currency):>14}  {target:>10}  {p.availability:<10}  {title}")
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
    if args.json:
        json.dump(
            {"product": product_json(product), "history": [observation_json(o) for o in history]},
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        print()
        return 0
    print(f"{product.title or product.url}")
    if not history:
        print("no price recorded yet")
    for obs in history:
        when = obs.observed_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{when}  {_price_text(obs.price, obs.currency):>14}  {obs.availability}")
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
        f"imported {args.file}: {summary.products_added} new products, {summary.products_updated} already known, "
        f"{summary.observations_added} history entries added"
    )
    return 0

