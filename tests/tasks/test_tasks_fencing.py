"""A run that lost its task to another engine writes nothing; liveness does not follow the wall clock."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta

import psutil  # type: ignore[import-untyped]
import pytest

from pricewatch.models import TaskState, utcnow
from pricewatch.tasks import owner as ownership
from tests.support.checks import fast_app
from tests.support.pages import product_page
from tests.support.pageserver import PageServer


def test_a_live_owner_stays_alive_when_the_wall_clock_jumps(monkeypatch: pytest.MonkeyPatch) -> None:
    with subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE) as p:
        owner = f"{ownership.boot_id()}/{p.pid}/{ownership._start_time(p.pid)}/x"
        now = utcnow()
        assert ownership.is_alive(owner, None, now)
        linux = psutil._pslinux
        real_boot_time = linux.boot_time
        # An NTP step or a manual change moves the boot time psutil derives from the wall clock.
        monkeypatch.setattr(linux, "boot_time", lambda: real_boot_time() + 3600)
        assert ownership.is_alive(owner, None, now + timedelta(hours=1))
        p.communicate(b"")
    assert not ownership.is_alive(owner, None, now)


def test_a_run_taken_over_by_another_engine_neither_stores_nor_finishes(page_server: PageServer) -> None:
    url = page_server.add("/kettle", product_page("Kettle", "30.00"), delay=1.0)
    app = fast_app("threads")
    try:
        pid = app.add_product(url).id or 0
        app.start(scheduler=False)
        task_id = app.check_product(pid)
        deadline = time.monotonic() + 20
        while task_id not in app.task_manager.running and time.monotonic() < deadline:
            time.sleep(0.02)
        assert app.get_task(task_id).state is TaskState.STARTED
        # Our lease lapsed (a stalled worker, a suspended laptop) and another engine took the row over.
        taken = app.task_records.take(
            task_id, TaskState.STARTED, app.task_manager.owner, "another-boot/1/t1/engine",
            utcnow() + timedelta(minutes=5),
        )  # fmt: skip
        assert taken
        while task_id in app.task_manager.running and time.monotonic() < deadline:
            time.sleep(0.02)
        assert task_id not in app.task_manager.running
        record = app.get_task(task_id)
        assert record.state is TaskState.STARTED and record.result is None  # the other engine's to finish
        assert app.task_records.ownership(task_id)[0] == "another-boot/1/t1/engine"
        product = app.get_product(pid)
        assert product.price is None and product.last_checked_at is None
        assert app.history(pid) == []
    finally:
        app.close()
