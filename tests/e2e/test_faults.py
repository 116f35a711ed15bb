"""End to end: shops misbehaving under a user's ``pricewatch check`` (real processes, real page server).

A shop that rate-limits once is retried and the price stored; pages that can never be read (redirect loop,
20 MB, not HTML, robots.txt says no) fail with a reason the user can act on and store nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.e2e import as_json, ok, run, widget
from tests.support.pageserver import PageServer, Reply


@pytest.mark.parametrize("status", [429, 503])
def test_a_shop_that_asks_to_wait_once_is_retried_and_the_price_stored(
    home: Path, page_server: PageServer, status: int
) -> None:
    url = page_server.add_sequence(
        "/busy",
        [Reply(body="slow down", status=status, headers={"Retry-After": "1"}), Reply(widget("15.00"))],
    )
    ok("add", url)
    (row,) = as_json("check", "--all", "--sync")
    assert (row["state"], row["new_price"], row["detail"]) == ("SUCCESS", "15.00 EUR", "first check")
    assert page_server.hits("/busy") == 2
    (check,) = [t for t in as_json("tasks") if t["name"] == "price_tracking.check_product_price"]
    assert check["retries"] == 1


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        (lambda s: (s.add_redirect("/a", "/b"), s.add_redirect("/b", "/a"))[0], "loop"),
        (lambda s: s.add_huge("/huge", 20 * 1024 * 1024), "larger than"),
        (lambda s: s.add("/data", '{"price": 1}', content_type="application/json"), "not a web page"),
        (lambda s: s.add("/gone", "gone", status=404), "404"),
        (
            lambda s: (s.add_robots("User-agent: *\nDisallow: /\n"), s.add("/private", widget("1.00")))[1],
            "robots",
        ),
    ],
    ids=["redirect-loop", "20MB", "json", "404", "robots"],
)
def test_a_page_that_cannot_be_read_fails_with_a_reason_and_stores_nothing(
    home: Path, page_server: PageServer, setup: object, reason: str
) -> None:
    url = setup(page_server)  # type: ignore[operator]
    ok("add", url)
    proc = run("check", "--all", "--sync", "--json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["state"] == "FAILURE" and reason in row["detail"].lower(), row
    product = as_json("history", "1")
    assert product["history"] == [] and product["product"]["price"] is None
    assert reason in product["product"]["last_error"].lower()
    assert len(product["product"]["last_error"]) < 500  # a message, not a page dump
