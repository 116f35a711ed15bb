"""End to end: notifications as a user meets them, through real processes and a real dunst on a private D-Bus
session bus (tests/support/desktop.py), and without any desktop at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.desktop import DesktopSession
from tests.support.e2e import widget
from tests.support.pageserver import PageServer

SETTINGS = """
[fetch]
per_host_delay = 0.0

[tasks]
retry_base_delay = 0.01
retry_max_delay = 0.05
max_retries = 1

[notify]
tray = false
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args],
        capture_output=True, text=True, timeout=90, env=os.environ.copy(), stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture
def home(pricewatch_home: Path) -> Path:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    return pricewatch_home


def test_notify_reaches_the_desktop_and_is_logged(home: Path, desktop_session: DesktopSession) -> None:
    proc = run("notify", "Hello from QA", "Body with <b>markup</b>\x1b[31m and a control char")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "desktop:" in proc.stdout and "SENT" in proc.stdout
    (got,) = desktop_session.wait_for(1)
    assert got["appname"] == "PriceWatch" and got["summary"] == "Hello from QA"
    assert "\x1b" not in got["body"] and "<b>" not in got["body"] and "markup" in got["body"]
    log = run("notifications").stdout
    assert "SENT" in log and "Hello from QA" in log


def test_notify_without_a_desktop_says_why_and_logs_the_failure(home: Path) -> None:
    # The autouse no_real_desktop fixture removed DISPLAY and DBUS_SESSION_BUS_ADDRESS: a bare terminal.
    proc = run("notify", "Nobody listens", "body")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "no desktop session" in proc.stdout and "FAILED" in proc.stdout
    assert "Traceback" not in proc.stderr
    log = run("notifications").stdout
    assert "FAILED" in log and "Nobody listens" in log and "no desktop session" in log


def test_a_price_drop_found_by_check_pops_up_once(
    home: Path, page_server: PageServer, desktop_session: DesktopSession
) -> None:
    url = page_server.add("/widget", widget("100.00"))
    assert run("add", url, "--target", "80").returncode == 0
    assert run("alerts", "1", "--drop-percent", "5").returncode == 0
    first = run("check", "--all", "--json")
    assert first.returncode == 0, first.stderr
    assert desktop_session.daemon_count() == 0  # the first price is no drop and above the target

    page_server.add("/widget", widget("75.00"))
    second = run("check", "--all", "--json")
    assert second.returncode == 0, second.stderr
    (row,) = json.loads(second.stdout)
    assert row["new_price"] == "75.00 EUR" and row["notifications"] >= 1
    received = desktop_session.wait_for(1)
    summaries = " ".join(n["summary"] for n in received)
    assert "Widget Pro 3000" in summaries
    assert "75.00" in " ".join(n["body"] for n in received)
    count = desktop_session.daemon_count()

    third = run("check", "--all", "--json")  # same price again: no repeat pop-up
    assert third.returncode == 0, third.stderr
    assert desktop_session.daemon_count() == count
    rules = {r["kind"]: r for r in json.loads(run("alerts", "1", "--json").stdout)["rules"]}
    assert rules["target_price"]["state"] == "fired" and rules["target_price"]["last_fired_at"]


def test_back_in_stock_is_told_once_when_a_sold_out_product_returns(
    home: Path, page_server: PageServer
) -> None:
    with open(home / "settings.toml", "a", encoding="utf-8") as settings:
        settings.write("desktop = false\n")  # no desktop here: the notification log still records
    url = page_server.add("/boots", widget("59.00", "OutOfStock"))
    assert run("add", url).returncode == 0
    assert run("alerts", "1", "--back-in-stock").returncode == 0
    assert run("check", "--all").returncode == 0
    assert json.loads(run("notifications", "--json").stdout) == []  # sold out: nothing to say yet

    page_server.add("/boots", widget("59.00", "InStock"))
    for _ in range(2):  # the second check sees the same stock: no second notification
        proc = run("check", "--all", "--json")
        assert proc.returncode == 0, proc.stdout + proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["availability"] == "InStock"
    (note,) = json.loads(run("notifications", "--json").stdout)
    assert note["product_id"] == 1 and "stock" in (note["title"] + note["message"]).lower()
    assert "Widget Pro 3000" in note["title"] + note["message"]


def test_a_product_added_from_the_cli_tells_of_its_return_on_the_desktop_by_default(
    home: Path, page_server: PageServer, desktop_session: DesktopSession
) -> None:
    """No `pricewatch alerts` call: the default rules a new product gets from every front end do it."""
    url = page_server.add("/boots", widget("59.00", "OutOfStock"))
    assert run("add", url).returncode == 0
    kinds = [r["kind"] for r in json.loads(run("alerts", "1", "--json").stdout)["rules"]]
    assert kinds == ["back_in_stock"]
    assert run("check", "--all").returncode == 0
    assert desktop_session.daemon_count() == 0  # sold out: nothing to say yet

    page_server.add("/boots", widget("59.00", "InStock"))
    assert run("check", "--all").returncode == 0
    (got,) = desktop_session.wait_for(1)
    assert got["appname"] == "PriceWatch" and "Widget Pro 3000" in got["summary"] + got["body"]
    assert "stock" in (got["summary"] + got["body"]).lower()
