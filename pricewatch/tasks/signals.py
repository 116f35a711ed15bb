"""The one long-lived QObject of task signals for the GUI.

The manager emits them from whatever thread changed the task. Qt delivers a signal emitted on a worker to a
receiver living on the GUI thread as a queued call, so GUI slots always run on the GUI thread; connect bound
``@Slot`` methods, not lambdas (a lambda has no thread affinity and would run on the worker).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal


class TaskSignals(QObject):
    """Signals of the task engine (one instance, owned by the TaskManager for its whole life).

    Signals:
        task_added(str): a task row was created (id).
        task_changed(str, str): a task changed state (id, state).
        task_progress(str, int, int, str): progress of a running task (id, current, total, message),
            at most about ten per second per task.
    """

    task_added = Signal(str)
    task_changed = Signal(str, str)
    task_progress = Signal(str, int, int, str)

    def __init__(self) -> None:
        super().__init__()
        app = QCoreApplication.instance()
        # The object must live on a thread that outlives it; created lazily on an API or worker thread, it
        # moves to the application's main thread.
        if app is not None and QThread.currentThread() != app.thread():
            self.moveToThread(app.thread())
        meta = self.metaObject()
        self._methods = {
            name: meta.method(meta.indexOfSignal(signature))
            for name, signature in (
                ("task_added", "task_added(QString)"),
                ("task_changed", "task_changed(QString,QString)"),
                ("task_progress", "task_progress(QString,int,int,QString)"),
            )
        }

    def listened(self, name: str) -> bool:
        """Whether anything is connected to signal ``name``.

        Headless (CLI, API-only) nobody listens; the engine then skips emitting (an emit releases and
        retakes the GIL, which under load costs more than the rest of a quick task's bookkeeping).
        """
        return self.isSignalConnected(self._methods[name])
