"""Real processes stopped and overlapping on one database (QA findings F10, F21, F6, F20).

- ``pricewatch check --all`` stopped by Ctrl+C (SIGINT; its tasks are handed back) or SIGKILL mid-batch: the
  next ``check`` takes them over and really fetches the pages (page server hit counts) instead of answering
  "already queued" forever.
- A ``serve`` started while a ``check`` runs does not run the check's tasks a second time, but takes them over
  once that process is SIGKILLed.
- A shop answering 429 Retry-After: 120 does not keep ``check`` waiting: it says when it will retry, exits 1.
- ``tasks run`` with a bad argument is a usage error (exit 2) and journals nothing.

Synchronisation is by polling the page server's records and the SQLite file with a deadline.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.app import open_pricewatch
from tests.support.checks import product_page
from tests.support.pageserver import PageServer
from tests.support.poll import until

SETTINGS = """
[fetch]
per_host_delay = 0.0
per_host_concurrency = 8

[tasks]
scraping_concurrency = 8
retry_base_delay = 0.01
retry_max_delay = 0.05
max_retries = 2
"""
SLOW = 2.0  # seconds a page takes while a test interrupts the process fetching it
CHECK = "price_tracking.check_product_price"
OPEN_ROWS = "SELECT id, name, state FROM tasks WHERE state IN ('PENDING', 'STARTED', 'RETRY')"


@pytest.fixture
def home(pricewatch_home: Path) -> Path:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    return pricewatch_home


def _env(**extra: str) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", **extra)


def start(*args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pricewatch", *args], env=_env(**env), text=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args], env=_env(), text=True, timeout=90,
        stdin=subprocess.DEVNULL, capture_output=True,
    )  # fmt: skip


def rows(home: Path, query: str) -> list[Any]:
    conn = sqlite3.connect(f"file:{home / 'pricewatch.sqlite3'}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute(query).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def products(page_server: PageServer, count: int, delay: float) -> list[str]:
    paths = [f"/p{i}" for i in range(count)]
    with open_pricewatch() as app:
        for i, path in enumerate(paths):
            app.add_product(page_server.add(path, product_page(f"{i + 1}.00"), delay=delay))
    return paths


def serve_pages_fast(page_server: PageServer, paths: list[str]) -> None:
    for i, path in enumerate(paths):
        page_server.add(path, product_page(f"{i + 1}.50"))


@pytest.mark.parametrize("mode", [[], ["--sync"]], ids=["threads", "sync"])
def test_ctrl_c_of_check_hands_its_tasks_back_and_the_next_check_fetches(
    home: Path, page_server: PageServer, mode: list[str]
) -> None:
    paths = products(page_server, 3, SLOW)
    proc = start("check", "--all", *mode)
    until(lambda: any(page_server.hits(p) for p in paths), message="the first page request")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    # Handed back without an owner (not "queued" for a process that is gone): the next engine takes them.
    left = rows(home, "SELECT name, owner FROM tasks WHERE state IN ('PENDING', 'STARTED', 'RETRY')")
    assert [r for r in left if r[0] == CHECK] and all(owner is None for _, owner in left), left
    first = {p: page_server.hits(p) for p in paths}

    serve_pages_fast(page_server, paths)
    again = run("check", "--all", *mode)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "QUEUED" not in again.stdout and again.stdout.count("first check") == 3
    assert {p: page_server.hits(p) - first[p] for p in paths} == {p: 1 for p in paths}
    assert rows(home, OPEN_ROWS) == []  # the interrupted run's batch ended too
    assert rows(home, f"SELECT count(*) FROM tasks WHERE name = '{CHECK}'") == [(3,)]  # taken over


def test_a_killed_check_is_taken_over_by_the_next_check(home: Path, page_server: PageServer) -> None:
    paths = products(page_server, 3, SLOW)
    proc = start("check", "--all")
    until(lambda: all(page_server.hits(p) for p in paths), message="every page requested")
    proc.kill()
    proc.communicate(timeout=30)
    assert [r[2] for r in rows(home, OPEN_ROWS) if r[1] == CHECK] == ["STARTED"] * 3

    serve_pages_fast(page_server, paths)
    again = run("check", "--all")
    assert again.returncode == 0, again.stdout + again.stderr
    assert {p: page_server.hits(p) for p in paths} == {p: 2 for p in paths}
    assert rows(home, OPEN_ROWS) == []  # the dead run's batch ended too
    # Taken over, not copied:
    assert rows(home, f"SELECT count(*) FROM tasks WHERE name = '{CHECK}'") == [(3,)]


def test_a_second_engine_does_not_rerun_a_live_checks_tasks_but_takes_over_when_it_dies(
    home: Path, page_server: PageServer
) -> None:
    paths = products(page_server, 3, 2.5 * SLOW)  # long enough for serve to start while the check fetches
    # 1. serve starts while a check runs: every page is fetched once, by the check.
    check = start("check", "--all")
    until(lambda: any(page_server.hits(p) for p in paths), message="the check's first request")
    log = home / "serve.log"
    with open(log, "w", encoding="utf-8") as out_file:
        serve = subprocess.Popen(
            [sys.executable, "-m", "pricewatch", "serve"], env=_env(PRICEWATCH_TASK_HEARTBEAT="0.2"),
            text=True, stdin=subprocess.DEVNULL, stdout=out_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        # "running" is printed after the start-up recovery: it has seen the check's rows by then.
        until(lambda: "running" in log.read_text(encoding="utf-8"), message="serve to be running")
        assert check.poll() is None  # the check was still fetching when serve recovered
        out, err = check.communicate(timeout=60)
        assert check.returncode == 0, out + err
        assert {p: page_server.hits(p) for p in paths} == {p: 1 for p in paths}
        # 2. a check SIGKILLed while serve runs: serve's sweep takes its tasks over and fetches again.
        check = start("check", "--all")
        until(lambda: all(page_server.hits(p) == 2 for p in paths), message="every page requested again")
        check.kill()
        check.communicate(timeout=30)
        until(
            lambda: (
                rows(home, f"SELECT count(*) FROM tasks WHERE name = '{CHECK}' AND state = 'SUCCESS'")
                == [(6,)]
            ),
            message="serve to finish the dead check's tasks",
        )
        assert {p: page_server.hits(p) for p in paths} == {p: 3 for p in paths}
        assert rows(home, f"{OPEN_ROWS} AND name = '{CHECK}'") == []
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
        if check.poll() is None:
            check.kill()
            check.communicate()
    assert serve.returncode == 0


@pytest.mark.parametrize("mode", [[], ["--sync"]], ids=["threads", "sync"])
def test_a_long_retry_after_is_left_for_later_and_said(
    home: Path, page_servers: PageServer, mode: list[str]
) -> None:
    page_server = page_servers  # two hosts: the fetcher also keeps away from the rate-limiting host
    page_server.add_rate_limited("/limited", 120)
    page_server.add("/fine", product_page("9.99"))
    with open_pricewatch() as app:
        limited = app.add_product(page_server.url("/limited"))
        app.add_product(page_server.url("/fine", address="127.0.0.2"))
    proc = run("check", "--all", *mode)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "rate limited by 127.0.0.1" in proc.stderr and "will retry at" in proc.stderr
    assert re.search(r"RETRY: will retry at \d\d:\d\d", proc.stdout), proc.stdout
    assert "1 will be retried later" in proc.stderr
    assert page_server.hits("/limited") == 1 and page_server.hits("/fine") == 1
    # Left RETRY with its time and no owner, for serve or the window (or the next check) to run.
    left = rows(home, f"SELECT state, owner, eta FROM tasks WHERE name = '{CHECK}' AND state != 'SUCCESS'")
    assert len(left) == 1 and left[0][0] == "RETRY" and left[0][1] is None and left[0][2]
    assert limited.id is not None


def test_a_short_retry_after_is_waited_for_with_a_notice(home: Path, page_server: PageServer) -> None:
    from tests.support.pageserver import Reply

    page_server.add_sequence(
        "/busy",
        [Reply(body="slow down", status=429, headers={"Retry-After": "1"}), Reply(body=product_page("5.00"))],
    )
    with open_pricewatch() as app:
        app.add_product(page_server.url("/busy"))
    proc = run("check", "--all", "--retry-wait", "10")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "rate limited by 127.0.0.1 (product 1), retrying in 1 s; Ctrl+C stops" in proc.stderr
    assert page_server.hits("/busy") == 2 and "5.00" in proc.stdout


def test_tasks_run_with_a_bad_argument_is_a_usage_error_and_journals_nothing(home: Path) -> None:
    bad = run("tasks", "run", "scraping.scrape_product", "--arg", "nope=1")
    assert bad.returncode == 2 and "unknown argument 'nope'" in bad.stderr, bad.stderr
    missing = run("tasks", "run", "scraping.scrape_product")
    assert missing.returncode == 2 and "missing a required argument: 'url'" in missing.stderr
    assert rows(home, "SELECT count(*) FROM tasks") == [(0,)]
