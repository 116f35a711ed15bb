"""Measure a full price check of many products through the task engine against slow local "shops".

Usage: .venv/bin/python bench/check_throughput.py [--products 1000] [--hosts 20] [--latency 0.1]
       [--concurrency N] [--corpus DIR] [--inline] [--browser]

Pages from the shared corpus (``html/*.html.gz``) are served by a separate process on 20 loopback addresses
(127.0.0.1 .. 127.0.0.20), each response delayed by 100 ms. A fresh PriceWatch home gets ``--products``
products; ``check_prices(force=True)`` runs through the threads executor with the shipped scraping concurrency
and per-host politeness (delay, per-host limit, robots.txt) relaxed. The browser fallback is off unless
``--browser``: the saved pages' scripts, styles and images live on the real shops' servers, out of reach here,
so a render waits for them up to its deadline, which no latency bound covers (checks that went to the browser
are counted in the output).

Extraction runs in the pool of worker processes as shipped (``--inline``: on the task threads, for
comparison); a check waiting for its page's extraction stands aside, so its slot of the scraping concurrency
(a connection) serves the next check meanwhile, as shipped. The lower bound is the larger of the network
time (requests x latency / concurrency) and the extraction CPU time of the same pages, measured in this run,
spread over the cores. ratio = wall / bound (target <= 1.3). peak_rss_mb is the engine process;
pool_peak_rss_mb adds up the peaks of its helper processes (workers, resource tracker; shared library pages
counted in each). The last line holds the figures as key=value pairs, with the load average before the run
(other work on the machine skews wall time).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "html"

# The page server runs in its own process, so serving 1,000 pages does not take the GIL from the engine.
SERVER = r"""
import gzip, json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.support.pageserver import PageServer
files = json.loads(sys.argv[2]); hosts = int(sys.argv[3]); latency = float(sys.argv[4])
server = PageServer([f"127.0.0.{i}" for i in range(1, hosts + 1)]).start()
for i, name in enumerate(files):
    body = gzip.decompress(Path(name).read_bytes())
    server.add(f"/page/{i}", body, delay=latency, content_type="text/html")
print(json.dumps({a: server.port(a) for a in server.addresses}), flush=True)
sys.stdin.read()  # serve until the benchmark closes our stdin
server.close()
"""


def extraction_cpu_seconds(files: list[Path], products: int) -> float:
    """CPU time to decode and extract each product's page once (the work a check does besides waiting)."""
    from pricewatch.scraping.charset import decode_html
    from pricewatch.scraping.extract import extract

    per_page = []
    for path in files:
        raw = gzip.decompress(path.read_bytes())
        start = time.process_time()
        extract(decode_html(raw), "https://shop.example/item")
        per_page.append(time.process_time() - start)
    return sum(per_page[i % len(files)] for i in range(products))


def helper_figures(processes: list[Any]) -> tuple[float, float]:
    """CPU seconds and summed peak RSS (VmHWM, MB) of the extraction pool's processes (fork server, workers,
    resource tracker): the engine process's own peak does not include them."""
    cpu = peak_kb = 0.0
    for process in processes:
        try:
            cpu += sum(process.cpu_times()[:2])
            status = Path(f"/proc/{process.pid}/status").read_text()
        except (OSError, psutil_errors()):
            continue
        peaks = [float(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
        peak_kb += sum(peaks)
    return cpu, peak_kb / 1024


def psutil_errors() -> type[Exception]:
    import psutil

    return psutil.Error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    from pricewatch.config import TaskOptions

    default = TaskOptions().scraping_concurrency
    parser.add_argument(
        "--concurrency",
        type=int,
        default=default,
        help=f"scraping queue concurrency (default: {default}, as shipped)",
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--inline", action="store_true", help="extract on the task threads (tasks.extract_in_processes off)"
    )
    parser.add_argument(
        "--browser", action="store_true", help="let 'auto' fall back to the browser (renders are not bounded)"
    )
    args = parser.parse_args()

    files = sorted(args.corpus.glob("*.html.gz"))
    if not files:
        raise SystemExit(f"no *.html.gz pages in {args.corpus}")
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(ROOT), json.dumps([str(f) for f in files]), str(args.hosts),
         str(args.latency)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None and server.stdin is not None
    ports: dict[str, int] = json.loads(server.stdout.readline())
    addresses = sorted(ports)
    home = tempfile.mkdtemp(prefix="pricewatch-check-bench-")
    os.environ["PRICEWATCH_HOME"] = home
    try:
        return run(args, files, ports, addresses, server.pid)
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)


def run(
    args: argparse.Namespace, files: list[Path], ports: dict[str, int], addresses: list[str], server_pid: int
) -> int:
    import psutil

    from pricewatch.app import PriceWatch

    server = psutil.Process(server_pid)

    app = PriceWatch(executor="threads")
    fetch, tasks = app.settings.fetch, app.settings.tasks
    fetch.per_host_delay = 0.0
    fetch.per_host_concurrency = args.concurrency  # relaxed for the run: the bound assumes no per-host limit
    fetch.respect_robots = False
    fetch.thumbnails = False  # the corpus pages' images live on the real shops' servers, out of reach here
    app.settings.browser.enabled = args.browser  # so do their scripts and styles: see the module docstring
    tasks.scraping_concurrency = args.concurrency
    tasks.max_retries = 0
    tasks.extract_in_processes = not args.inline
    try:
        with app.db.transaction():
            for i in range(args.products):
                address = addresses[i % len(addresses)]
                app.add_product(f"http://{address}:{ports[address]}/page/{i % len(files)}?p={i}")
        cpu = extraction_cpu_seconds(files, args.products)
        app.start(scheduler=False)
        server_cpu = sum(server.cpu_times()[:2])
        load_before = os.getloadavg()[0]  # other work on the machine skews wall time
        started, cpu_started = time.perf_counter(), time.process_time()
        root = app.check_prices(force=True)
        record = app.wait_for_task(root, timeout=3600)
        wall = time.perf_counter() - started
        durations = (
            app.db.conn()
            .execute(
                "SELECT avg((julianday(finished_at) - julianday(started_at)) * 86400000),"
                " avg((julianday(started_at) - julianday(queued_at)) * 86400000)"
                " FROM tasks WHERE name = 'price_tracking.check_product_price'"
            )
            .fetchone()
        )
        browser_reads = (
            app.db.conn()
            .execute(
                "SELECT count(*) FROM tasks WHERE name = 'price_tracking.check_product_price'"
                " AND json_valid(result) AND json_extract(result, '$.fetcher') = 'browser'"
            )
            .fetchone()[0]
        )
        run_cpu = time.process_time() - cpu_started
        server_cpu = sum(server.cpu_times()[:2]) - server_cpu
        helpers = [p for p in psutil.Process().children(recursive=True) if p.pid != server_pid]
        pool_cpu, pool_peak_mb = helper_figures(helpers)  # before close(): the workers exit then
    finally:
        app.close()
    result = record.result or {}
    cores = os.cpu_count() or 1
    network = args.products * args.latency / args.concurrency
    bound = max(network, cpu / cores)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"products={args.products} hosts={len(addresses)} latency_s={args.latency}", end=" ")
    print(f"concurrency={args.concurrency} cores={cores}")
    print(f"checks: {result.get('succeeded')} succeeded, {result.get('failed')} failed", end="; ")
    print(f"read by the browser: {browser_reads} (fallback {'on' if args.browser else 'off'})")
    print(f"network bound {network:.2f} s; extraction CPU {cpu:.2f} s / {cores} cores = {cpu / cores:.2f} s")
    # Where the time went: the engine process's CPU near 100 % of one core means the GIL is the limit.
    print(
        f"CPU during the check: engine process {run_cpu:.2f} s ({run_cpu / wall:.0%} of one core),", end=" "
    )
    print(f"page server {server_cpu:.2f} s; load average before {load_before:.1f}")
    mode = "inline on the task threads" if args.inline else f"{len(helpers)} helper processes"
    print(f"extraction: {mode}; their CPU {pool_cpu:.2f} s, their peak RSS together {pool_peak_mb:.0f} MB")
    print(f"check tasks: {durations[0]:.0f} ms running on average (latency {args.latency * 1000:.0f} ms)")
    print(
        f"wall_s={wall:.2f} bound_s={bound:.2f} ratio={wall / bound:.2f} peak_rss_mb={peak_rss_mb:.0f}"
        f" pool_peak_rss_mb={pool_peak_mb:.0f} load={load_before:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
