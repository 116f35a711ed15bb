"""End to end: the window as a real process (offscreen Qt) sharing its data with command-line runs.

A user interrupts a slow ``pricewatch check`` with Ctrl+C; the next start of the window must finish the checks
that were left in the journal, while the command line keeps working on the same database.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.support.e2e import widget
from tests.support.pageserver import PageServer
from tests.support.poll import until

FINAL = ("SUCCESS", "FAILURE", "REVOKED")


def env_for(home: Path) -> dict[str, str]:
    return dict(os.environ, PRICEWATCH_HOME=str(home), QT_QPA_PLATFORM="offscreen")


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args],
        capture_output=True, text=True, timeout=60, env=env_for(home), stdin=subprocess.DEVNULL,
    )  # fmt: skip


def cli_json(home: Path, *args: str) -> Any:
    proc = cli(home, *args, "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture
def window(home: Path, tmp_path: Path) -> Iterator[Any]:
    """Starts the window process; output goes to files (a pipe would tie the test to any child it leaves)."""
    started: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start() -> subprocess.Popen[bytes]:
        log = tmp_path / f"window-{len(started)}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "pricewatch"],
                stdout=out, stderr=subprocess.STDOUT, env=env_for(home), stdin=subprocess.DEVNULL,
            )  # fmt: skip
        started.append((proc, log))
        return proc

    yield start
    for proc, _log in started:
        # Its helper processes (the extraction pool) are collected first: they must not outlive the test.
        children = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
        if proc.poll() is None:
            proc.terminate()  # what a logout sends
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.terminate()
        psutil.wait_procs(children, timeout=10)


def test_the_window_finishes_checks_left_by_an_interrupted_cli_check(
    home: Path, page_server: PageServer, window: Any
) -> None:
    urls = [page_server.add(f"/slow{i}", widget(f"2{i}.50"), delay=1.5) for i in range(2)]
    for url in urls:
        assert cli(home, "add", url).returncode == 0

    check = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "check", "--all"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_for(home),
    )  # fmt: skip

    def fetching() -> bool:
        if page_server.hits():
            return True
        assert check.poll() is None, check.communicate()
        return False

    until(fetching, timeout=30, message="the check to fetch a page")  # a request in flight: press Ctrl+C
    check.send_signal(signal.SIGINT)
    out, err = check.communicate(timeout=30)
    assert check.returncode == 130 and "interrupted" in err, out + err
    left = [t for t in cli_json(home, "tasks") if t["state"] not in FINAL]
    assert left, "the interrupt left no unfinished task (the check was not in flight)"

    proc = window()
    seen: list[Any] = []

    def finished() -> list[Any] | None:
        tasks = cli_json(home, "tasks")  # the command line reads the database the window writes
        if tasks and all(t["state"] in FINAL for t in tasks):
            return list(tasks)
        assert proc.poll() is None, f"the window exited with {proc.returncode}"
        seen[:] = tasks
        return None

    tasks = until(finished, timeout=60, interval=0.1, message=lambda: f"the tasks to finish: {seen}")

    assert {t["id"] for t in left} <= {t["id"] for t in tasks if t["state"] == "SUCCESS"}
    assert sorted((p["url"], p["price"]) for p in cli_json(home, "list")) == sorted(
        (url, f"2{i}.50") for i, url in enumerate(urls)
    )
    # No lock while open (a plain `add URL` would open the window's add dialog instead: --no-window stores it)
    assert cli(home, "add", page_server.add("/more", widget("1.00")), "--no-window").returncode == 0
    assert len(cli_json(home, "list")) == 3
    assert proc.poll() is None
