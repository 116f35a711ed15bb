"""Load the local HTTP API the way scripts use it: many clients start scrapes and poll until each one is done.

Usage: .venv/bin/python bench/api_load.py [--clients 200] [--seconds 30] [--poll 0.2] [--pages 50]

Three processes, as in real use: ``pricewatch serve --api --port 0`` (engine, scheduler and API, in a fresh
PRICEWATCH_HOME with per-host politeness relaxed for loopback), a page server with ``--pages`` small product
pages (each scrape adds a unique query string, so every scrape is a real fetch, never a cache hit), and this
process with ``--clients`` concurrent httpx.AsyncClient clients. For ``--seconds`` each client loops: POST
/tasks/scrape, then GET /tasks/{id}/status every ``--poll`` seconds until the task is final. After the
deadline no new scrape starts; tasks in flight get up to 60 s to finish. Every request's latency is recorded;
an error is any request that fails or answers with an unexpected status.

The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import re
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# httpcore tries ``import sniffio`` on every request; where sniffio is not installed, each failed import
# searches sys.path on disk again, which made this process (not the server) the bottleneck. A None entry
# makes that import fail at once, as it would anyway.
if importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parent.parent
FINAL = {"SUCCESS", "FAILURE", "REVOKED"}
GRACE_SECONDS = 60.0

PAGE_SERVER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from tests.support.pageserver import PageServer
pages = int(sys.argv[2])
server = PageServer().start()
for i in range(pages):
    price = f"{10 + i}.99"
    server.add(f"/item/{i}", f'''<!doctype html><html><head><title>Item {i}</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "Product", "name": "Item {i}",
"offers": {{"@type": "Offer", "price": "{price}", "priceCurrency": "EUR",
"availability": "https://schema.org/InStock"}}}}</script></head><body><h1>Item {i}</h1></body></html>''')
print(json.dumps({"base": server.url("/")}), flush=True)
sys.stdin.read()  # serve until the benchmark closes our stdin
server.close()
"""

SETTINGS = """[fetch]
per_host_delay = 0.0
per_host_concurrency = 16
respect_robots = false

[tasks]
scraping_concurrency = 16
"""


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    submitted: set[str] = field(default_factory=set)
    finished: dict[str, str] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what)


async def timed(
    tally: Tally, client: httpx.AsyncClient, method: str, path: str, **kw: object
) -> httpx.Response | None:
    start = time.perf_counter()
    try:
        response = await client.request(method, path, **kw)  # type: ignore[arg-type]
    except httpx.HTTPError as exc:
        tally.error(f"{method} {path}: {type(exc).__name__}: {exc}")
        return None
    finally:
        elapsed = time.perf_counter() - start
        tally.latencies.append(elapsed)
        tally.by_kind.setdefault(method, []).append(elapsed)
    if response.status_code != 200:
        tally.error(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return None
    return response


async def client_loop(n: int, api: str, token: str, pages: str, args: argparse.Namespace, tally: Tally,
                      stop_at: float, give_up_at: float, tls: ssl.SSLContext) -> None:  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=api, headers=headers, timeout=30, verify=tls) as client:
        i = 0
        while time.monotonic() < stop_at:
            url = f"{pages}item/{(n + i) % args.pages}?client={n}&n={i}"
            i += 1
            started = await timed(tally, client, "POST", "/api/v1/tasks/scrape", json={"url": url})
            if started is None:
                continue
            task_id = started.json()["task_id"]
            tally.submitted.add(task_id)
            while time.monotonic() < give_up_at:
                await asyncio.sleep(args.poll)
                polled = await timed(tally, client, "GET", f"/api/v1/tasks/{task_id}/status")
                if polled is not None and polled.json()["status"] in FINAL:
                    tally.finished[task_id] = polled.json()["status"]
                    break


async def load(api: str, token: str, pages: str, args: argparse.Namespace) -> tuple[Tally, float]:
    tally = Tally()
    # One TLS context for all clients: httpx builds one per client otherwise (~50 ms of CPU each, certificate
    # store included), which blocked this process's event loop for seconds at the start and counted as API
    # latency. The API is plain http; each client still has its own connections, as separate scripts would.
    tls = ssl.create_default_context()
    start = time.monotonic()
    stop_at = start + args.seconds
    clients = [
        client_loop(n, api, token, pages, args, tally, stop_at, stop_at + GRACE_SECONDS, tls)
        for n in range(args.clients)
    ]
    await asyncio.gather(*clients)
    return tally, time.monotonic() - start


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc), 0.0 where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_serve(home: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PRICEWATCH_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "serve", "--api", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"API at (http://\S+?);", line) or re.search(r"API at (http://\S+)", line)
    if found is None:
        proc.kill()
        raise SystemExit(
            f"pricewatch serve did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    return proc, found.group(1).rstrip(",")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--poll", type=float, default=0.2, help="seconds between status polls of one client")
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="pricewatch-api-bench-") as tmp:
        home = Path(tmp)
        (home / "settings.toml").write_text(SETTINGS, encoding="utf-8")
        pages_proc = subprocess.Popen(
            [sys.executable, "-c", PAGE_SERVER, str(ROOT), str(args.pages)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert pages_proc.stdout is not None and pages_proc.stdin is not None
        pages = json.loads(pages_proc.stdout.readline())["base"]
        serve, api = start_serve(home)
        try:
            token = (home / "api-token").read_text(encoding="utf-8").strip()
            server_cpu, own_cpu = _cpu_seconds(serve.pid), time.process_time()
            tally, wall = asyncio.run(load(api, token, pages, args))
            server_cpu, own_cpu = _cpu_seconds(serve.pid) - server_cpu, time.process_time() - own_cpu
        finally:
            serve.terminate()
            try:
                serve.wait(60)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.wait()
            pages_proc.stdin.close()
            pages_proc.wait(30)

    requests = len(tally.latencies)
    ms = sorted(x * 1000 for x in tally.latencies) or [0.0]
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    unfinished = len(tally.submitted) - len(tally.finished)
    states = {s: list(tally.finished.values()).count(s) for s in sorted(FINAL)}
    print(f"clients={args.clients} seconds={args.seconds:g} poll_s={args.poll:g} wall_s={wall:.1f}")
    print(f"requests={requests} submitted_tasks={len(tally.submitted)} final_states={states}")
    for method, values in sorted(tally.by_kind.items()):
        kind = sorted(x * 1000 for x in values)
        p99_kind = kind[int(len(kind) * 0.99)]
        print(f"{method}: n={len(kind)} p50_ms={statistics.median(kind):.1f} p99_ms={p99_kind:.1f}")
    verdict = "yes" if unfinished == 0 else f"NO ({unfinished} still open)"
    print(f"every submitted task reached a final state: {verdict}")
    print(f"serve exit code: {serve.returncode}")
    for sample in tally.error_samples:
        print(f"error: {sample}")
    print(
        f"requests_per_s={requests / wall:.1f} p50_ms={p50:.1f} p99_ms={p99:.1f} errors={tally.errors} "
        f"unfinished_tasks={unfinished} tasks_per_s={len(tally.finished) / wall:.1f} "
        f"failed_tasks={states['FAILURE'] + states['REVOKED']} "
        # CPU per request (the server's includes the scrapes' own work): less at the mercy of other load on
        # the machine than latencies are
        f"server_cpu_ms_per_request={server_cpu * 1000 / max(1, requests):.2f} "
        f"client_cpu_ms_per_request={own_cpu * 1000 / max(1, requests):.2f} "
        f"load_average={os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
