"""The task lease and heartbeat are [tasks] settings with ranges; environment variables override them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from pricewatch.config import Paths, TaskOptions, load_settings
from pricewatch.models import TaskState, utcnow
from pricewatch.tasks.owner import HEARTBEAT_ENV, LEASE_ENV, Lease
from tests.support.app import open_pricewatch
from tests.support.tasks import Lab


@pytest.fixture(autouse=True)
def no_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LEASE_ENV, raising=False)
    monkeypatch.delenv(HEARTBEAT_ENV, raising=False)


def _write(text: str) -> Paths:
    paths = Paths.default()
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(text, encoding="utf-8")
    return paths


def test_defaults_and_valid_values_are_read() -> None:
    assert (TaskOptions().lease_seconds, TaskOptions().heartbeat_seconds) == (30.0, 10.0)
    loaded = load_settings(_write("[tasks]\nlease_seconds = 90\nheartbeat_seconds = 2.5\n"))
    assert (loaded.settings.tasks.lease_seconds, loaded.settings.tasks.heartbeat_seconds) == (90.0, 2.5)
    assert loaded.problems == []


@pytest.mark.parametrize(
    ("toml", "reason"),
    [
        ("lease_seconds = 0", "tasks.lease_seconds = 0: must be between 1 and 3600"),
        ("lease_seconds = 99999", "tasks.lease_seconds = 99999: must be between 1 and 3600"),
        ("heartbeat_seconds = 0", "tasks.heartbeat_seconds = 0: must be between 0.05 and 1200"),
        ("heartbeat_seconds = 'often'", "tasks.heartbeat_seconds = 'often': expected a number"),
    ],
)
def test_out_of_range_values_are_reported_and_the_default_kept(toml: str, reason: str) -> None:
    loaded = load_settings(_write(f"[tasks]\n{toml}\nmax_retries = 5\n"))
    assert loaded.settings.tasks.lease_seconds == 30.0 and loaded.settings.tasks.heartbeat_seconds == 10.0
    assert loaded.settings.tasks.max_retries == 5  # the rest of the section still counts
    assert any(reason in p for p in loaded.problems), loaded.problems


@pytest.mark.parametrize(
    "toml",
    ["lease_seconds = 20\nheartbeat_seconds = 10", "heartbeat_seconds = 15", "lease_seconds = 5"],
)
def test_a_heartbeat_not_well_below_the_lease_is_refused_and_both_fall_back(toml: str) -> None:
    loaded = load_settings(_write(f"[tasks]\n{toml}\n"))
    tasks = loaded.settings.tasks
    assert (tasks.lease_seconds, tasks.heartbeat_seconds) == (30.0, 10.0)
    (problem,) = loaded.problems
    assert "must be at most a third of tasks.lease_seconds" in problem
    assert problem.endswith("using the defaults for tasks.lease_seconds, tasks.heartbeat_seconds")


def test_environment_variables_override_the_settings() -> None:
    options = TaskOptions(lease_seconds=60, heartbeat_seconds=5)
    assert Lease.from_settings(options, {}) == Lease(60, 5)
    assert Lease.from_settings(options, {LEASE_ENV: "120", HEARTBEAT_ENV: "0.2"}) == Lease(120, 0.2)
    # Nonsense is ignored (with a warning in the log): the setting stands.
    assert Lease.from_settings(options, {LEASE_ENV: "soon", HEARTBEAT_ENV: "-1"}) == Lease(60, 5)
    assert Lease.from_settings(options, {HEARTBEAT_ENV: "nan"}) == Lease(60, 5)
    # An override that clashes with the other value is brought down to a third of the lease.
    assert Lease.from_settings(options, {LEASE_ENV: "3"}) == Lease(3, 1)


def test_the_engine_leases_and_renews_its_rows_as_configured(lab: Lab, qtbot: Any) -> None:
    _write("[tasks]\nlease_seconds = 600\nheartbeat_seconds = 0.05\n")
    app = open_pricewatch()
    try:
        assert app.task_manager.lease == Lease(600, 0.05)
        app.start(scheduler=False)
        before = utcnow()
        task_id = app.submit_task("test.block")
        assert lab.started.wait(10)
        owner, first = app.task_records.ownership(task_id)
        assert owner == app.task_manager.owner and first is not None
        assert before + timedelta(seconds=599) < first <= utcnow() + timedelta(seconds=600)
        # The heartbeat renews it (every 0.05 s here; the default would take 10 s).
        qtbot.waitUntil(lambda: (app.task_records.ownership(task_id)[1] or first) > first, timeout=5000)
        lab.gate.set()
        assert app.wait_for_task(task_id, timeout=10).state is TaskState.SUCCESS
    finally:
        lab.gate.set()
        app.close()
