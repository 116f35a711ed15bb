"""Notification commands: ``notify`` (a test through every channel) and ``notifications`` (the log)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pricewatch.cli.common import open_app
from pricewatch.models import NotificationRecord, NotificationState
from pricewatch.text import clean_text

EXIT_NOT_DELIVERED = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notify = subparsers.add_parser(
        "notify",
        help="send a notification through the configured channels now and say what each did",
        description="Sends TITLE and MESSAGE through every enabled channel (desktop, tray fallback, Apprise "
        "URLs), ignoring quiet hours and the daily cap, and prints what each channel did. "
        "Exit status 1 when no channel delivered it.",
    )
    notify.add_argument("title")
    notify.add_argument("message")
    notify.add_argument("--json", action="store_true", help="print the notification record as JSON")
    notify.set_defaults(func=cmd_notify)

    log = subparsers.add_parser("notifications", help="show the notification log, newest first")
    log.add_argument("--json", action="store_true", help="one JSON array, for scripts")
    log.add_argument("--limit", type=int, default=50, metavar="N", help="at most N entries (default 50)")
    log.add_argument("--product", type=int, metavar="ID", help="only notifications about this product")
    log.add_argument(
        "--flush", action="store_true", help="first send what quiet hours held, if they are over"
    )
    log.set_defaults(func=cmd_notifications)


def notification_json(record: NotificationRecord) -> dict[str, Any]:
    def time(value: Any) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": record.id,
        "title": record.title,
        "message": record.message,
        "product_id": record.product_id,
        "channels": list(record.channels),
        "state": str(record.state),
        "error": record.error,
        "attempts": record.attempts,
        "data": record.data,
        "created_at": time(record.created_at),
        "sent_at": time(record.sent_at),
    }


def cmd_notify(args: argparse.Namespace) -> int:
    with open_app() as app:
        result = app.notifier.send(args.title, args.message, data={"test": True, "source": "cli"}, force=True)
    record = result.record
    if args.json:
        print(json.dumps(notification_json(record), indent=2, ensure_ascii=False))
    else:
        if not result.deliveries:
            print(f"no channel tried: {record.error or 'nothing enabled'}")
        for delivery in result.deliveries:
            status = delivery.detail if delivery.ok else f"FAILED: {delivery.detail}"
            print(f"{delivery.channel}: {status}")
        print(f"notification {record.id}: {record.state}")
    return 0 if record.state is NotificationState.SENT else EXIT_NOT_DELIVERED


def cmd_notifications(args: argparse.Namespace) -> int:
    if args.limit < 1:
        from pricewatch.cli.common import UserError

        raise UserError("--limit must be at least 1")
    with open_app() as app:
        if args.flush:
            app.flush_held_notifications()
        if args.product is not None:
            app.get_product(args.product)
        records = app.list_notifications(limit=args.limit, product_id=args.product)
    if args.json:
        print(json.dumps([notification_json(r) for r in records], indent=2, ensure_ascii=False))
        return 0
    if not records:
        print("no notifications yet")
        return 0
    for record in records:
        when = record.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        channels = ",".join(record.channels) or "-"
        product = f"#{record.product_id}" if record.product_id is not None else "-"
        state = str(record.state)
        print(f"{record.id:>5}  {when}  {state:<10} {product:>6}  {channels:<20} {record.title}")
        if record.error:  # the failure, or why the daily cap held it back (SUPPRESSED: not an error)
            print(f"       {clean_text(record.error, 200)}")
    return 0
