"""Task ownership: rows of a live engine are left to it; rows of a gone one are taken over (F10, F21).

Engines here are facades in this process (each TaskManager is its own owner); the real processes, signals and
page server are in tests/test_e2e_interrupt.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from typing import Any

from pricewatch.app import PriceWatch
from pricewatch.models import TaskRecord, TaskState, utcnow
from pricewatch.tasks import owner as ownership
from tests.support.app import open_pricewatch
from tests.support.tasks import Lab, make_app, wait_final


def _dead_owner() -> str:
    """The owner id of a process of this boot that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return f"{ownership.boot_id()}/{proc.pid}/123.00/{os.urandom(6).hex()}"


def _leave(record: TaskRecord, holder: str | None) -> None:
    app = open_pricewatch()
    try:
        app.task_records.insert(record, holder, ownership.lease_until(utcnow()))
    finally:
        app.close()


def _holder(app: PriceWatch, task_id: str) -> str | None:
    return app.task_records.ownership(task_id)[0]


def test_liveness_of_owners() -> None:
    now = utcnow()
    assert not ownership.is_alive(None, None, now)
    assert not ownership.is_alive(_dead_owner(), now + timedelta(hours=1), now)  # a dead pid, lease or not
    other_host = "another-boot/1/1.00/abc"
    assert ownership.is_alive(other_host, now + timedelta(seconds=5), now)
    assert not ownership.is_alive(other_host, now - timedelta(seconds=1), now)
    mine = ownership.new_owner()
    assert ownership.is_alive(mine, None, now)
    ownership.retire(mine)
    assert not ownership.is_alive(mine, None, now)  # same process, manager shut down
    with subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE) as p:
        started = ownership._start_time(p.pid)
        assert started is not None
        assert ownership.is_alive(f"{ownership.boot_id()}/{p.pid}/{started}/x", None, now)
        # The same pid with another start time: a recycled pid, not the owner.
        assert not ownership.is_alive(f"{ownership.boot_id()}/{p.pid}/1.00/x", None, now)
        p.communicate(b"")


def test_a_second_engine_leaves_a_live_engines_task_alone(lab: Lab, qtbot: Any) -> None:
    first, second = make_app("threads"), make_app("threads")
    try:
        first.start(scheduler=False)
        task_id = first.submit_task("test.block")
        assert lab.started.wait(10)
        assert second.task_manager.start() == 0  # nothing to recover: its owner lives
        assert second.task_manager.sweep() == 0
        assert second.get_task(task_id).state is TaskState.STARTED
        assert _holder(second, task_id) == first.task_manager.owner
        lab.gate.set()
        assert wait_final(qtbot, first, task_id).state is TaskState.SUCCESS
    finally:
        first.close()
        second.close()


def test_rows_handed_back_at_shutdown_are_taken_over_by_a_running_engine(lab: Lab, qtbot: Any) -> None:
    first = make_app("threads")
    first.task_manager.stopping = True  # queued but never run here, like a check stopped before its turn
    task_id = first.submit_task("test.echo", kwargs={"value": "handed back"})
    second = make_app("threads")
    try:
        second.start(scheduler=False)
        assert second.task_manager.sweep() == 0  # still the first engine's
        first.close()
        assert _holder(second, task_id) is None
        assert second.task_manager.sweep() == 1
        assert wait_final(qtbot, second, task_id).state is TaskState.SUCCESS
        assert lab.calls["echo:handed back"] == 1
    finally:
        first.close()
        second.close()


def test_dedup_adopts_the_open_task_of_a_dead_process(lab: Lab, qtbot: Any) -> None:
    orphan = TaskRecord(
        id=uuid.uuid4().hex, name="test.echo", kwargs={"value": "orphan"}, state=TaskState.STARTED,
        unique_key="k", started_at=utcnow(),
    )  # fmt: skip
    _leave(orphan, _dead_owner())
    app = make_app("sync")
    try:
        assert app.submit_task("test.echo", kwargs={"value": "new"}, unique_key="k") == orphan.id
        record = app.get_task(orphan.id)
        assert record.state is TaskState.SUCCESS and record.result == "orphan"
        assert lab.calls["echo:orphan"] == 1 and len(app.list_tasks()) == 1
    finally:
        app.close()


def test_dedup_defers_to_the_open_task_of_a_live_process(lab: Lab) -> None:
    live = TaskRecord(id=uuid.uuid4().hex, name="test.echo", kwargs={"value": "live"}, unique_key="k")
    holder = ownership.new_owner()  # a live engine (in this process)
    try:
        _leave(live, holder)
        app = make_app("sync")
        try:
            assert app.submit_task("test.echo", kwargs={"value": "new"}, unique_key="k") == live.id
            assert app.get_task(live.id).state is TaskState.PENDING and not lab.calls
            assert _holder(app, live.id) == holder
        finally:
            app.close()
    finally:
        ownership.retire(holder)


def test_a_retry_due_after_the_cap_is_handed_back_with_its_time(lab: Lab, qtbot: Any) -> None:
    app = make_app("sync")
    try:
        app.task_manager.retry_wait_cap = 5.0
        task_id = app.submit_task("test.flaky", kwargs={"fails": 1, "retry_after": 120})
        record = app.get_task(task_id)
        assert record.state is TaskState.RETRY and record.eta is not None
        assert record.eta - utcnow() > timedelta(seconds=100)
        assert _holder(app, task_id) is None and lab.calls["flaky"] == 1
    finally:
        app.close()
    later = make_app("threads")  # a background engine takes it (and honours the eta)
    try:
        later.start(scheduler=False)
        assert _holder(later, task_id) == later.task_manager.owner
        assert later.get_task(task_id).state is TaskState.RETRY and lab.calls["flaky"] == 1
    finally:
        later.close()


def test_a_task_stopped_by_shutdown_is_adopted_by_the_next_submit_of_its_key(lab: Lab, qtbot: Any) -> None:
    """F10 after a clean stop of serve mid-check: the next one-shot check runs it instead of deferring."""
    first = make_app("threads")
    task_id = first.submit_task("test.block", unique_key="check:product:1")
    assert lab.started.wait(10)
    first.close()  # the running task goes back to PENDING, handed back
    second = make_app("sync")
    try:
        assert second.get_task(task_id).state is TaskState.PENDING and _holder(second, task_id) is None
        lab.gate.set()
        assert second.submit_task("test.block", unique_key="check:product:1") == task_id
        assert second.get_task(task_id).state is TaskState.SUCCESS
        assert len(second.list_tasks()) == 1
    finally:
        second.close()


def test_a_cancel_from_another_engine_stops_a_task_that_reports_no_progress(lab: Lab, qtbot: Any) -> None:
    """The window cancels a check that ``serve`` runs: the runner notices the revoked row itself."""
    runner, other = make_app(), make_app()
    runner.start(scheduler=False)
    try:
        task_id = runner.submit_task("test.block")
        assert lab.started.wait(10)
        other.cancel_task(task_id)  # REVOKED in the row; the running engine has not been told
        qtbot.waitUntil(lambda: task_id not in runner.task_manager.running, timeout=10_000)
        record = runner.get_task(task_id)
        assert record.state is TaskState.REVOKED
        assert not lab.gate.is_set()  # it stopped for the cancel, not because the test released it
    finally:
        lab.gate.set()
        other.close()
        runner.close()
