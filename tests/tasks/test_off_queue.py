"""A task waiting for work that takes no slot of its queue (a page's extraction) lets the next task start."""

from __future__ import annotations

import threading
import time
from typing import Any

from pricewatch.models import TaskState
from pricewatch.tasks import registry
from pricewatch.tasks.context import TaskContext
from tests.support.tasks import Lab, make_app


class Flight:
    """Who is where: tasks before their wait aside (holding a slot), and tasks anywhere, with their peaks."""

    def __init__(self, count: int) -> None:
        self.lock = threading.Lock()
        self.before = self.running = self.peak_before = self.peak_running = 0
        self.started = [threading.Event() for _ in range(count + 1)]
        self.timed_out: list[int] = []

    def enter(self, index: int) -> None:
        with self.lock:
            self.before += 1
            self.running += 1
            self.peak_before = max(self.peak_before, self.before)
            self.peak_running = max(self.peak_running, self.running)
        self.started[index].set()

    def aside(self) -> None:
        with self.lock:
            self.before -= 1

    def leave(self) -> None:
        with self.lock:
            self.running -= 1


def test_a_task_waiting_aside_lets_the_next_one_start_and_the_slots_hold(lab: Lab) -> None:
    count = 6
    flight = Flight(count)

    @registry.task("test.aside", queue="scraping")
    def aside(ctx: TaskContext, index: int) -> int:
        flight.enter(index)
        with ctx.off_queue():
            flight.aside()
            # The next task starts only while the first stands aside (one slot): without, this times out.
            if index == 0 and not flight.started[1].wait(10):
                flight.timed_out.append(index)
            time.sleep(0.005)
        flight.leave()
        return index

    app = make_app("threads")
    app.settings.tasks.scraping_concurrency = 1
    app.start(scheduler=False)
    try:
        ids = [app.submit_task("test.aside", kwargs={"index": i}) for i in range(count)]
        records = [app.wait_for_task(task_id, timeout=60) for task_id in ids]
    finally:
        app.close()
        registry.unregister("test.aside")
    assert [r.state for r in records] == [TaskState.SUCCESS] * count
    assert flight.timed_out == []
    assert flight.peak_before == 1  # never two tasks in their slot part at once
    assert flight.peak_running <= 2  # one slot, and at most as many again standing aside


def test_without_threads_a_task_waits_aside_in_place(lab: Lab) -> None:
    seen: list[str] = []

    @registry.task("test.aside_inline", queue="scraping")
    def aside_inline(ctx: Any) -> str:
        with ctx.off_queue():
            seen.append("aside")
        return "done"

    app = make_app("sync")
    try:
        record = app.get_task(app.submit_task("test.aside_inline"))
    finally:
        app.close()
        registry.unregister("test.aside_inline")
    assert record.state is TaskState.SUCCESS and seen == ["aside"]
