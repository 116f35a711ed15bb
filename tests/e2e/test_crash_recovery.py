"""Crash safety: a real ``pricewatch serve`` process is killed with SIGKILL in the middle of a batch.

The next ``serve`` must finish every task the first one left (same rows, no duplicates), and no product or
price observation may be lost or written twice. The test watches the real SQLite file, as a user's second
process would, and stops the second server with SIGTERM to check the clean shutdown too.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pricewatch.models import TaskRecord, TaskState
from pricewatch.storage.codec import json_from_db
from tests.support.app import open_pricewatch
from tests.support.checks import product_page
from tests.support.pageserver import PageServer
from tests.support.poll import until

PRODUCTS = 30
PAGE_DELAY = 0.4  # seconds per response: 30 pages at 4 at a time keep the batch busy for about 3 s

# The schedule is paused: the restarted server's own periodic check would otherwise find the same products
# due and take the batch's pending children over (by design: one check per product, under the newer batch),
# and the batch would then count only the children it kept. This test is about the journaled batch alone.
SETTINGS = """
[schedule]
paused = true

[fetch]
per_host_delay = 0.0
per_host_concurrency = 4

[tasks]
scraping_concurrency = 4
retry_base_delay = 0.1
retry_max_delay = 0.5
"""


def start_serve(home: Path, log_name: str) -> tuple[subprocess.Popen[bytes], Path]:
    env = dict(os.environ, PRICEWATCH_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    log = home / log_name
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pricewatch", "serve"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return proc, log


def poll(
    db: Path,
    query: str,
    done: Callable[[list[Any]], bool],
    proc: subprocess.Popen[bytes],
    log: Path,
    timeout: float = 60.0,
) -> list[Any]:
    """Read the live database until ``done(rows)``; the server exiting early fails with its output."""
    last: list[Any] = []

    def reached() -> tuple[list[Any]] | None:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            rows = conn.execute(query).fetchall()
        except sqlite3.OperationalError:  # the server has not created the schema yet
            rows = []
        finally:
            conn.close()
        if done(rows):
            return (rows,)  # a tuple: the rows themselves may be an empty list
        if proc.poll() is not None:
            pytest.fail(f"serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        last[:] = rows
        return None

    (rows,) = until(
        reached,
        timeout=timeout,
        message=lambda: (
            f"{query!r} to return the rows wanted; last rows {last}\n{log.read_text(errors='replace')}"
        ),
    )
    return rows


def counts(rows: list[Any]) -> dict[str, int]:
    return {state: n for state, n in rows}


@pytest.mark.slow
def test_serve_killed_mid_batch_finishes_everything_after_restart(
    pricewatch_home: Path, page_server: PageServer
) -> None:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    with open_pricewatch() as app:
        ids = []
        for i in range(PRODUCTS):
            url = page_server.add(
                f"/p{i}", product_page(f"{100 + i}.50", title=f"Item {i}"), delay=PAGE_DELAY
            )
            product = app.add_product(url)
            assert product.id is not None
            ids.append(product.id)
        # The batch is journaled before the server runs, as if the GUI had queued it just before a crash.
        app.task_records.insert(
            TaskRecord(id="batch", name="price_tracking.check_prices", kwargs={"force": True}, priority=10)
        )
        db = app.paths.database_file

    children = "SELECT state, count(*) FROM tasks WHERE parent_id = 'batch' GROUP BY state"
    first, log1 = start_serve(pricewatch_home, "serve-1.log")
    try:
        mid_batch = lambda r: counts(r).get("STARTED", 0) >= 1 and counts(r).get("SUCCESS", 0) >= 2  # noqa: E731
        at_kill = counts(poll(db, children, mid_batch, first, log1))
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(timeout=10) == -signal.SIGKILL
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert at_kill.get("SUCCESS", 0) < PRODUCTS  # really killed mid-batch
    left = (
        sqlite3.connect(db)
        .execute("SELECT count(*) FROM tasks WHERE state IN ('PENDING', 'STARTED', 'RETRY')")
        .fetchone()[0]
    )
    assert left >= 2  # the batch itself and at least one child were cut off

    second, log2 = start_serve(pricewatch_home, "serve-2.log")
    try:
        unfinished = (
            "SELECT count(*) FROM tasks WHERE state IN ('PENDING', 'STARTED', 'RETRY')"
            " OR (id = 'batch' AND state != 'SUCCESS')"
        )
        poll(db, unfinished, lambda r: bool(r) and r[0][0] == 0, second, log2)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=30) == 0, log2.read_text(errors="replace")
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
    output = log2.read_text(errors="replace")
    assert "pricewatch serve: running task engine" in output and "pricewatch serve: stopped" in output

    conn = sqlite3.connect(db)
    try:
        batch = conn.execute("SELECT state, result FROM tasks WHERE id = 'batch'").fetchone()
        assert batch[0] == TaskState.SUCCESS
        assert json_from_db(batch[1])["succeeded"] == PRODUCTS
        rows = conn.execute("SELECT state, kwargs FROM tasks WHERE parent_id = 'batch'").fetchall()
        checked = sorted(json_from_db(kwargs)["product_id"] for _, kwargs in rows)
        assert checked == sorted(ids)  # one child per product: none lost, none duplicated
        assert {state for state, _ in rows} == {"SUCCESS"}
        assert conn.execute("SELECT count(*) FROM products").fetchone()[0] == PRODUCTS
        history = conn.execute(
            "SELECT product_id, count(*), min(price) FROM observations"
            " GROUP BY product_id ORDER BY product_id"
        ).fetchall()
        assert [(pid, n) for pid, n, _ in history] == [(pid, 1) for pid in sorted(ids)]
        assert sorted(Decimal(price) for _, _, price in history) == [
            Decimal(f"{100 + i}.50") for i in range(30)
        ]
        assert conn.execute("SELECT count(*) FROM products WHERE last_checked_at IS NULL").fetchone()[0] == 0
    finally:
        conn.close()
