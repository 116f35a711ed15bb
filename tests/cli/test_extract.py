"""``pricewatch extract`` run as a real process on files and on URLs served by the real page server."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pricewatch.cli import main
from tests.support.pageserver import PAGES_DIR, PageServer
from tests.support.poll import until

PAGE = """<!doctype html><html lang="en"><head><title>Kettle</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product",
 "name": "Steel Kettle", "offers": {"@type": "Offer", "price": "1299.00", "priceCurrency": "TRY",
 "availability": "https://schema.org/OutOfStock"}}</script></head>
<body><h1>Steel Kettle</h1></body></html>"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", "extract", *args],
        capture_output=True,
        text=True,
        timeout=90,
    )


def lines(proc: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.fixture(autouse=True)
def quick_politeness(pricewatch_home: Path) -> None:
    """The subprocess reads settings from PRICEWATCH_HOME: no 1 s per-host delay in these tests."""
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text("[fetch]\nper_host_delay = 0.0\n")


def test_files_in_input_order_with_errors(tmp_path: Path) -> None:
    plain = tmp_path / "kettle.html"
    plain.write_text(PAGE)
    packed = tmp_path / "kettle.html.gz"
    packed.write_bytes(gzip.compress(PAGE.encode()))
    missing = tmp_path / "missing.html"
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"\x1f\x8b" + b"not really gzip")
    proc = run("--json", str(plain), str(missing), str(packed), str(tmp_path), str(broken))
    assert proc.returncode == 0, proc.stderr
    rows = lines(proc)
    assert [r["source"] for r in rows] == [str(plain), str(missing), str(packed), str(tmp_path), str(broken)]
    assert list(rows[0]) == [
        "source", "price", "currency", "availability", "title", "offers", "methods", "error", "reason",
        "list_price", "confidence", "unsure", "evidence", "candidates", "price_selector",
    ]  # fmt: skip
    for row in (rows[0], rows[2]):
        assert (row["price"], row["currency"], row["availability"]) == ("1299.00", "TRY", "OutOfStock")
        assert row["title"] == "Steel Kettle" and row["error"] is None
        assert row["methods"]["price"] == "jsonld" and len(row["offers"]) == 1
        assert 0.6 <= row["confidence"] <= 1 and row["unsure"] is False
        assert row["evidence"][0].startswith("JSON-LD gives 1299.00")
        first = row["candidates"][0]
        assert (first["price"], first["source"], first["chosen"]) == ("1299.00", "jsonld", True)
    assert (rows[1]["confidence"], rows[1]["unsure"], rows[1]["candidates"]) == (0.0, False, [])
    assert rows[1]["error"] == "no such file" and rows[1]["price"] is None
    assert rows[3]["error"] and rows[4]["error"].startswith("cannot read the file")


def test_saved_pages_many_in_one_call() -> None:
    pages = sorted(PAGES_DIR.glob("peb_*.html.gz"))
    proc = run("--json", *map(str, pages))
    assert proc.returncode == 0, proc.stderr
    rows = lines(proc)
    assert [Path(r["source"]).name for r in rows] == [p.name for p in pages]
    assert all(r["error"] is None for r in rows)


def test_every_input_failing_exits_1(tmp_path: Path) -> None:
    proc = run("--json", str(tmp_path / "nope.html"), "ftp://shop.example/x")
    assert proc.returncode == 1
    rows = lines(proc)
    assert rows[0]["error"] == "no such file"
    assert "only http and https" in rows[1]["error"]


def test_no_input_is_a_usage_error() -> None:
    proc = run()
    assert proc.returncode == 2 and "PATH_OR_URL" in proc.stderr


def test_urls_through_the_real_fetcher(page_servers: PageServer, tmp_path: Path) -> None:
    page_server = page_servers
    page_server.add_robots("User-agent: *\nDisallow: /private\n")
    good = page_server.add("/kettle", PAGE)
    gone = page_server.add("/gone", "gone", status=404)
    private = page_server.add("/private/x", PAGE)
    page_server.add_rate_limited("/busy", 30)
    slow = page_server.url("/busy", page_server.addresses[1])  # its pause must not touch the other shop
    local = tmp_path / "k.html"
    local.write_text(PAGE)
    proc = run("--json", good, gone, str(local), private, slow)
    assert proc.returncode == 0, proc.stderr
    rows = lines(proc)
    assert [r["source"] for r in rows] == [good, gone, str(local), private, slow]
    assert rows[0]["price"] == "1299.00" and rows[0]["error"] is None
    assert "404" in rows[1]["error"]
    assert rows[2]["price"] == "1299.00"
    assert "robots.txt" in rows[3]["error"]
    assert "429" in rows[4]["error"]
    assert page_server.hits("/private/x") == 0
    assert page_server.headers("/kettle")["user-agent"].startswith("PriceWatch/")


def test_selector_applies_to_every_input(tmp_path: Path) -> None:
    page = tmp_path / "sel.html"
    page.write_text("<html><body><b>1,00 €</b><span id='p'>42,50 €</span></body></html>")
    rows = lines(run("--json", "--selector", "#p", str(page)))
    assert rows[0]["price"] == "42.50"


def test_table_output_is_readable_and_safe(tmp_path: Path) -> None:
    hostile = PAGE.replace("Steel Kettle", "Kettle\x1b[31mRED\u202eevil")
    page = tmp_path / "hostile.html"
    page.write_text(hostile)
    proc = run(str(page), str(tmp_path / "nope.html"))
    assert proc.returncode == 0, proc.stderr
    header, first, second = proc.stdout.splitlines()
    assert header.split()[:3] == ["SOURCE", "PRICE", "AVAILABILITY"]
    assert "1299.00 TRY" in first and "OutOfStock" in first
    assert "\x1b" not in proc.stdout and "\u202e" not in proc.stdout
    assert "error: no such file" in second


def test_in_process_entry_point(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "k.html"
    page.write_text(PAGE)
    assert main(["extract", "--json", str(page)]) == 0
    assert json.loads(capsys.readouterr().out)["currency"] == "TRY"


def test_urls_are_fetched_concurrently_and_printed_in_order(page_servers: PageServer) -> None:
    """The first URL's shop holds its answer until the second shop has been asked: only a concurrent
    fetch can finish; the output still follows the input order."""
    import threading

    first, second = page_servers.addresses
    release = threading.Event()

    def held() -> Iterator[bytes]:
        release.wait(20)
        yield PAGE.encode()

    page_servers.add("/held", held, length=None)
    page_servers.add("/quick", PAGE)
    urls = [page_servers.url("/held", first), page_servers.url("/quick", second)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "extract", "--json", *urls],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        until(
            lambda: page_servers.hits("/quick") and page_servers.hits("/held"),
            timeout=20,
            interval=0.01,
            message="both URLs fetched at once (the second URL was only fetched after the first finished)",
        )
        release.set()
        out, err = proc.communicate(timeout=60)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["source"] for r in rows] == urls
    assert all(r["price"] == "1299.00" for r in rows)
