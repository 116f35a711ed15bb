"""Test-only tasks (registered under ``test.``) and a facade factory for the task engine tests.

The tasks talk to the test through a :class:`Lab`: events the test sets to release a blocked task, and a log
of what ran in which order. They are registered for one test and unregistered afterwards. The ``lab`` and
``engine`` fixtures are a plugin in tests/conftest.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from pricewatch.app import PriceWatch
from pricewatch.errors import TransientError
from pricewatch.models import TaskRecord, TaskState
from pricewatch.tasks import TaskContext, registry, task
from tests.support.app import open_pricewatch

TEST_TASKS = (
    "test.echo", "test.boom", "test.flaky", "test.block", "test.record", "test.batch", "test.progress",
    "test.unjson", "test.limited", "test.chain",
)  # fmt: skip


class Lab:
    def __init__(self) -> None:
        self.gate = threading.Event()  # releases test.block tasks
        self.started = threading.Event()  # set when a test.block task runs
        self.order: list[str] = []
        self.calls: dict[str, int] = {}
        self.lock = threading.Lock()

    def count(self, key: str) -> int:
        with self.lock:
            self.calls[key] = self.calls.get(key, 0) + 1
            return self.calls[key]


def register_test_tasks(lab: Lab) -> None:
    @task("test.echo")
    def echo(ctx: TaskContext, value: Any = None) -> Any:
        lab.count(f"echo:{value}")
        return value

    @task("test.boom")
    def boom(ctx: TaskContext) -> None:
        raise RuntimeError("boom")

    @task("test.flaky")
    def flaky(ctx: TaskContext, fails: int = 2, retry_after: float | None = None) -> str:
        lab.count("flaky")
        if ctx.retries < fails:
            raise TransientError(f"try {ctx.retries} failed", kind="http_5xx", retry_after=retry_after)
        return f"ok after {ctx.retries}"

    @task("test.limited", max_retries=1)
    def limited(ctx: TaskContext) -> None:
        lab.count("limited")
        raise TransientError("always down", kind="timeout")

    @task("test.block")
    def block(ctx: TaskContext) -> str:
        lab.started.set()
        while not lab.gate.is_set():
            # Wakes on cancel at once; the short timeout only re-checks the gate.
            if ctx.cancel_event.wait(0.005):
                ctx.raise_if_cancelled()
        return "released"

    @task("test.record")
    def record(ctx: TaskContext, tag: str) -> str:
        with lab.lock:
            lab.order.append(tag)
        return tag

    @task("test.batch", queue="scraping")
    def batch(ctx: TaskContext, values: list[Any], child: str = "test.echo") -> str:
        for value in values:
            if child == "test.echo":
                ctx.submit(child, value=value)
            else:
                ctx.submit(child)
        return f"{len(values)} queued"

    @task("test.chain", follow_ups=True)
    def chain(ctx: TaskContext, child: str = "test.boom") -> str:
        ctx.submit(child)
        return "own result"

    @task("test.progress")
    def progress(ctx: TaskContext, steps: int) -> int:
        for i in range(1, steps + 1):
            ctx.progress(i, steps, f"step {i}")
        return steps

    @task("test.unjson")
    def unjson(ctx: TaskContext) -> object:
        return object()


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    register_test_tasks(lab)
    yield lab
    lab.gate.set()
    for name in TEST_TASKS:
        registry.unregister(name)


def make_app(executor: str = "threads", **task_options: Any) -> PriceWatch:
    """A facade with fast retries (tests never wait seconds for a backoff)."""
    app = open_pricewatch(executor=executor)
    app.settings.tasks.retry_base_delay = 0.01
    app.settings.tasks.retry_max_delay = 0.05
    for key, value in task_options.items():
        setattr(app.settings.tasks, key, value)
    return app


@pytest.fixture(params=["threads", "sync"])
def engine(request: pytest.FixtureRequest, lab: Lab, qtbot: Any) -> Iterator[PriceWatch]:
    """A started facade with either executor (tests that hold for both)."""
    app = make_app(request.param)
    app.start(scheduler=False)
    yield app
    lab.gate.set()
    app.close()


def wait_final(qtbot: Any, app: PriceWatch, task_id: str, timeout: int = 10_000) -> TaskRecord:
    """Run the Qt event loop until the task and its children are final."""
    qtbot.waitUntil(lambda: _final(app, task_id), timeout=timeout)
    return app.get_task(task_id)


def _final(app: PriceWatch, task_id: str) -> bool:
    return app.get_task(task_id).state.is_final and app.task_records.open_descendants(task_id) == 0


def wait_state(qtbot: Any, app: PriceWatch, task_id: str, state: TaskState, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: app.get_task(task_id).state is state, timeout=timeout)


def comparable(record: TaskRecord) -> dict[str, Any]:
    """The fields that must match between executors (no ids, times or tracebacks)."""
    return {
        "name": record.name, "kwargs": record.kwargs, "state": record.state, "queue": record.queue,
        "priority": record.priority, "retries": record.retries, "max_retries": record.max_retries,
        "result": record.result, "error": record.error, "progress": (record.progress_current,
        record.progress_total), "has_parent": record.parent_id is not None,
        "finished": record.finished_at is not None, "eta": record.eta,
    }  # fmt: skip


Waiter = Callable[[str], TaskRecord]
