"""``pricewatch check``: check prices now through the task engine, with a progress bar and a summary table.

The command waits for everything its checks caused (alert evaluation, notification tasks) before it exits,
so a check run from cron notifies too. A shop that asks us to come back later (429/503) is waited for up to
``--retry-wait`` seconds, with a line saying so; a retry due later stays queued for the next engine (serve,
the window, the next check) and the summary says when. Ctrl+C (exit 130) hands this run's unfinished checks
back to the journal without an owner: the next engine or ``check`` runs them at once. The
exit status is 1 when any product was not checked (failed, retrying later, or being checked by another run),
and 5 when the only ones not checked were cancelled from another window or process (not a failure).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from pricewatch import formatting
from pricewatch.cli.common import UserError, open_app
from pricewatch.models import NotificationState, Product, TaskRecord, TaskState, utcnow
from pricewatch.text import clean_line

if TYPE_CHECKING:
    from pricewatch.app import PriceWatch
    from pricewatch.tasks.events import TaskEvent

EXIT_CHECK_FAILED = 1
EXIT_CHECK_CANCELLED = 5  # cancelled elsewhere (the window's Cancel Task): a cron script can tell it apart
CANCELLED_ELSEWHERE = "cancelled (from another window or process)"
BAR_WIDTH = 30
DEFAULT_RETRY_WAIT = 30.0  # seconds a one-shot check waits for a shop's "come back later"
WAIT_STEP = 0.5  # seconds between looks at the batch while it waits only for deferred retries
CHECK_TASK = "price_tracking.check_product_price"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = subparsers.add_parser(
        "check",
        help="check prices now (due products, the listed ones, or --all)",
        description="Check prices through the task engine and print what changed. Without IDs only products "
        "whose check is due are checked. Exits with status 1 when any check failed, 5 when checks were "
        "cancelled from another window or process.",
    )
    check.add_argument("ids", nargs="*", type=int, metavar="ID", help="products to check (even paused ones)")
    check.add_argument("--all", action="store_true", help="check every product that is not paused")
    check.add_argument("--sync", action="store_true", help="run the checks one by one in this process")
    check.add_argument("--json", action="store_true", help="print the summary as JSON, for scripts")
    check.add_argument(
        "--retry-wait", type=float, default=DEFAULT_RETRY_WAIT, metavar="SECONDS",
        help="wait at most this long for a shop that asks us to come back later (HTTP 429/503); a later "
        "retry is left for `pricewatch serve`, the window or the next check (default %(default)g)",
    )  # fmt: skip
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


def _local_time(value: datetime | None) -> str:
    """HH:MM, rounded up: the retry is not tried before then."""
    if value is None:
        return "later"
    if value.second or value.microsecond:
        value = value.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return value.astimezone().strftime("%H:%M")


def _reason(error: str | None) -> str:
    text = (error or "").partition(": ")[2] or (error or "a temporary error")
    return clean_line(text, 80)


class RetryNotice:
    """Says on stderr when a check waits for a retry, or leaves it for later (task events, worker threads)."""

    def __init__(self, app: PriceWatch, out: TextIO) -> None:
        self.app = app
        self.out = out
        self._lock = threading.Lock()

    def on_event(self, event: TaskEvent) -> None:
        if event.kind != "changed" or event.state != str(TaskState.RETRY):
            return
        record = self.app.task_records.get(event.task_id)
        if record is None or record.name != CHECK_TASK or record.eta is None:
            return
        product = self.app.products.get(record.kwargs.get("product_id", -1))
        host = urlsplit(product.url).hostname if product else None
        delay = max(0, round((record.eta - utcnow()).total_seconds()))
        subject = f"product {record.kwargs.get('product_id')} ({host or 'the shop'})"
        if "429" in (record.error or "") or "rate limit" in (record.error or ""):
            what = f"rate limited by {host or 'the shop'} (product {record.kwargs.get('product_id')})"
        else:
            what = f"{subject}: {_reason(record.error)}"
        if self.app.task_manager.defers(delay):
            line = f"{what}; will retry at {_local_time(record.eta)} (later than --retry-wait)"
        else:
            line = f"{what}, retrying in {delay} s; Ctrl+C stops"
        with self._lock:
            print(line, file=self.out, flush=True)


def wait_for_batch(app: PriceWatch, root_id: str) -> TaskRecord:
    """Wait until the batch and everything below it ended, or only retries left for later remain."""
    while True:
        root = app.wait_for_task(root_id, timeout=WAIT_STEP, include_descendants=True)
        below = app.task_records.open_below(root_id)
        if root.state.is_final and not below:
            return root
        function_returned = root.state.is_final or (isinstance(root.result, dict) and "value" in root.result)
        mine = app.task_manager.owner
        if below and function_returned and all(s is TaskState.RETRY and o != mine for _, s, o in below):
            return root  # only retries handed back to the next engine (or taken by one) are left


def _own_result(record: TaskRecord | None) -> dict[str, Any]:
    result = record.result if record is not None else None
    return result if isinstance(result, dict) else {}


def _delivery_note(app: PriceWatch, check: TaskRecord) -> str:
    """What became of a check's notifications: its follow-up tasks succeed or fail on their own.

    A notification the daily cap held back is no failure (its task succeeded): it is named on its own.
    """
    sends = [n for n in app.task_children(check.id) if n.name.startswith("notifications.")]
    notes = []
    if any(n.state is TaskState.FAILURE for n in sends):
        notes.append("not delivered")
    held = sum(1 for n in sends if _own_result(n).get("state") == str(NotificationState.SUPPRESSED))
    if held:
        notes.append(f"{held} held by the daily cap")
    return f" ({'; '.join(notes)})" if notes else ""


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
            state, detail = "QUEUED", "another PriceWatch process is checking it now"
        else:
            state = str(child.state)
            if child.state is TaskState.RETRY:
                detail = f"will retry at {_local_time(child.eta)}: {_reason(child.error)}"
            elif not child.state.is_final:
                detail = "not finished"
            elif state != "SUCCESS":
                detail = child.error or ""
            elif result.get("not_modified"):
                detail = "not modified"
            elif result.get("changed"):
                detail = "first check" if result.get("first_check") else "changed"
            else:
                detail = "unchanged"
            sent = len(result.get("notifications", []))
            if sent:
                detail += f", {sent} notification{'s' if sent > 1 else ''}" + _delivery_note(app, child)
        known = now or old
        rows.append(
            {
                "id": pid,
                "product": (known.title or known.url) if known else str(pid),
                # the JSON summary is for scripts: the locale-free form ("24.99 EUR")
                "old_price": formatting.money_code(old.price, old.currency) if old else "-",
                "new_price": formatting.money_code(now.price, now.currency) if now else "-",
                "availability": str(now.availability) if now else "-",
                "state": state,
                "detail": detail,
                "notifications": len(result.get("notifications", [])),
                "retry_at": child.eta.isoformat() if child and child.eta else None,
            }
        )
    return rows


def print_table(rows: list[dict[str, Any]], out: TextIO) -> None:
    print(
        f"{'ID':>4}  {'PRODUCT':<36}  {'OLD PRICE':>14}  {'NEW PRICE':>14}  {'STOCK':<10}  RESULT", file=out
    )
    for row in rows:
        result = row["detail"] if row["state"] == "SUCCESS" else f"{row['state']}: {row['detail']}"
        product = clean_line(row["product"], 36)
        print(
            f"{row['id']:>4}  {product:<36}  {row['old_price']:>14}  {row['new_price']:>14}  "
            f"{row['availability']:<10}  {clean_line(result, 60)}",
            file=out,
        )


def deliver_held(app: PriceWatch) -> None:
    """Once quiet hours are over, send what they held as one digest (cron users run no ``serve``).

    The same notifier path as the window's and ``serve``'s watchdog, and claim-safe across processes: when
    one of them flushes at the same moment, the digest still goes out once. A digest no channel took stays
    held for the next flush; that is said on stderr but does not fail the check.
    """
    try:
        digest = app.flush_held_notifications()
    except Exception as exc:  # the checks matter more; the held notifications stay held
        print(f"pricewatch: held notifications not sent: {clean_line(str(exc), 200)}", file=sys.stderr)
        return
    if digest is None:
        return
    if str(digest.state) == str(NotificationState.SENT):
        count = len(digest.data.get("digest_of", []))
        print(f"sent {count} notification{'s' if count != 1 else ''} held by quiet hours", file=sys.stderr)
    else:
        print(
            f"notifications held by quiet hours not sent: {clean_line(digest.error or '', 200)}",
            file=sys.stderr,
        )


def cmd_check(args: argparse.Namespace) -> int:
    if args.ids and args.all:
        raise UserError("give product IDs or --all, not both")
    if not args.retry_wait >= 0:
        raise UserError("--retry-wait must be 0 or more seconds")
    with open_app() as app:
        if args.sync:
            app.settings.tasks.executor = "sync"  # in memory only: this run, not the saved settings
        for pid in args.ids:
            app.get_product(pid)  # unknown id: a clear error before anything is queued
        before = {p.id: p for p in app.list_products() if p.id is not None}
        bar = ProgressBar(sys.stderr)
        notice = RetryNotice(app, sys.stderr)
        app.task_manager.retry_wait_cap = args.retry_wait
        unsubscribes = [app.subscribe(bar.on_event), app.subscribe(notice.on_event)]
        try:
            deliver_held(app)  # what quiet hours held goes out before this run's own alerts
            # No app.start(): the other runs' work is the long-running app's job. A check of a product whose
            # earlier run ended (Ctrl+C, kill) takes that run's open check over (unique-key dedup).
            root_id = app.check_prices(force=args.all, product_ids=list(args.ids) or None)
            root = wait_for_batch(app, root_id)
            deliver_held(app)  # quiet hours may have ended while the checks ran
        finally:
            for unsubscribe in unsubscribes:
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
    if root.state is TaskState.REVOKED and not rows:
        print(f"pricewatch: the check was {CANCELLED_ELSEWHERE}", file=sys.stderr)
        return EXIT_CHECK_CANCELLED
    if root.state.is_final and root.state != "SUCCESS" and not rows:
        print(f"pricewatch: error: the check failed: {root.error}", file=sys.stderr)
        return EXIT_CHECK_FAILED
    # This run's own Ctrl+C ends it with 130 before here: a cancelled check was cancelled elsewhere.
    cancelled = sum(1 for row in rows if row["state"] == "REVOKED")
    failed = sum(1 for row in rows if row["state"] not in ("SUCCESS", "RETRY", "QUEUED", "REVOKED"))
    later = sum(1 for row in rows if row["state"] == "RETRY")
    elsewhere = sum(1 for row in rows if row["state"] == "QUEUED")
    parts = [
        f"{failed} of {len(rows)} checks failed" if failed else "",
        f"{cancelled} of {len(rows)} checks were {CANCELLED_ELSEWHERE}" if cancelled else "",
        f"{later} will be retried later" if later else "",
        f"{elsewhere} checked by another process" if elsewhere else "",
    ]
    if any(parts):
        print("; ".join(p for p in parts if p), file=sys.stderr)
        return EXIT_CHECK_FAILED if failed or later or elsewhere else EXIT_CHECK_CANCELLED
    return 0
