"""Scale-out: 2,000 checks through the local pool, then through 1, 2 and 4 Celery worker processes.

Usage: .venv/bin/python bench/scale_out.py [--products 2000] [--latency 0.1] [--hosts 20] [--workers 1,2,4]
       [--brokers redis,rabbitmq] [--worker-concurrency 8] [--in-flight 32]

A local shop (a page server in its own process, on ``--hosts`` loopback addresses 127.0.0.1..N, each answer
delayed by ``--latency``) serves one product page per product. Each setup gets a fresh PriceWatch home and
the same products, and checks them all as one batch (``check_prices``):

- ``local``: the threads executor as shipped (scraping concurrency 8, extraction in worker processes), and
  ``local-32``: the same with 32 checks at once (what the Celery coordinator keeps in flight);
- ``redis-N`` / ``rabbitmq-N``: ``executor = "celery"`` with N ``pricewatch worker`` processes (threads pool,
  ``--worker-concurrency`` each) on a real redis-server or rabbitmq-server (results in Redis for both).

Per setup it prints checks/s and two counts that must be 0: ``lost`` (checks that did not end SUCCESS, or a
product without its reading) and ``duplicated`` (a product with its reading stored more than once). On a
machine with few cores the gain is bounded: the coordinator (journal, storing) and every worker's extraction
share those cores, so past the point where the network wait is hidden, more workers only add contention.
Politeness is relaxed (no delay, 8 per host) and robots.txt off, so it is not what is measured.
The last line holds every setup's checks/s and the totals as key=value pairs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The page server runs in its own process, so serving pages does not take the GIL from the coordinator. It
# answers "hits PREFIX" on stdin with the number of requests per page path under that prefix.
SERVER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from tests.support.pageserver import PageServer
from tests.support.coordinator import shop_page
products, hosts, latency = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
setups = json.loads(sys.argv[5])
server = PageServer([f"127.0.0.{i}" for i in range(1, hosts + 1)]).start()
filler = "<ul>" + "".join(f"<li class='spec'>Feature {i}: value {i * 7}</li>" for i in range(300)) + "</ul>"
for setup in setups:
    for i in range(products):
        page = shop_page(f"{10 + i % 90}.{i % 100:02d}", f"Product {i}")
        page = page.replace("</body>", filler + "</body>")
        server.add(f"/{setup}/p{i}", page, delay=latency)
print(json.dumps({a: server.port(a) for a in server.addresses}), flush=True)
for line in sys.stdin:
    prefix = line.split(maxsplit=1)[1].strip()
    counts = {}
    for seen in server.requests():
        if seen.path.startswith(prefix):
            counts[seen.path] = counts.get(seen.path, 0) + 1
    print(json.dumps(counts), flush=True)
server.close()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to try (default 1,2,4)")
    parser.add_argument("--brokers", default="redis,rabbitmq")
    parser.add_argument("--worker-concurrency", type=int, default=8, help="threads per worker process")
    parser.add_argument("--in-flight", type=int, default=32, help="checks the coordinator keeps on workers")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",") if n]
    brokers = [b for b in args.brokers.split(",") if b]
    setups = ["local", "local-32"] + [f"{b}-{n}" for b in brokers for n in counts]

    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(ROOT), str(args.products), str(args.hosts), str(args.latency),
         json.dumps(setups)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stdout is not None and server.stdin is not None
    ports: dict[str, int] = json.loads(server.stdout.readline())
    root = Path(tempfile.mkdtemp(prefix="pricewatch-scale-out-"))
    from tests.support.brokers import RabbitServer, RedisServer

    redis = RedisServer(root / "redis").start()
    rabbit = RabbitServer(root / "rabbit").start() if "rabbitmq" in brokers else None
    figures: dict[str, dict[str, Any]] = {}
    try:
        for setup in setups:

            def hits(prefix: str) -> dict[str, int]:
                assert server.stdin is not None and server.stdout is not None
                server.stdin.write(f"hits {prefix}\n")
                server.stdin.flush()
                counted: dict[str, int] = json.loads(server.stdout.readline())
                return counted

            figures[setup] = run_setup(setup, args, ports, root, redis, rabbit, hits)
            f = figures[setup]
            print(
                f"setup={setup} checks={f['checks']} seconds={f['seconds']:.1f} checks_per_s={f['per_s']:.1f}"
                f" via_workers={f['via_workers']} read_again={f['read_again']} lost={f['lost']}"
                f" duplicated={f['duplicated']}",
                flush=True,
            )
    finally:
        server.stdin.close()
        server.wait(timeout=30)
        redis.stop()
        if rabbit is not None:
            rabbit.stop()
        shutil.rmtree(root, ignore_errors=True)
    cores = len(os.sched_getaffinity(0))
    base = figures["local"]["per_s"]
    best = max(figures.values(), key=lambda f: f["per_s"])
    print(f"cores={cores}: the coordinator and all workers share them, so the gain is bounded by them")
    pairs = " ".join(f"{name.replace('-', '_')}_per_s={f['per_s']:.1f}" for name, f in figures.items())
    lost = sum(f["lost"] for f in figures.values())
    duplicated = sum(f["duplicated"] for f in figures.values())
    print(
        f"products={args.products} latency_s={args.latency} cores={cores} {pairs}"
        f" best_vs_local={best['per_s'] / base:.2f} lost={lost} duplicated={duplicated}"
    )
    return 0 if lost == 0 and duplicated == 0 else 1


def run_setup(
    setup: str, args: argparse.Namespace, ports: dict[str, int], root: Path, redis: Any, rabbit: Any,
    hits: Any,
) -> dict[str, Any]:  # fmt: skip
    from pricewatch.app import PriceWatch
    from pricewatch.models import TaskState
    from tests.support.brokers import Worker

    home = root / f"home-{setup}"
    os.environ["PRICEWATCH_HOME"] = str(home)
    kind, _, count = setup.partition("-")
    celery = kind in ("redis", "rabbitmq")
    app = PriceWatch(executor="celery" if celery else "threads")
    s = app.settings
    s.fetch.per_host_delay = 0.0
    s.fetch.per_host_concurrency = 8
    s.fetch.respect_robots = False
    s.fetch.thumbnails = False
    s.notify.desktop = s.notify.tray = False
    s.tasks.max_retries = 0
    s.tasks.scraping_concurrency = 32 if setup == "local-32" else 8
    workers: list[Worker] = []
    if celery:
        broker = redis.url(0) if kind == "redis" else rabbit.url()
        s.tasks.broker_url, s.tasks.result_backend = broker, redis.url(1)
        s.tasks.celery_in_flight = args.in_flight
        workers = [
            Worker(root / f"workers-{setup}", f"{setup}-w{i}", broker, redis.url(1),
                   concurrency=args.worker_concurrency, loglevel="WARNING")
            for i in range(int(count))
        ]  # fmt: skip
    addresses = sorted(ports)
    try:
        with app.db.transaction():
            for i in range(args.products):
                address = addresses[i % len(addresses)]
                app.add_product(f"http://{address}:{ports[address]}/{setup}/p{i}")
        for worker in workers:
            worker.start(wait=False)
        for worker in workers:
            worker.wait_ready()
        app.start(scheduler=False)
        if celery:
            app.executor_status(probe=True)  # the first probe, outside the timed part
        started = time.perf_counter()
        batch = app.check_prices(force=True)
        record = app.wait_for_task(batch, timeout=3600)
        seconds = time.perf_counter() - started
        children = app.task_children(batch)
        rows = app.db.conn().execute("SELECT product_id, count(*) FROM observations GROUP BY product_id")
        stored = dict(rows.fetchall())
        products = [p.id for p in app.list_products()]
    finally:
        app.close()
        for worker in workers:
            worker.stop()
    ok = [c for c in children if c.state is TaskState.SUCCESS]
    lost = (args.products - len(ok)) + sum(1 for pid in products if stored.get(pid, 0) == 0)
    duplicated = sum(1 for n in stored.values() if n > 1)
    read = hits(f"/{setup}/")
    assert record.state.is_final
    return {
        "checks": len(ok),
        "seconds": seconds,
        "per_s": len(ok) / seconds if seconds else 0.0,
        "via_workers": sum(1 for c in children if c.worker),
        "read_again": sum(n - 1 for n in read.values() if n > 1),
        "lost": lost,
        "duplicated": duplicated,
    }


if __name__ == "__main__":
    sys.exit(main())
