"""Tags, saved smart filters and bulk edits: ``pricewatch tag``, ``filter`` and ``bulk``."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal, InvalidOperation

from pricewatch.cli.common import UserError, check_interval, open_app
from pricewatch.models import AlertKind, AlertRule
from pricewatch.product_filters import FLAGS, ProductQuery
from pricewatch.text import clean_line

# --rule KIND or KIND=VALUE, named as the alerts command's options are
RULE_KINDS = {
    "target": (AlertKind.TARGET_PRICE, "amount"),
    "drop-amount": (AlertKind.DROP_AMOUNT, "amount"),
    "drop-percent": (AlertKind.DROP_PERCENT, "percent"),
    "any-drop": (AlertKind.ANY_DROP, None),
    "increase": (AlertKind.PRICE_INCREASE, None),
    "back-in-stock": (AlertKind.BACK_IN_STOCK, None),
    "out-of-stock": (AlertKind.OUT_OF_STOCK, None),
    "lowest-in": (AlertKind.LOWEST_IN_DAYS, "window_days"),
}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tag = subparsers.add_parser("tag", help="tag products, untag them, list tags")
    tag_commands = tag.add_subparsers(title="tag commands", metavar="ACTION", required=True)
    add = tag_commands.add_parser("add", help="give products a tag (created when new)")
    add.add_argument("tag", help="the tag's name (any case: Gift and gift are one tag)")
    add.add_argument("ids", type=int, nargs="+", metavar="ID", help="product ids (see pricewatch list)")
    add.set_defaults(func=cmd_tag_add)
    remove = tag_commands.add_parser("remove", help="take a tag off products")
    remove.add_argument("tag")
    remove.add_argument("ids", type=int, nargs="+", metavar="ID")
    remove.set_defaults(func=cmd_tag_remove)
    lst = tag_commands.add_parser("list", help="every tag with its number of products")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_tag_list)

    filters = subparsers.add_parser("filter", help="save smart filters by name, list or delete them")
    filter_commands = filters.add_subparsers(title="filter commands", metavar="ACTION", required=True)
    save = filter_commands.add_parser(
        "save", help="keep a filter under a name (replaces one of that name)",
        description="Conditions combine with AND. Use it with `pricewatch list --filter NAME`.",
    )  # fmt: skip
    save.add_argument("name")
    add_query_options(save)
    save.set_defaults(func=cmd_filter_save)
    flist = filter_commands.add_parser("list", help="the saved filters")
    flist.add_argument("--json", action="store_true")
    flist.set_defaults(func=cmd_filter_list)
    delete = filter_commands.add_parser("delete", help="forget a saved filter")
    delete.add_argument("name")
    delete.set_defaults(func=cmd_filter_delete)

    bulk = subparsers.add_parser(
        "bulk", help="change many products at once (all or nothing)",
        description="Every change applies to every product given, in one transaction: a bad value or an "
        "unknown id changes nothing.",
    )  # fmt: skip
    bulk.add_argument("ids", type=int, nargs="+", metavar="ID")
    bulk.add_argument("--add-tag", action="append", default=[], metavar="TAG", help="repeatable")
    bulk.add_argument("--remove-tag", action="append", default=[], metavar="TAG", help="repeatable")
    bulk.add_argument("--interval", type=int, metavar="MINUTES", help="set the check interval")
    bulk.add_argument(
        "--rule", metavar="KIND[=VALUE]",
        help=f"add an alert rule to each ({', '.join(RULE_KINDS)}; e.g. drop-percent=10, target=19.99)",
    )  # fmt: skip
    pause = bulk.add_mutually_exclusive_group()
    pause.add_argument("--pause", action="store_true", help="stop checking them")
    pause.add_argument("--resume", action="store_true", help="check them again")
    bulk.set_defaults(func=cmd_bulk)


def add_query_options(parser: argparse.ArgumentParser) -> None:
    """The smart filter's conditions as options (``filter save`` and ``list``)."""
    parser.add_argument("--tag", metavar="TAG", help="products with this tag")
    parser.add_argument("--shop", metavar="HOST", help="products of this shop (shop.example)")
    for flag in FLAGS:
        parser.add_argument(f"--{flag.replace('_', '-')}", dest=flag, action="store_true",
                            help=f"only products {FLAG_HELP[flag]}")  # fmt: skip


FLAG_HELP = {
    "below_target": "at or below their target price",
    "in_stock": "in stock",
    "dropped_this_week": "whose price dropped in the last seven days",
    "unsure": "whose newest reading is unsure",
}


def query_from(args: argparse.Namespace) -> ProductQuery:
    doc = {"tag": args.tag, "shop": args.shop, **{flag: getattr(args, flag) for flag in FLAGS}}
    try:
        return ProductQuery.from_json(doc)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def parse_rule(text: str) -> AlertRule:
    kind_name, _, value = text.partition("=")
    if kind_name not in RULE_KINDS:
        raise UserError(f"--rule: unknown kind {kind_name!r} (use {', '.join(RULE_KINDS)})")
    kind, field = RULE_KINDS[kind_name]
    if field is None:
        if value:
            raise UserError(f"--rule: {kind_name} takes no value")
        return AlertRule(0, kind)
    if field == "window_days":
        if not value.strip().isdigit():
            raise UserError(f"--rule: {kind_name} needs a number of days, as in {kind_name}=30")
        return AlertRule(0, kind, window_days=int(value))
    try:
        number = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        raise UserError(f"--rule: {kind_name} needs a number, as in {kind_name}=10") from None
    if not number.is_finite():
        raise UserError(f"--rule: {value!r} is not a number")
    if field == "amount":
        return AlertRule(0, kind, amount=number)
    return AlertRule(0, kind, percent=number)


def cmd_tag_add(args: argparse.Namespace) -> int:
    with open_app() as app:
        added = app.tag_products(args.ids, [args.tag])
    print(f"tagged {added} of {len(set(args.ids))} products {clean_line(args.tag, 40)!r} (the rest had it)")
    return 0


def cmd_tag_remove(args: argparse.Namespace) -> int:
    with open_app() as app:
        removed = app.untag_products(args.ids, [args.tag])
    print(f"untagged {removed} of {len(set(args.ids))} products")
    return 0


def cmd_tag_list(args: argparse.Namespace) -> int:
    with open_app() as app:
        tags = app.tags()
    if args.json:
        print(json.dumps([{"name": name, "products": count} for name, count in tags], ensure_ascii=False))
        return 0
    if not tags:
        print("no tags yet: add one with `pricewatch tag add TAG ID`")
    for name, count in tags:
        print(f"{count:>6}  {name}")
    return 0


def cmd_filter_save(args: argparse.Namespace) -> int:
    query = query_from(args)
    with open_app() as app:
        saved = app.save_filter(args.name, query)
    print(f"saved filter {saved.name!r}: {saved.query.describe()}")
    return 0


def cmd_filter_list(args: argparse.Namespace) -> int:
    with open_app() as app:
        filters = app.saved_filters()
    if args.json:
        doc = [{"name": f.name, "query": f.query.to_json()} for f in filters]
        print(json.dumps(doc, ensure_ascii=False))
        return 0
    if not filters:
        print("no saved filters: save one with `pricewatch filter save NAME --tag TAG`")
    for saved in filters:
        print(f"{saved.name}: {saved.query.describe()}")
    return 0


def cmd_filter_delete(args: argparse.Namespace) -> int:
    with open_app() as app:
        app.delete_filter(args.name)
    print(f"deleted filter {clean_line(args.name, 60)!r}")
    return 0


def cmd_bulk(args: argparse.Namespace) -> int:
    from pricewatch.organising import BulkEdit

    edit = BulkEdit(
        add_tags=args.add_tag,
        remove_tags=args.remove_tag,
        check_interval_minutes=None if args.interval is None else check_interval(args.interval),
        add_rule=None if args.rule is None else parse_rule(args.rule),
        paused=True if args.pause else False if args.resume else None,
    )
    with open_app() as app:
        outcome = app.bulk_edit(args.ids, edit)
    print(outcome.summary())
    return 0
