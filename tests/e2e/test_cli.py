"""End to end: a new user's first session with the ``pricewatch`` command, as separate real processes.

Every step is its own ``python -m pricewatch`` process against one PRICEWATCH_HOME and a real page server on
127.0.0.1 serving a saved shop page and a page whose price the test changes between checks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.e2e import as_json, ok, run, widget
from tests.support.pageserver import PageServer

ARGOS = "peb_argos.co.uk_25910052eef8.html.gz"  # a real saved page: 34.99 GBP


def test_first_session_add_check_change_history_tasks(home: Path, page_server: PageServer) -> None:
    argos_url = page_server.add_page("/argos", ARGOS)
    widget_url = page_server.add("/widget", widget("100.00"))

    assert ok("add", argos_url, "--target", "30").stdout.strip() == f"added product 1: {argos_url}"
    assert ok("add", widget_url).stdout.strip() == f"added product 2: {widget_url}"
    listed = as_json("list")
    assert [(p["id"], p["url"], p["price"]) for p in listed] == [(1, argos_url, None), (2, widget_url, None)]
    assert listed[0]["target_price"] == "30"

    first = {row["id"]: row for row in as_json("check", "--all")}
    assert first[1]["state"] == first[2]["state"] == "SUCCESS"
    assert first[1]["detail"] == first[2]["detail"] == "first check"
    assert first[1]["new_price"] == "34.99 GBP"
    assert first[2]["new_price"] == "100.00 EUR"
    assert page_server.hits("/argos") == 1 and page_server.hits("/widget") == 1

    page_server.add("/widget", widget("89.90"))  # the shop lowers the price
    (second,) = as_json("check", "--sync", "2")
    assert (second["old_price"], second["new_price"]) == ("100.00 EUR", "89.90 EUR")
    assert second["state"] == "SUCCESS"
    assert second["detail"].startswith("changed")

    history = as_json("history", "2")
    assert history["product"]["title"] == "Widget Pro 3000"
    assert history["product"]["lowest_price"] == "89.90" and history["product"]["highest_price"] == "100.00"
    assert [(h["price"], h["currency"]) for h in history["history"]] == [("100.00", "EUR"), ("89.90", "EUR")]
    assert all(h["observed_at"].endswith("+00:00") for h in history["history"])  # aware UTC

    plain = ok("history", "2").stdout
    assert "Widget Pro 3000" in plain and "€89.90" in plain and "€100.00" in plain

    tasks = as_json("tasks")
    # The saved argos page's image lives on the shop's real CDN: thumbnails are off here, so no test ever
    # reaches beyond 127.0.0.1.
    assert not [t for t in tasks if t["name"] == "images.fetch_thumbnail"]
    assert tasks and all(t["state"] == "SUCCESS" for t in tasks)
    checks = [t for t in tasks if t["name"] == "price_tracking.check_product_price"]
    assert sorted(t["kwargs"]["product_id"] for t in checks) == [1, 2, 2]
    shown = ok("tasks", "show", checks[0]["id"]).stdout
    assert "price_tracking.check_product_price" in shown and "SUCCESS" in shown


def test_export_then_import_into_a_new_home_keeps_products_and_history(
    home: Path, page_server: PageServer, tmp_path: Path
) -> None:
    url = page_server.add("/widget", widget("10.00"))
    ok("add", url, "--target", "8.50")
    ok("check", "--all", "--sync")
    page_server.add("/widget", widget("9.00"))
    ok("check", "--all", "--sync")

    for fmt in ("json", "csv"):
        out = tmp_path / f"export.{fmt}"
        assert "exported 1 product" in ok("export", "--format", fmt, str(out)).stdout
        other = tmp_path / f"other-{fmt}"
        assert "1 new product" in ok("import", str(out), home=other).stdout
        again = ok("import", str(out), home=other).stdout  # a second import adds nothing
        assert "0 new products" in again and "1 already known" in again
        history = as_json("history", "1", home=other)
        assert history["product"]["url"] == url and history["product"]["target_price"] in ("8.50", "8.5")
        assert [h["price"] for h in history["history"]] == ["10.00", "9.00"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("add", "ftp://shop.example/item"), 2, "only http and https"),
        (("add", "not a url"), 2, "only http and https"),
        (("add", "https://shop.example/item", "--target", "cheap"), 2, "is not a price"),
        (("add", "https://shop.example/item", "--interval", "-5"), 2, "at least one minute"),
        (("history", "99"), 3, "no product with id 99"),
        (("remove", "99"), 3, "no product with id 99"),
        (("check", "99"), 3, "no product with id 99"),
        (("alerts", "99", "--target", "5"), 3, "no product with id 99"),
        (("alerts", "1", "--target", "abc"), 2, "not a number"),
        (("tasks", "show", "nope"), 3, "no task with id nope"),
        (("import", "/nonexistent/export.json"), 4, "cannot read"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_stored_changes(
    home: Path, page_server: PageServer, args: tuple[str, ...], code: int, message: str
) -> None:
    url = page_server.add("/widget", widget("10.00"))
    ok("add", url, "--target", "9")
    before = as_json("list")
    proc = run(*args)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert message in proc.stderr and proc.stderr.startswith("pricewatch")
    assert "Traceback" not in proc.stderr
    assert as_json("list") == before


def test_a_corrupt_settings_file_is_set_aside_and_the_command_still_works(home: Path) -> None:
    (home / "settings.toml").write_text("[fetch\nuser_agent = 'x'\n", encoding="utf-8")
    proc = ok("list")
    assert "not valid TOML" in proc.stderr
    assert not (home / "settings.toml").exists()
    kept = list(home.glob("settings.toml.bad-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").startswith("[fetch\n")
    assert "no products" in proc.stdout


def test_a_page_that_loses_its_price_or_fails_keeps_what_was_stored(
    home: Path, page_server: PageServer
) -> None:
    url = page_server.add("/widget", widget("42.00"))
    ok("add", url)
    ok("check", "--all", "--sync")

    page_server.add("/widget", "<html><head><title>Sorry</title></head><body>Page moved</body></html>")
    proc = run("check", "--all", "--sync", "--json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["state"] == "FAILURE" and "no price" in row["detail"].lower()

    page_server.add("/widget", "busy", status=503)
    proc = run("check", "--all", "--sync", "--json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["state"] == "FAILURE" and "503" in row["detail"]

    history = as_json("history", "1")
    assert history["product"]["price"] == "42.00"
    assert history["product"]["last_error"] and "503" in history["product"]["last_error"]
    assert [h["price"] for h in history["history"]] == ["42.00"]


def test_extract_json_reads_a_saved_file_and_a_url_and_says_why_others_failed(
    home: Path, page_server: PageServer, pages_dir: Path
) -> None:
    url = page_server.add_page("/argos", ARGOS)
    missing = page_server.add("/gone", "gone", status=404)
    proc = run("extract", "--json", str(pages_dir / ARGOS), url, missing, "ftp://shop.example/x")
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["source"] for line in lines] == [
        str(pages_dir / ARGOS),
        url,
        missing,
        "ftp://shop.example/x",
    ]
    for line in lines[:2]:
        assert (line["price"], line["currency"], line["error"]) == ("34.99", "GBP", None)
        assert "Tapo C200" in line["title"]
    assert lines[2]["price"] is None and "404" in lines[2]["error"]
    assert lines[3]["price"] is None and "only http and https" in lines[3]["error"]
    assert run("list", "--json").stdout.strip() == "[]"  # extract stores nothing


def test_a_damaged_database_is_reported_and_left_untouched(home: Path) -> None:
    damaged = b"SQLite format 3\x00" + b"\xff" * 4096  # a torn copy from a backup tool, say
    (home / "pricewatch.sqlite3").write_bytes(damaged)
    for args in (("list",), ("add", "https://shop.example/item"), ("check", "--all")):
        proc = run(*args)
        assert proc.returncode == 4, proc.stdout + proc.stderr
        assert "cannot open the database" in proc.stderr and "Traceback" not in proc.stderr
    assert (home / "pricewatch.sqlite3").read_bytes() == damaged
