"""Peak memory of ``pricewatch extract URL`` on decompression bombs, against the same command on a plain page.

Usage: .venv/bin/python bench/decompression_bomb.py

A local server serves a small product page and bombs that unpack to 400 MB (gzip; gzip twice, a few KB on
the wire; brotli). Each is read by a fresh ``pricewatch extract --json`` process in a scratch PRICEWATCH_HOME;
its peak RSS comes from wait4's ru_maxrss. The target is bomb peak < baseline peak + 50 MB, with a clear error
and no traceback. The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import bombs  # noqa: E402
from tests.support.pageserver import PageServer  # noqa: E402
from tests.support.processes import run_measured  # noqa: E402

PAGE = """<html><head><script type="application/ld+json">{"@type": "Product", "name": "Kettle",
 "offers": {"@type": "Offer", "price": "19.99", "priceCurrency": "EUR"}}</script></head></html>"""
MB = 1_000_000


def main() -> int:
    with tempfile.TemporaryDirectory() as home, PageServer() as server:
        Path(home, "settings.toml").write_text("[fetch]\nper_host_delay = 0.0\nrespect_robots = false\n")
        env = {**os.environ, "PRICEWATCH_HOME": home}
        command = [sys.executable, "-m", "pricewatch", "extract", "--json"]
        routes = {
            "plain": server.add("/kettle", PAGE),
            "gzip": server.add("/gzip", bombs.gzip_bomb(), headers={"Content-Encoding": "gzip"}),
            "gzip_gzip": server.add(
                "/stacked", bombs.stacked_gzip_bomb(), headers={"Content-Encoding": "gzip, gzip"}
            ),
            "br": server.add("/br", bombs.brotli_bomb(), headers={"Content-Encoding": "br"}),
        }
        figures: dict[str, str] = {}
        baseline = 0
        worst = 0.0
        clean = True
        for name, url in routes.items():
            run = run_measured([*command, url], env=env)
            row = json.loads(run.stdout.splitlines()[-1]) if run.stdout.strip() else {}
            clean &= "Traceback" not in run.stderr and (name == "plain") == (run.returncode == 0)
            if name == "plain":
                baseline = run.peak_rss
            over = (run.peak_rss - baseline) / MB
            worst = max(worst, over) if name != "plain" else worst
            outcome = row.get("error") or row.get("price")
            print(
                f"{name:10} peak {run.peak_rss / MB:6.0f} MB  over baseline {over:+6.1f} MB  "
                f"exit {run.returncode}  {run.seconds:.1f} s  {outcome}"
            )
            figures[f"{name}_peak_mb"] = f"{run.peak_rss / MB:.0f}"
        figures["worst_over_baseline_mb"] = f"{worst:.1f}"
        figures["clean_errors"] = str(clean).lower()
        print(" ".join(f"{k}={v}" for k, v in figures.items()))
        return 0 if clean and worst < 50 else 1


if __name__ == "__main__":
    raise SystemExit(main())
