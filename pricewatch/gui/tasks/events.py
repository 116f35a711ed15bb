"""Collecting the engine's task signals off the GUI thread.

Every queued signal delivered to a Python slot needs the GIL; while eight workers run Python (fetching,
extracting), each acquisition can wait several switch intervals, and a thousand of them in a row freeze the
window. So the signals are delivered to a small QObject living on its own QThread, which only records ids; the
GUI thread collects them ten times a second (:meth:`TaskEventCollector.take`).
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot


class TaskEventCollector(QObject):
    """Receives task_added / task_changed / task_progress on a helper thread; ``take()`` drains them.

    Signals:
        wake(): something arrived after a ``take()`` (once per batch, so the GUI's timer can sleep when idle).
    """

    wake = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._changed: dict[str, None] = {}
        self._progress: dict[str, tuple[int, int, str]] = {}
        self._thread = QThread()
        self._thread.setObjectName("task-events")
        self.moveToThread(self._thread)
        self._thread.start()

    def connect_signals(self, signals: Any) -> None:
        signals.task_added.connect(self.on_added)
        signals.task_changed.connect(self.on_changed)
        signals.task_progress.connect(self.on_progress)

    def disconnect_signals(self, signals: Any) -> None:
        for signal, slot in ((signals.task_added, self.on_added), (signals.task_changed, self.on_changed),
                             (signals.task_progress, self.on_progress)):  # fmt: skip
            signal.disconnect(slot)

    @Slot(str)
    def on_added(self, task_id: str) -> None:
        with self._lock:
            first = not (self._changed or self._progress)
            self._changed[task_id] = None
        if first:
            self.wake.emit()

    @Slot(str, str)
    def on_changed(self, task_id: str, _state: str) -> None:
        with self._lock:
            first = not (self._changed or self._progress)
            self._changed[task_id] = None
        if first:
            self.wake.emit()

    @Slot(str, int, int, str)
    def on_progress(self, task_id: str, current: int, total: int, message: str) -> None:
        with self._lock:
            first = not (self._changed or self._progress)
            self._progress[task_id] = (current, total, message)
        if first:
            self.wake.emit()

    def take(self) -> tuple[list[str], dict[str, tuple[int, int, str]]]:
        """The ids changed and the latest progress per task since the last call."""
        with self._lock:
            changed, self._changed = list(self._changed), {}
            progress, self._progress = self._progress, {}
        return changed, progress

    def pending(self) -> bool:
        with self._lock:
            return bool(self._changed or self._progress)

    def stop(self) -> None:
        self._thread.quit()
        self._thread.wait()
