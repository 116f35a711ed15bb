"""``pricewatch extract URL`` as a real process against a decompression bomb on a real local server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.support import bombs
from tests.support.pageserver import PageServer
from tests.support.processes import run_measured

PAGE = """<html><head><script type="application/ld+json">{"@type": "Product", "name": "Kettle",
 "offers": {"@type": "Offer", "price": "19.99", "priceCurrency": "EUR"}}</script></head></html>"""
MB = 1_000_000


def test_stacked_gzip_bomb_ends_in_a_clear_error_within_50_mb(
    page_server: PageServer, pricewatch_home: Path
) -> None:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text("[fetch]\nper_host_delay = 0.0\nrespect_robots = false\n")
    page = page_server.add("/kettle", PAGE)
    bomb = page_server.add("/bomb", bombs.stacked_gzip_bomb(), headers={"Content-Encoding": "gzip, gzip"})
    command = [sys.executable, "-m", "pricewatch", "extract", "--json"]

    baseline = run_measured([*command, page])
    assert baseline.returncode == 0, baseline.stderr
    assert json.loads(baseline.stdout)["price"] == "19.99"

    attacked = run_measured([*command, bomb])
    assert attacked.returncode == 1, attacked.stderr
    assert "Traceback" not in attacked.stderr
    (row,) = [json.loads(line) for line in attacked.stdout.splitlines()]
    assert row["error"].startswith("the page is larger than 10 MB"), row
    over = attacked.peak_rss - baseline.peak_rss
    assert over < 50 * MB, f"peak {attacked.peak_rss / MB:.0f} MB, baseline {baseline.peak_rss / MB:.0f} MB"
