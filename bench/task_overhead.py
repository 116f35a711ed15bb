"""Per-task overhead: 5,000 no-op tasks through PriceWatch's TaskManager vs Celery, in the same run.

Ours: every task is journaled in SQLite from the moment it is queued (insert, STARTED, SUCCESS rows), run by
the QThreadPool executor (and, separately, the synchronous executor), and awaited with ``wait_for_task``.
Celery: a real worker process (``-P threads``, the same concurrency) on a local redis-server broker and result
backend, started by this script on a free loopback port and stopped at the end; tasks are sent with
``delay()`` and awaited with ``AsyncResult.get()``. Five alternating rounds; medians are reported.

Last line: ``tasks_per_s=... sync_tasks_per_s=... celery_tasks_per_s=... ratio=...`` (ratio = ours / Celery).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TASKS = 5_000
CONCURRENCY = 4
ROUNDS = 5

CELERY_APP = """
from celery import Celery

app = Celery("overhead", broker="{url}/0", backend="{url}/1")
app.conf.update(
    task_acks_late=False, worker_prefetch_multiplier=64, result_expires=600, broker_connection_retry=False,
    broker_connection_retry_on_startup=True, task_serializer="json", result_serializer="json",
)


@app.task(name="overhead.noop")
def noop():
    return None
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- ours ----------------------------------------------------------------------------------------------------
def run_ours(executor: str, tasks: int, concurrency: int, home: Path) -> float:
    os.environ["PRICEWATCH_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from pricewatch.app import PriceWatch
    from pricewatch.tasks import registry, task

    if "bench.noop" not in registry.names():

        @task("bench.noop")
        def noop(ctx: object) -> None:
            return None

    app = PriceWatch(executor=executor)
    app.settings.tasks.default_concurrency = concurrency
    try:
        app.start(scheduler=False)
        app.wait_for_task(app.submit_task("bench.noop"))  # warm-up: pools, connections
        started = time.perf_counter()
        ids = [app.submit_task("bench.noop") for _ in range(tasks)]
        for task_id in ids:
            app.wait_for_task(task_id, include_descendants=False)
        elapsed = time.perf_counter() - started
        done = sum(1 for r in app.list_tasks(state="SUCCESS", limit=tasks + 10)) - 1
        if done != tasks:
            raise SystemExit(f"ours ({executor}): only {done} of {tasks} tasks journaled SUCCESS")
    finally:
        app.close()
    return tasks / elapsed


def ours_in_child(executor: str, tasks: int, concurrency: int, home: Path) -> float:
    """Runs :func:`run_ours` in a fresh interpreter (no Celery client threads or earlier rounds in it)."""
    proc = subprocess.run(
        [sys.executable, __file__, "--ours", executor, "--tasks", str(tasks),
         "--concurrency", str(concurrency), "--home", str(home)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return float(proc.stdout.split()[-1])


# -- Celery --------------------------------------------------------------------------------------------------
def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "redis-server"], check=True, stdout=subprocess.DEVNULL
        )
        found = shutil.which("redis-server")
    if not found:
        raise SystemExit("redis-server is missing: apt-get install redis-server (make bench does it as root)")
    return found


@contextlib.contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [redis_binary(), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def celery_worker(workdir: Path, url: str, concurrency: int) -> Iterator[None]:
    (workdir / "overhead_celery.py").write_text(textwrap.dedent(CELERY_APP.format(url=url)))
    env = {**os.environ, "PYTHONPATH": f"{workdir}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "overhead_celery", "worker", "-P", "threads",
         "-c", str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "WARNING"],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def run_celery(noop: Any, tasks: int) -> float:
    started = time.perf_counter()
    results = [noop.delay() for _ in range(tasks)]
    for result in results:
        result.get(timeout=120)
    return tasks / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=TASKS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="alternating rounds; medians are reported")
    parser.add_argument("--ours", choices=("threads", "sync"), help=argparse.SUPPRESS)  # one child run
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ours:
        print(run_ours(args.ours, args.tasks, args.concurrency, args.home))
        return
    figures: dict[str, list[float]] = {"threads": [], "sync": [], "celery": []}
    with tempfile.TemporaryDirectory(prefix="pricewatch-bench-") as tmp:
        root = Path(tmp)
        celery_dir = root / "celery"
        celery_dir.mkdir()
        with redis_server(celery_dir) as url, celery_worker(celery_dir, url, args.concurrency):
            sys.path.insert(0, str(celery_dir))
            import overhead_celery  # type: ignore[import-not-found]

            noop = overhead_celery.noop
            noop.delay().get(timeout=60)  # warm-up: the worker is up and connected
            # Rounds alternate the three, so a busy machine slows all of them alike.
            for round_no in range(1, args.rounds + 1):
                for executor in ("threads", "sync"):
                    home = root / f"{executor}-{round_no}"
                    figures[executor].append(ours_in_child(executor, args.tasks, args.concurrency, home))
                figures["celery"].append(run_celery(noop, args.tasks))
                print(
                    f"round {round_no}: pricewatch threads {figures['threads'][-1]:,.0f}/s, "
                    f"sync {figures['sync'][-1]:,.0f}/s, celery {figures['celery'][-1]:,.0f}/s"
                )
            overhead_celery.app.close()
    ours, sync, celery = (statistics.median(figures[k]) for k in ("threads", "sync", "celery"))
    print(f"pricewatch (QThreadPool x{args.concurrency}, SQLite journal): {ours:,.0f} tasks/s (median)")
    print(f"pricewatch (synchronous executor, SQLite journal): {sync:,.0f} tasks/s (median)")
    print(
        f"celery (redis broker + backend, -P threads -c {args.concurrency}): {celery:,.0f} tasks/s (median)"
    )
    ratio = ours / celery
    print(f"ratio (ours with threads / celery): {ratio:.1f}x (target >= 10x)")
    last = f"tasks_per_s={ours:.0f} sync_tasks_per_s={sync:.0f} celery_tasks_per_s={celery:.0f}"
    print(f"{last} ratio={ratio:.1f}")


if __name__ == "__main__":
    main()
