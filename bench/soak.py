"""Crash soak: a real ``pricewatch serve`` checks 500 products on its schedule and is killed with SIGKILL.

A local shop changes prices in rounds (some drop, some rise). After each change the soak waits until the
database holds every new price, killing ``serve`` at random moments all the while (mid-check, mid-write,
mid-notification) and starting it again at once. Waiting for each round to land before the next one makes
the shop's price log the exact history PriceWatch must end with. At the end it stops ``serve`` cleanly and
compares:

- lost: a price change of the shop missing from a product's history, or a drop whose alert (one "any drop"
  rule per product) has no notification;
- duplicated: a history row or a notification more than the shop's changes call for;
- stranded: a task left STARTED or still held by a dead process after the clean stop, or a product whose
  checks stopped (not checked in the last rounds).

The last line is ``kills=K lost=L duplicated=D stranded=S ...``; the exit status is 0 only when all three
counts are 0 and there were at least ``--kills`` kills. It takes about 10-15 minutes (one check run a minute).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pricewatch.app import PriceWatch
from pricewatch.models import AlertKind, AlertRule
from tests.support.pages import product_page
from tests.support.pageserver import PageServer
from tests.support.webhook import Webhook

SETTINGS = """
[schedule]
check_every_minutes = 1
check_jitter_seconds = 0
default_check_interval_minutes = 1

[fetch]
per_host_delay = 0.0
per_host_concurrency = 16
respect_robots = false
thumbnails = false

[tasks]
scraping_concurrency = 8
retry_base_delay = 1.0
retry_max_delay = 5.0

[notify]
desktop = false
tray = false
daily_cap_per_product = 0
apprise_urls = ["{hook}"]
"""


class Serve:
    """``pricewatch serve`` in PRICEWATCH_HOME, started again after each kill."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = open(home / "serve.log", "ab")  # noqa: SIM115 - open for the whole soak

    def start(self) -> None:
        env = dict(os.environ, PRICEWATCH_HOME=str(self.home), QT_QPA_PLATFORM="offscreen")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pricewatch", "serve"], env=env, stdout=self.log, stderr=self.log
        )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(120)


def read(db: Path, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute(sql, args).fetchall()


def stored_prices(db: Path) -> dict[int, Decimal | None]:
    rows = read(db, "SELECT id, price FROM products")
    return {int(pid): Decimal(str(price)) if price is not None else None for pid, price in rows}  # type: ignore[call-overload]


def lcs(a: list[Decimal], b: list[Decimal]) -> int:
    """Length of the longest common subsequence: what the history and the shop's log agree on, in order."""
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--change-share", type=float, default=0.3, help="products whose price moves per round"
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    home = Path(tempfile.mkdtemp(prefix="pricewatch-soak-"))
    os.environ["PRICEWATCH_HOME"] = str(home)
    shop = PageServer().start()
    hook = Webhook()
    (home / "settings.toml").write_text(SETTINGS.replace("{hook}", hook.url), encoding="utf-8")

    prices = {i: Decimal(rng.randrange(1000, 9000)) / 100 for i in range(args.products)}
    expected: dict[int, list[Decimal]] = {}  # product id -> the prices the shop showed, in order
    by_item: dict[int, int] = {}
    with PriceWatch() as app:
        for i, price in prices.items():
            url = shop.add(f"/p/{i}", product_page(f"Item {i}", str(price)))
            product = app.add_product(url, title=f"Item {i}")
            assert product.id is not None
            app.set_alert_rules(product.id, [AlertRule(product.id, AlertKind.ANY_DROP)])
            by_item[i] = product.id
            expected[product.id] = [price]
        db = app.paths.database_file
    print(f"soak: {args.products} products in {home}; serve checks them every minute", flush=True)

    serve = Serve(home)
    serve.start()
    kills, rounds, started = 0, 0, time.monotonic()

    def converge(killing: bool) -> None:
        nonlocal kills
        deadline = time.monotonic() + 900
        next_kill = time.monotonic() + rng.uniform(4, 25)
        while time.monotonic() < deadline:
            stored = stored_prices(db)
            if all(stored[pid] == expected[pid][-1] for pid in expected):
                return
            if killing and time.monotonic() >= next_kill:
                serve.kill()
                kills += 1
                serve.start()
                next_kill = time.monotonic() + rng.uniform(4, 25)
            time.sleep(0.25)
        raise SystemExit("soak: prices did not converge within 15 minutes (see serve.log)")

    converge(killing=True)
    while kills < args.kills:
        rounds += 1
        for i in rng.sample(sorted(prices), int(args.products * args.change_share)):
            factor = Decimal(rng.choice(["0.8", "0.9", "1.1", "1.25"]))
            prices[i] = (prices[i] * factor).quantize(Decimal("0.01"))
            shop.add(f"/p/{i}", product_page(f"Item {i}", str(prices[i])))
            expected[by_item[i]].append(prices[i])
        converge(killing=True)
        print(f"soak: round {rounds} landed; {kills} kills so far", flush=True)
    # A last quiet round: the notifications queued by the last kills go out, and the checks go on.
    time.sleep(75)
    converge(killing=False)
    status = serve.stop()

    lost = duplicated = 0
    history_rows = 0
    for pid, shown in expected.items():
        history = [
            Decimal(str(p))
            for (p,) in read(
                db, "SELECT price FROM observations WHERE product_id = ? ORDER BY observed_at, id", (pid,)
            )
        ]
        history_rows += len(history)
        common = lcs(history, shown)
        lost += len(shown) - common
        duplicated += len(history) - common
    notes_lost = notes_duplicated = 0
    drops = notified = 0
    for pid, shown in expected.items():
        should = sum(1 for a, b in itertools.pairwise(shown) if b < a)
        (sent,) = read(db, "SELECT count(*) FROM notifications WHERE product_id = ?", (pid,))[0]
        drops += should
        notified += int(sent)  # type: ignore[call-overload]
        notes_lost += max(0, should - int(sent))  # type: ignore[call-overload]
        notes_duplicated += max(0, int(sent) - should)  # type: ignore[call-overload]
    (started_rows,) = read(db, "SELECT count(*) FROM tasks WHERE state = 'STARTED'")[0]
    (held,) = read(
        db, "SELECT count(*) FROM tasks WHERE state IN ('PENDING', 'RETRY') AND owner IS NOT NULL"
    )[0]
    cutoff = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 240))
    (stale,) = read(
        db, "SELECT count(*) FROM products WHERE last_checked_at IS NULL OR last_checked_at < ?", (cutoff,)
    )[0]
    stranded = int(started_rows) + int(held) + int(stale)  # type: ignore[call-overload]
    deliveries = len(hook.posts)
    shop.close()
    hook.close()
    print(
        f"soak: {rounds} rounds in {time.monotonic() - started:.0f} s; serve stopped with {status}; "
        f"{history_rows} history rows for {sum(len(s) for s in expected.values())} shop prices; "
        f"{notified} notifications for {drops} drops; {deliveries} webhook deliveries",
        flush=True,
    )
    lost_total, duplicated_total = lost + notes_lost, duplicated + notes_duplicated
    print(
        f"kills={kills} lost={lost_total} duplicated={duplicated_total} stranded={stranded} "
        f"history_lost={lost} history_duplicated={duplicated} alerts_lost={notes_lost} "
        f"alerts_duplicated={notes_duplicated} started={started_rows} held={held} unchecked={stale} "
        f"deliveries={deliveries} drops={drops}"
    )
    ok = kills >= args.kills and lost_total == 0 and duplicated_total == 0 and stranded == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
