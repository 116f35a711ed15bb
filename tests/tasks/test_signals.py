"""Task events: Qt signals delivered queued on the GUI thread, throttled progress, Python subscribers."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Slot

from pricewatch.app import PriceWatch
from pricewatch.models import TaskState
from pricewatch.tasks.events import TaskEvent
from tests.support.tasks import Lab, make_app, wait_final


class Receiver(QObject):
    """Lives on the GUI thread; records what arrived and on which thread."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[tuple[str, str]] = []
        self.added: list[str] = []
        self.progress: list[tuple[str, int, int, str]] = []
        self.threads: set[Any] = set()

    @Slot(str)
    def on_added(self, task_id: str) -> None:
        self.threads.add(QThread.currentThread())
        self.added.append(task_id)

    @Slot(str, str)
    def on_changed(self, task_id: str, state: str) -> None:
        self.threads.add(QThread.currentThread())
        self.changes.append((task_id, state))

    @Slot(str, int, int, str)
    def on_progress(self, task_id: str, current: int, total: int, message: str) -> None:
        self.threads.add(QThread.currentThread())
        self.progress.append((task_id, current, total, message))


def connect(app: PriceWatch) -> Receiver:
    receiver = Receiver()
    app.task_signals.task_added.connect(receiver.on_added)
    app.task_signals.task_changed.connect(receiver.on_changed)
    app.task_signals.task_progress.connect(receiver.on_progress)
    return receiver


def test_signals_reach_slots_on_the_gui_thread(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    try:
        receiver = connect(app)
        worker_threads: set[str] = set()

        def remember(event: TaskEvent) -> None:
            if event.kind == "changed":
                worker_threads.add(threading.current_thread().name)

        app.subscribe(remember)
        task_id = app.submit_task("test.flaky", kwargs={"fails": 1})
        with qtbot.waitSignal(
            app.task_signals.task_changed,
            check_params_cb=lambda tid, state: tid == task_id and state == "SUCCESS",
            timeout=10_000,
        ):
            pass
        assert receiver.added == [task_id]
        assert receiver.changes == [
            (task_id, "STARTED"), (task_id, "RETRY"), (task_id, "STARTED"), (task_id, "SUCCESS"),
        ]  # fmt: skip
        gui_thread = QCoreApplication.instance().thread()  # type: ignore[union-attr]
        assert receiver.threads == {gui_thread}
        # ...although they were emitted on worker threads.
        assert threading.main_thread().name not in worker_threads
        assert app.task_signals.thread() == gui_thread
    finally:
        app.close()


def test_signals_object_built_on_another_thread_moves_to_the_gui_thread(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    try:
        builder = threading.Thread(target=lambda: app.task_manager)
        builder.start()
        builder.join(10)
        gui_thread = QCoreApplication.instance().thread()  # type: ignore[union-attr]
        assert app.task_signals.thread() == gui_thread
        receiver = connect(app)
        task_id = app.submit_task("test.echo", kwargs={"value": 1})
        qtbot.waitUntil(lambda: (task_id, "SUCCESS") in receiver.changes, timeout=10_000)
        assert receiver.threads == {gui_thread}
    finally:
        app.close()


def test_progress_is_throttled_but_the_last_step_and_the_row_arrive(lab: Lab, qtbot: Any) -> None:
    app = make_app("threads")
    try:
        receiver = connect(app)
        steps = 20_000
        task_id = app.submit_task("test.progress", kwargs={"steps": steps})
        record = wait_final(qtbot, app, task_id)
        qtbot.waitUntil(lambda: (task_id, "SUCCESS") in receiver.changes, timeout=10_000)
        ours = [p for p in receiver.progress if p[0] == task_id]
        assert 1 <= len(ours) < steps // 10  # throttled (about ten a second), not one per step
        assert ours[-1] == (task_id, steps, steps, f"step {steps}")
        assert (record.progress_current, record.progress_total) == (steps, steps)
        assert record.progress_message == f"step {steps}"
    finally:
        app.close()


def test_subscribers_see_every_step_and_can_leave(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    events: list[TaskEvent] = []
    unsubscribe = engine.subscribe(events.append)
    first = engine.submit_task("test.echo", kwargs={"value": "a"})
    wait_final(qtbot, engine, first)
    qtbot.waitUntil(lambda: any(e.task_id == first and e.state == "SUCCESS" for e in events))
    assert [(e.kind, e.state) for e in events if e.task_id == first] == [
        ("added", "PENDING"), ("changed", "STARTED"), ("changed", "SUCCESS"),
    ]  # fmt: skip
    unsubscribe()
    second = engine.submit_task("test.echo", kwargs={"value": "b"})
    wait_final(qtbot, engine, second)
    assert not [e for e in events if e.task_id == second]


def test_a_failing_subscriber_does_not_break_the_task(engine: PriceWatch, lab: Lab, qtbot: Any) -> None:
    def broken(event: TaskEvent) -> None:
        raise RuntimeError("subscriber bug")

    engine.subscribe(broken)
    record = wait_final(qtbot, engine, engine.submit_task("test.echo", kwargs={"value": 3}))
    assert record.state is TaskState.SUCCESS and record.result == 3
