"""``pricewatch extract`` on pages whose price only a browser sees: a real command, helper and server."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support.browser_pages import serve_shop
from tests.support.pageserver import PageServer


def extract(*args: str) -> list[dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", "extract", "--json", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_auto_mode_prints_the_price_a_script_writes(page_server: PageServer) -> None:
    serve_shop(page_server)
    (row,) = extract(page_server.url("/script"))
    assert row["price"] == "49.90" and row["currency"] == "EUR" and row["fetcher"] == "browser"


def test_plain_mode_says_the_page_needs_a_browser_and_browser_mode_reads_it(page_server: PageServer) -> None:
    serve_shop(page_server)
    plain, browser = (
        extract("--plain", page_server.url("/fetched")),
        extract("--browser", page_server.url("/plain")),
    )
    assert plain[0]["price"] is None and str(plain[0]["reason"]).startswith("no price, page needs a browser")
    assert plain[0]["fetcher"] == "plain"
    assert browser[0]["price"] == "19.99" and browser[0]["fetcher"] == "browser"
