"""``pricewatch check``: check prices now through the task engine, with a progress bar and a summary table.

The command waits for everything its checks caused (alert evaluation, notification tasks) before it exits,
so a check run from cron notifies too. The exit status is 1 when any check failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import TYPE_CHECKING, Any, TextIO

from pricewatch.cli.common import UserError, open_app
from pricewatch.models import Product, TaskRecord, TaskState

if TYPE_CHECKING:
    from pricewatch.app import PriceWatch
    from pricewatch.tasks.events import TaskEvent

EXIT_CHECK_FAILED = 1
BAR_WIDTH = 30


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = subparsers.add_parser(
        "check",
        help="check prices now (due products, the listed ones, or --all)",
        description="Check prices through the task engine and print what changed. Without IDs only products "
        "whose check is due are checked. Exits with status 1 when any check failed.",
    )
    check.add_argument("ids", nargs="*", type=int, metavar="ID", help="products to check (even paused ones)")
    check.add_argument("--all", action="store_true", help="check every product that is not paused")
    check.add_argument("--sync", action="store_true", help="run the checks one by one in this process")
    check.add_argument("--json", action="store_true", help="print the summary as JSON, for scripts")
    check.set_defaults(func=cmd_check)


class ProgressBar:
    """Draws the batch's progress on stderr: a redrawn bar on a terminal, a few plain lines otherwise.

    Fed by task events (called on worker threads); the batch is the first task added after subscribing.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.root: str | None = None
        self.done = 0
        self.total = 0
        self._printed = -1
        self._lock = threading.Lock()

    def on_event(self, event: TaskEvent) -> None:
        with self._lock:
            if self.root is None and event.kind == "added":
                self.root = event.task_id
            if event.task_id != self.root or event.kind != "progress" or event.total <= 0:
                return
            self.done, self.total = event.current, event.total
            self._draw()

    def _draw(self) -> None:
        done, total = self.done, self.total
        if self.tty:
            filled = BAR_WIDTH * done // total
            self.out.write(f"\r[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done}/{total} checked")
            self.out.flush()
            return
        step = max(1, total // 10)  # about ten lines for a big batch
        if done != self._printed and (done == total or done % step == 0):
            self._printed = done
            print(f"checked {done} of {total}", file=self.out, flush=True)

    def finish(self) -> None:
        with self._lock:
            if self.tty and self.total:
                self.out.write("\n")
                self.out.flush()


def _money(value: Any, currency: str | None) -> str:
    if value is None:
        return "-"
    return f"{value} {currency}" if currency else str(value)


def _clip(text: str, width: int) -> str:
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())  # scraped: untrusted
    return text if len(text) <= width else text[: width - 1] + "…"


def _own_result(record: TaskRecord | None) -> dict[str, Any]:
    result = record.result if record is not None else None
    return result if isinstance(result, dict) else {}


def summary_rows(app: PriceWatch, before: dict[int, Product], root: TaskRecord) -> list[dict[str, Any]]:
    """One row per product the batch meant to check, from the children's records."""
    value = (root.result or {}).get("value") or {} if isinstance(root.result, dict) else {}
    by_product: dict[int, TaskRecord] = {}
    for record in app.task_children(root.id):
        pid = record.kwargs.get("product_id")
        if isinstance(pid, int):
            by_product[pid] = record
    rows = []
    for pid in value.get("product_ids", []):
        old = before.get(pid)
        now = app.products.get(pid)
        child = by_product.get(pid)
        result = _own_result(child)
        if child is None:
            state, detail = "QUEUED", "a check of this product was already queued"
        else:
            state = str(child.state)
            if child.state.is_final and state != "SUCCESS":
                detail = child.error or ""
            elif result.get("not_modified"):
                detail = "not modified"
            elif result.get("changed"):
                detail = "first check" if result.get("first_check") else "changed"
            else:
                detail = "unchanged"
            sent = len(result.get("notifications", []))
            if sent:
                detail += f", {sent} notification{'s' if sent > 1 else ''}"
                # A check's notifications are its follow-up tasks: they succeed or fail on their own.
                if any(n.state is TaskState.FAILURE for n in app.task_children(child.id)):
                    detail += " (not delivered)"
        known = now or old
        rows.append(
            {
                "id": pid,
                "product": (known.title or known.url) if known else str(pid),
                "old_price": _money(old.price, old.currency) if old else "-",
                "new_price": _money(now.price, now.currency) if now else "-",
                "availability": str(now.availability) if now else "-",
                "state": state,
                "detail": detail,
                "notifications": len(result.get("notifications", [])),
            }
        )
    return rows


def print_table(rows: list[dict[str, Any]], out: TextIO) -> None:
    print(
        f"{'ID':>4}  {'PRODUCT':<36}  {'OLD PRICE':>14}  {'NEW PRICE':>14}  {'STOCK':<10}  RESULT", file=out
    )
    for row in rows:
        result = row["detail"] if row["state"] == "SUCCESS" else f"{row['state']}: {row['detail']}"
        product = _clip(row["product"], 36)
        print(
            f"{row['id']:>4}  {product:<36}  {row['old_price']:>14}  {row['new_price']:>14}  "
            f"{row['availability']:<10}  {_clip(result, 60)}",
            file=out,
        )


def cmd_check(args: argparse.Namespace) -> int:
    if args.ids and args.all:
        raise UserError("give product IDs or --all, not both")
    with open_app() as app:
        if args.sync:
            app.settings.tasks.executor = "sync"  # in memory only: this run, not the saved settings
        for pid in args.ids:
            app.get_product(pid)  # unknown id: a clear error before anything is queued
        before = {p.id: p for p in app.list_products() if p.id is not None}
        bar = ProgressBar(sys.stderr)
        unsubscribe = app.subscribe(bar.on_event)
        try:
            # No app.start(): recovering other runs' unfinished tasks is the long-running app's job.
            root_id = app.check_prices(force=args.all, product_ids=list(args.ids) or None)
            root = app.wait_for_task(root_id, include_descendants=True)
        finally:
            unsubscribe()
            bar.finish()
        rows = summary_rows(app, before, root)
    if args.json:
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif not rows:
        print("no product is due for a check (use --all to check every product)")
    else:
        print_table(rows, sys.stdout)
    failed = [row for row in rows if row["state"] not in ("SUCCESS", "QUEUED")]
    if root.state != "SUCCESS" and not rows:
        print(f"pricewatch: error: the check failed: {root.error}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    if failed:
        print(f"{len(failed)} of {len(rows)} checks failed", file=sys.stderr)
        return EXIT_CHECK_FAILED
    return 0
