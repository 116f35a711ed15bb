"""Running plain-Python work (database reads) off the GUI thread, with results delivered back to it.

The superqt pattern: a QRunnable carries only the callable; the signals live on a long-lived QObject made on
the GUI thread, so queued delivery always has a living receiver and slots run on the GUI thread.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Job(QRunnable):
    def __init__(self, owner: BackgroundWork, job_id: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._owner = owner
        self._job_id = job_id
        self._fn = fn

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # reported to the GUI, which shows it; never lost on the pool thread
            log.exception("background job failed")
            self._owner.failed.emit(self._job_id, f"{type(exc).__name__}: {exc}")
        else:
            self._owner.finished.emit(self._job_id, result)


class BackgroundWork(QObject):
    """A small private thread pool for reads the GUI needs without waiting.

    Signals:
        finished(int, object): job id and the callable's return value.
        failed(int, str): job id and the error text.
    """

    finished = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, Callable[[Any], None]] = {}
        self._errbacks: dict[int, Callable[[str], None]] = {}
        self._closed = False
        self.finished.connect(self._deliver)
        self.failed.connect(self._forget)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
    ) -> int:
        """Run ``fn`` on a pool thread; ``on_done(result)`` or ``on_error(text)`` run on the GUI thread."""
        job_id = next(self._ids)
        if self._closed:
            return job_id
        if on_done is not None:
            self._callbacks[job_id] = on_done
        if on_error is not None:
            self._errbacks[job_id] = on_error
        self._pool.start(_Job(self, job_id, fn))
        return job_id

    def _deliver(self, job_id: int, result: object) -> None:
        self._errbacks.pop(job_id, None)
        callback = self._callbacks.pop(job_id, None)
        if callback is not None and not self._closed:
            callback(result)

    def _forget(self, job_id: int, error: str) -> None:
        self._callbacks.pop(job_id, None)
        errback = self._errbacks.pop(job_id, None)
        if errback is not None and not self._closed:
            errback(error)

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)

    def close(self) -> None:
        """Drop queued jobs and wait for running ones (call before the facade closes the database)."""
        self._closed = True
        self._callbacks.clear()
        self._errbacks.clear()
        self._pool.clear()
        self._pool.waitForDone()
