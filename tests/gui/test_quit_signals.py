"""The window started as a real process stops cleanly on SIGTERM and Ctrl+C (SIGINT)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import pricewatch.tasks.builtin  # noqa: F401 - registers the task names
from pricewatch.models import TaskRecord, TaskState
from pricewatch.tasks import registry
from tests.support.app import open_pricewatch
from tests.support.pageserver import PageServer

CHECK = "price_tracking.check_product_price"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_closes_the_window_and_puts_the_running_check_back(
    qtbot: QtBot, page_server: PageServer, tmp_path: Path, signum: int
) -> None:
    url = page_server.add("/slow", "<html><title>x</title><p>9.99 EUR</p></html>", delay=60)
    with open_pricewatch() as app:
        product = app.add_product(url, title="Slow page")
        app.task_records.insert(TaskRecord(id="t-signal-test", name=CHECK, kwargs={"product_id": product.id},
                                           queue=registry.lookup(CHECK).queue, priority=10))  # fmt: skip
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    stderr = tmp_path / "stderr.txt"
    with stderr.open("wb") as err:
        # stdout/stderr to a file, not a pipe: a helper process left behind must not make wait() hang
        quiet = subprocess.DEVNULL
        window = subprocess.Popen(
            [sys.executable, "-m", "pricewatch"], env=env, stdin=quiet, stdout=quiet, stderr=err
        )
        try:
            # the recovered check is fetching the slow page: the task is STARTED now
            qtbot.waitUntil(
                lambda: page_server.hits("/slow") >= 1 or window.poll() is not None, timeout=60_000
            )
            assert window.poll() is None, stderr.read_text()
            window.send_signal(signum)
            code = window.wait(timeout=60)
        finally:
            if window.poll() is None:
                window.kill()
                window.wait()
    assert code == 0, stderr.read_text()
    with open_pricewatch() as app:
        record = app.get_task("t-signal-test")
    assert record.state is TaskState.PENDING  # back in the queue for the next start, not stuck as STARTED
