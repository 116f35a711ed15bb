"""Measure the browser fetcher against plain fetches of the same local pages, its memory, and the parent's
event loop while it works.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/browser_fetch.py [--rounds 15] [--checks 100]

The test pages (tests/support/browser_pages.py: a price written by a script, a price fetched from a JSON
endpoint, a plain page, a bot check passed once) are served by a separate process, so the server's threads do
not compete with the parent for the GIL. For each page: median and p95 wall time of ``--rounds`` browser
renders and of as many plain fetches. Then ``--checks`` browser fetches run from 4 worker threads (the
fetcher renders 2 pages at a time) while the main thread runs a Qt event loop with a 5 ms timer; the longest
gap between two timer ticks beyond 5 ms is the stall a window would feel. The helper's peak memory is the
memory of the helper and its renderer processes together (PSS, and the RSS sum as an upper bound), sampled
every 50 ms throughout.
Targets: median render <= 1.5 s, helper RSS <= 500 MB, stall <= 50 ms. The last line holds the figures as
key=value pairs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pricewatch.scraping.browser import BrowserFetcher, BrowserSettings
from pricewatch.scraping.browser.cookies import CookieFile, SharedCookieJar
from pricewatch.scraping.extract import extract
from pricewatch.scraping.fetch import Fetcher, FetchSettings

PAGES = ("/script", "/fetched", "/plain", "/guarded")
SERVER = """
import sys
sys.path.insert(0, sys.argv[1])
from tests.support.browser_pages import serve_shop
from tests.support.pageserver import PageServer
server = PageServer().start()
serve_shop(server)
print(server.url("/"), flush=True)
sys.stdin.read()
server.close()
"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class RssSampler(threading.Thread):
    """Peak memory of the helper and its renderers: PSS (shared pages split among them, what the ceiling
    uses) and the plain sum of their RSS (shared pages counted in each: an upper bound)."""

    def __init__(self, browser: BrowserFetcher) -> None:
        super().__init__(daemon=True)
        self.browser = browser
        self.peak = 0
        self.peak_rss_sum = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, self.browser.helper_rss())
            self.peak_rss_sum = max(self.peak_rss_sum, self._rss_sum())

    def _rss_sum(self) -> int:
        pid = self.browser.helper_pid
        if pid is None:
            return 0
        try:
            root = psutil.Process(pid)
            return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
        except psutil.Error:
            return 0


def timed(fetch: object, url: str, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = fetch(url)  # type: ignore[operator]
        times.append(time.perf_counter() - started)
        assert result.status == 200
    return times


def stall_during_checks(browser: BrowserFetcher, urls: list[str]) -> tuple[float, float, int]:
    """(longest stall ms, wall s, failures) of len(urls) browser fetches under a Qt event loop."""
    from PySide6.QtCore import QCoreApplication, QTimer

    app = QCoreApplication.instance() or QCoreApplication([])
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    failures = [0]
    pool = ThreadPoolExecutor(4)

    def one(url: str) -> None:
        try:
            browser.fetch(url)
        except Exception:
            failures[0] += 1

    started = time.perf_counter()
    futures = [pool.submit(one, url) for url in urls]
    done_timer = QTimer()
    done_timer.setInterval(20)
    done_timer.timeout.connect(lambda: all(f.done() for f in futures) and app.quit())
    timer.start()
    done_timer.start()
    last[0] = time.perf_counter()
    app.exec()
    wall = time.perf_counter() - started
    timer.stop()
    pool.shutdown()
    stall = max((gap - 0.005 for gap in gaps[1:]), default=0.0) * 1000
    return max(0.0, stall), wall, failures[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--checks", type=int, default=100)
    args = parser.parse_args()
    root = str(Path(__file__).resolve().parent.parent)
    command = [sys.executable, "-c", SERVER, root]
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stdin is not None
    base = server.stdout.readline().strip().rstrip("/")
    folder = Path(tempfile.mkdtemp(prefix="pw-browser-bench-"))
    figures: dict[str, object] = {}
    try:
        # Plain fetches share the browser's cookie file: past the bot check once, they get the page too.
        jar = SharedCookieJar(CookieFile(folder / "cookies.json"))
        plain = Fetcher(FetchSettings(per_host_delay=0.0, per_host_concurrency=8), cookies=jar)
        browser = BrowserFetcher(BrowserSettings(folder=folder, queue_limit=args.checks + 10), plain=plain)
        sampler = RssSampler(browser)
        sampler.start()
        browser.fetch(base + "/plain")  # the helper's start is not a page's render time
        browser.fetch(base + "/guarded")  # the bot check is passed once, as a user's first check would
        renders: list[float] = []
        print(f"{'page':<10} {'browser median':>15} {'p95':>8} {'plain median':>13} {'p95':>8}  price")
        for path in PAGES:
            url = base + path
            times = timed(browser.fetch, url, args.rounds)
            plain_times = timed(lambda u: plain.fetch(u, use_cache=False), url, args.rounds)
            renders += times
            price = extract(browser.fetch(url).html or "").price
            browser_cols = f"{statistics.median(times) * 1000:>12.0f} ms {p95(times) * 1000:>5.0f} ms"
            plain_cols = (
                f"{statistics.median(plain_times) * 1000:>10.1f} ms {p95(plain_times) * 1000:>5.1f} ms"
            )
            print(f"{path:<10} {browser_cols} {plain_cols}  {price}")
            key = path.strip("/")
            figures[f"{key}_render_median_ms"] = round(statistics.median(times) * 1000)
            figures[f"{key}_plain_median_ms"] = round(statistics.median(plain_times) * 1000, 1)
        figures["render_median_ms"] = round(statistics.median(renders) * 1000)
        figures["render_p95_ms"] = round(p95(renders) * 1000)
        urls = [base + PAGES[i % len(PAGES)] for i in range(args.checks)]
        stall, wall, failures = stall_during_checks(browser, urls)
        sampler.stop.set()
        sampler.join()
        figures["checks"] = args.checks
        figures["checks_wall_s"] = round(wall, 1)
        figures["check_failures"] = failures
        figures["loop_stall_ms"] = round(stall, 1)
        figures["helper_peak_pss_mb"] = round(max(sampler.peak, browser.peak_rss) / 1e6)
        figures["helper_peak_rss_sum_mb"] = round(sampler.peak_rss_sum / 1e6)
        figures["helpers_started"] = browser.started
        browser.close()
        plain.close()
    finally:
        server.stdin.close()
        server.wait(10)
    f = figures
    print(
        f"render median {f['render_median_ms']} ms (target <= 1500);"
        f" helper peak {f['helper_peak_pss_mb']} MB PSS,"
        f" {f['helper_peak_rss_sum_mb']} MB RSS summed (target <= 500); loop stall {f['loop_stall_ms']} ms"
        f" (target <= 50) during {args.checks} browser fetches in {f['checks_wall_s']} s"
    )
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
