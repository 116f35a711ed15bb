"""What a running task function receives: its identity, its services, a cancel flag, progress, children."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from pricewatch.tasks.errors import TaskCancelled, TaskSuperseded
from pricewatch.tasks.events import ProgressThrottle

if TYPE_CHECKING:
    from pricewatch.tasks.services import TaskServices


class ContextHost(Protocol):
    """What a context needs from the engine that runs its task (the TaskManager)."""

    services: TaskServices

    def submit(
        self,
        name: str,
        *,
        kwargs: dict[str, Any] | None = None,
        priority: int = 0,
        unique_key: str | None = None,
        parent_id: str | None = None,
        reuse_child: bool = False,
    ) -> str: ...

    def emit_progress(self, task_id: str, current: int, total: int, message: str) -> None: ...

    def write_progress(self, task_id: str, current: int, total: int, message: str) -> bool: ...

    def holds(self, task_id: str) -> bool: ...

    def note_worker(self, task_id: str, worker: str) -> None: ...

    def step_aside(self, queue: str) -> bool: ...

    def step_back(self, queue: str) -> None: ...


SIGNAL_INTERVAL = 0.1  # progress signals: about ten a second per task
WRITE_INTERVAL = 1.0  # progress rows: about once a second per task


class TaskContext:
    """Passed as the first argument to every task function.

    Attributes:
        task_id, name: the task's journal id and registered name.
        services: what the task may use (storage, fetcher, extractor, notifier); see TaskServices.
        queue: the queue it runs in.
        retries: how many earlier tries failed transiently (0 on the first try).
        cancel_event: set when the user cancels the task or the engine shuts down; pass it to
            ``fetcher.fetch(cancel=...)`` so a download stops between steps.
    """

    def __init__(
        self,
        manager: ContextHost,
        task_id: str,
        name: str,
        *,
        queue: str = "default",
        retries: int = 0,
        priority: int = 0,
        rerun: bool = False,
    ) -> None:
        self._manager = manager
        self.task_id = task_id
        self.name = name
        self.queue = queue
        self.retries = retries
        self.priority = priority
        self.cancel_event = threading.Event()
        self.cancel_reason = ""  # "user" or "shutdown", set with the event
        # A task that had started before (a crash, a retry) may already have submitted some children.
        self.rerun = rerun
        self.children = 0
        self._signal_throttle = ProgressThrottle(SIGNAL_INTERVAL)
        self._write_throttle = ProgressThrottle(WRITE_INTERVAL)
        self.last_progress: tuple[int, int, str] | None = None
        self.worker: str | None = None  # see ran_on()

    @property
    def services(self) -> TaskServices:
        return self._manager.services

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def cancel(self, reason: str = "user") -> None:
        if not self.cancel_event.is_set():
            self.cancel_reason = reason
            self.cancel_event.set()

    def raise_if_superseded(self) -> None:
        """Raise :class:`TaskSuperseded` when another engine took this task over.

        Call it inside the transaction that writes the task's data: the check and the write then commit
        together, so a run that lost its lease (a stalled worker, a suspended laptop) never overwrites the
        newer run's reading.
        """
        if not self._manager.holds(self.task_id):
            raise TaskSuperseded(f"{self.name} was taken over by another engine")

    def ran_on(self, worker: str) -> None:
        """Journal the machine doing this task's work (a Celery worker's name): the task table shows it."""
        if worker and worker != self.worker:
            self.worker = worker
            self._manager.note_worker(self.task_id, worker)

    @contextlib.contextmanager
    def off_queue(self) -> Iterator[None]:
        """Around a wait for work that takes no slot of the task's queue: the queue's next task starts
        meanwhile. A check's slot in the scraping queue stands for a connection to a shop; while the page is
        extracted in another process, the next check's request can be on its way."""
        aside = self._manager.step_aside(self.queue)
        try:
            yield
        finally:
            if aside:
                self._manager.step_back(self.queue)

    def raise_if_cancelled(self) -> None:
        """Raise :class:`TaskCancelled` when cancel was asked; call it between steps."""
        if self.cancel_event.is_set():
            raise TaskCancelled(f"{self.name} cancelled")

    def progress(self, current: int, total: int, message: str = "") -> None:
        """Report progress; signals are throttled to ~10/s and the journal row to ~1/s."""
        self.last_progress = (int(current), int(total), str(message)[:500])
        done = total > 0 and current >= total
        if self._signal_throttle.ready(force=done):
            self._manager.emit_progress(self.task_id, *self.last_progress)
        if self._write_throttle.ready() and not self._manager.write_progress(
            self.task_id, *self.last_progress
        ):
            # The row is no longer STARTED: another process (the CLI, the API) revoked it.
            self.cancel("user")

    def submit(
        self, name: str, *, priority: int | None = None, unique_key: str | None = None, **kwargs: Any
    ) -> str:
        """Queue a child task (its parent is this task); returns the child's id.

        Raises:
            TaskCancelled: this task was cancelled (no new children after a cancel).
        """
        self.raise_if_cancelled()
        self.children += 1
        return self._manager.submit(
            name,
            kwargs=kwargs,
            priority=self.priority if priority is None else priority,
            unique_key=unique_key,
            parent_id=self.task_id,
            reuse_child=self.rerun,
        )
