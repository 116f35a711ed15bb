"""``pricewatch check`` and ``pricewatch serve`` run as a user runs them: real processes, real page server."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pricewatch.cli.check import ProgressBar
from pricewatch.tasks.events import TaskEvent
from tests.support.app import open_pricewatch
from tests.support.checks import product_page
from tests.support.cli import cli
from tests.support.pageserver import PageServer


def add(*urls: str) -> list[int]:
    with open_pricewatch() as app:
        return [app.add_product(url).id or 0 for url in urls]


@pytest.mark.parametrize("mode", [["--sync"], []], ids=["sync", "threads"])
def test_check_prints_a_summary_and_fails_when_a_check_fails(
    home: Path, page_server: PageServer, mode: list[str]
) -> None:
    good, bad = add(
        page_server.add("/good", product_page("24.99", title="Good\x1b[31m Kettle")),
        page_server.add("/bad", "gone", status=404),
    )
    proc = cli("check", *mode)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["ID", "PRODUCT", "OLD", "PRICE", "NEW", "PRICE", "STOCK", "RESULT"]
    good_row = next(line for line in lines if line.lstrip().startswith(f"{good} "))
    assert (
        "Kettle" in good_row and "\x1b" not in proc.stdout
    )  # scraped control characters never reach a terminal
    assert "24.99 EUR" in good_row and "first check" in good_row and "InStock" in good_row
    bad_row = next(line for line in lines if line.lstrip().startswith(f"{bad} "))
    assert "FAILURE" in bad_row and "404" in bad_row
    assert "checked 2 of 2" in proc.stderr  # plain progress lines when stderr is not a terminal
    assert "1 of 2 checks failed" in proc.stderr
    with open_pricewatch() as app:
        assert str(app.get_product(good).price) == "24.99"
        assert app.get_product(bad).last_error


def test_check_listed_ids_as_json_and_nothing_due(home: Path, page_server: PageServer) -> None:
    _, two = add(page_server.add("/one", product_page("1.00")), page_server.add("/two", product_page("2.00")))
    proc = cli("check", "--sync", "--json", str(two))
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [(r["id"], r["new_price"], r["state"]) for r in rows] == [(two, "2.00 EUR", "SUCCESS")]
    assert page_server.hits("/one") == 0

    assert cli("check", "--sync").returncode == 0  # product one was due
    again = cli("check", "--sync")  # now nothing is due
    assert again.returncode == 0 and "no product is due" in again.stdout
    assert page_server.hits("/one") == 1 and page_server.hits("/two") == 1

    forced = cli("check", "--sync", "--all", "--json")
    assert forced.returncode == 0
    assert sorted(r["detail"] for r in json.loads(forced.stdout)) == ["unchanged", "unchanged"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("check", "42"), 3, "no product with id 42"),
        (("check", "1", "--all"), 2, "not both"),
        (("check", "--retry-wait", "-1"), 2, "--retry-wait must be 0 or more seconds"),
        (("check", "--retry-wait", "nan"), 2, "--retry-wait must be 0 or more seconds"),
    ],
)
def test_check_bad_input(home: Path, args: tuple[str, ...], code: int, message: str) -> None:
    add("https://shop.example/x")
    proc = cli(*args)
    assert proc.returncode == code and message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_serve_with_api_runs_until_sigint(home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "serve", "--api", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # blocks until serve says what runs
        assert "running task engine (threads), scheduler, API at http://127.0.0.1:" in first, proc.stderr
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "stopping (SIGINT)" in out and "stopped" in out
    with open_pricewatch() as app:  # the scheduler started and recorded its baseline
        assert {job["id"] for job in app.scheduled_jobs() if job["last_run_at"]} == {
            "check_prices", "cleanup_old_data", "clear_old_cache", "update_exchange_rates",
        }  # fmt: skip


def test_serve_refuses_host_without_api(home: Path) -> None:
    proc = cli("serve", "--port", "9999")
    assert proc.returncode == 2 and "--host and --port need --api" in proc.stderr


@pytest.mark.parametrize("mode", [["--sync"], []], ids=["sync", "threads"])
def test_check_waits_for_the_notifications_its_checks_caused(
    home: Path, page_server: PageServer, mode: list[str]
) -> None:
    with open(home / "settings.toml", "a", encoding="utf-8") as settings:
        settings.write(
            "\n[notify]\ndesktop = false\ntray = false\n"
        )  # no desktop here: the log still records
    with open_pricewatch() as app:
        cheap = app.add_product(page_server.add("/cheap", product_page("24.99")), target_price="30").id
        dear = app.add_product(page_server.add("/dear", product_page("99.00")), target_price="30").id
    proc = cli("check", "--json", *mode)
    assert proc.returncode == 0, proc.stderr
    rows = {row["id"]: row for row in json.loads(proc.stdout)}
    assert (rows[cheap]["notifications"], rows[dear]["notifications"]) == (1, 0)
    with open_pricewatch() as app:
        assert [t for t in app.list_tasks(limit=1000) if not t.state.is_final] == []  # nothing left behind
        sends = app.list_tasks(name="notifications.send")
        assert len(sends) == 1 and sends[0].kwargs["product_id"] == cheap
        records = app.list_notifications(product_id=cheap)
        assert len(records) == 1 and "24.99" in records[0].message
        assert app.list_notifications(product_id=dear) == []


def test_an_undelivered_notification_does_not_fail_the_check(home: Path, page_server: PageServer) -> None:
    with open(home / "settings.toml", "a", encoding="utf-8") as settings:
        # The only channel points at a closed port: every send fails, and the retries give up.
        settings.write('\n[notify]\ndesktop = false\ntray = false\napprise_urls = ["json://127.0.0.1:9/"]\n')
    with open_pricewatch() as app:
        cheap = app.add_product(page_server.add("/cheap", product_page("24.99")), target_price="30").id
    proc = cli("check", "--sync", "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["id"] == cheap and row["state"] == "SUCCESS" and "not delivered" in row["detail"]
    with open_pricewatch() as app:
        assert str(app.get_product(cheap).price) == "24.99"
        (send,) = app.list_tasks(name="notifications.send")
        assert send.state == "FAILURE"  # the case under test: the check's only child failed


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def feed(bar: ProgressBar, total: int) -> None:
    bar.on_event(TaskEvent("added", "root", "PENDING"))
    bar.on_event(TaskEvent("added", "child", "PENDING"))
    bar.on_event(TaskEvent("progress", "child", "", 5, 10))  # another task's progress is not the batch's
    for done in range(1, total + 1):
        bar.on_event(TaskEvent("progress", "root", "", done, total))
    bar.finish()


def test_progress_bar_redraws_on_a_terminal() -> None:
    out = Terminal()
    feed(ProgressBar(out), 4)
    text = out.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n")
    assert "\r[" + "#" * 30 + "] 4/4 checked" in text and "5/10" not in text


def test_progress_bar_prints_about_ten_plain_lines_otherwise() -> None:
    out = io.StringIO()
    feed(ProgressBar(out), 100)
    lines = out.getvalue().splitlines()
    assert lines[0] == "checked 10 of 100" and lines[-1] == "checked 100 of 100" and len(lines) == 10
    assert "\r" not in out.getvalue()
