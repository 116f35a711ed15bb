"""``pricewatch api-token [--regenerate]``: print the local HTTP API's bearer token (created on first use)."""

from __future__ import annotations

import argparse
import sys

from pricewatch.cli.common import open_app


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = subparsers.add_parser(
        "api-token",
        help="print the token scripts send to the local HTTP API",
        description="Print the bearer token of the local HTTP API (send 'Authorization: Bearer TOKEN'). "
        "It is created on first use and stored readable by your user only.",
    )
    token.add_argument(
        "--regenerate", action="store_true", help="replace the token; the old one stops working at once"
    )
    token.set_defaults(func=cmd_api_token)


def cmd_api_token(args: argparse.Namespace) -> int:
    with open_app() as app:
        token = app.api_token(regenerate=args.regenerate)
        if args.regenerate:
            print("pricewatch: a new API token was made; the old one no longer works", file=sys.stderr)
        print(token)
    return 0
