"""Per-task overhead: 5,000 no-op tasks through PriceWatch's TaskManager vs Celery, in the same run.

Ours: every task is journaled in SQLite from the moment it is queued (insert, STARTED, SUCCESS rows), run by the
QThreadPool executor (and, separately, the synchronous executor), and awaited with ``wait_for_task``.
Celery: a real worker process (``-P threads``, the same concurrency) on a local redis-server broker and result
backend, started by this script on a free loopback port and stopped at the end; tasks are sent with ``delay()``
and awaited with ``AsyncResult.get()``.

Last line: ``tasks_per_s=... sync_tasks_per_s=... celery_tasks_per_s=... ratio=...`` (ratio = ours / Celery).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

TASKS = 5_000
CONCURRENCY = 4

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


# -- ours ------------------------------------------------------------------------------------------------------
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


# -- Celery ----------------------------------------------------------------------------------------------------
def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "redis-server"], check=True, stdout=subprocess.DEVNULL)
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


def run_celery(tasks: int, concurrency: int, workdir: Path) -> float:
    with redis_server(workdir) as url, celery_worker(workdir, url, concurrency):
        sys.path.insert(0, str(workdir))
        import overhead_celery  # type: ignore[import-not-found]

        noop = overhead_celery.noop
        noop.delay().get(timeout=60)  # warm-up: the worker is up and connected
        started = time.perf_counter()
        results = [noop.delay() for _ in range(tasks)]
        for result in results:
            result.get(timeout=120)
        elapsed = time.perf_counter() - started
        overhead_celery.app.close()
    return tasks / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=TASKS)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pricewatch-bench-") as tmp:
        root = Path(tmp)
        ours = run_ours("threads", args.tasks, args.concurrency, root / "threads")
        print(f"pricewatch (QThreadPool x{args.concurrency}, SQLite journal): {ours:,.0f} tasks/s")
        sync = run_ours("sync", args.tasks, args.concurrency, root / "sync")
        print(f"pricewatch (synchronous executor, SQLite journal): {sync:,.0f} tasks/s")
        celery_dir = root / "celery"
        celery_dir.mkdir()
        celery = run_celery(args.tasks, args.concurrency, celery_dir)
        print(f"celery (redis broker + backend, -P threads -c {args.concurrency}): {celery:,.0f} tasks/s")
    ratio = ours / celery
    print(f"ratio (ours with threads / celery): {ratio:.1f}x (target >= 10x)")
    print(
        f"tasks_per_s={ours:.0f} sync_tasks_per_s={sync:.0f} celery_tasks_per_s={celery:.0f} ratio={ratio:.1f}"
    )


if __name__ == "__main__":
    main()
