"""Following one look-up task for the dialog: its result, its retries, and the http:// fallback.

The look-up is an ordinary ``scraping.scrape_product`` preview task; this object listens to the engine's
signals and never waits on the network. An address the user typed without a scheme is tried with https://
first; when the shop does not answer that way (a refused or failed secure connection), the same address with
http:// is looked up instead, at once, rather than retried for minutes.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject, Signal, Slot

from pricewatch.app import PriceWatch
from pricewatch.errors import NotFoundError
from pricewatch.gui.tasks.rolled_up import returned_value
from pricewatch.models import TaskRecord, TaskState
from pricewatch.wording import SCHEME_FAULTS


class LookupTask(QObject):
    """One look-up at a time; starting another cancels the one running.

    Signals:
        found(object): the look-up's result (a dict: the extraction and the page's facts).
        failed(object): the TaskRecord of a look-up that failed or was cancelled.
        retrying(object): the TaskRecord of a look-up waiting to try again.
        fell_back(str): https:// failed for a typed address; this http:// address is looked up instead.
    """

    found = Signal(object)
    failed = Signal(object)
    retrying = Signal(object)
    fell_back = Signal(str)

    def __init__(self, app: PriceWatch, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.task_id: str | None = None
        self._selector: str | None = None
        self._fallback: str | None = None
        self._listening = True
        app.task_signals.task_changed.connect(self._task_changed)

    def start(self, url: str, selector: str | None = None, fallback: str | None = None) -> str:
        """Look ``url`` up (a preview: nothing is stored); ``fallback`` is tried when https:// fails."""
        self.cancel()
        self._selector = selector or None
        self._fallback = fallback
        self.task_id = self.app.scrape(url, selector=self._selector, store=False)
        return self.task_id

    def cancel(self) -> None:
        task_id, self.task_id = self.task_id, None
        if task_id is not None:
            with contextlib.suppress(NotFoundError):  # already cleaned up
                self.app.cancel_task(task_id)

    def close(self) -> None:
        """Cancel and stop listening (the dialog closes)."""
        self.cancel()
        if self._listening:
            self._listening = False
            self.app.task_signals.task_changed.disconnect(self._task_changed)

    @Slot(str, str)
    def _task_changed(self, task_id: str, state: str) -> None:
        if task_id != self.task_id:
            return
        task_state = TaskState(state)
        if task_state is not TaskState.RETRY and not task_state.is_final:
            return
        try:
            record = self.app.get_task(task_id)
        except NotFoundError:
            return
        if task_state in (TaskState.RETRY, TaskState.FAILURE) and self._try_fallback(record):
            return
        if task_state is TaskState.RETRY:
            self.retrying.emit(record)
            return
        self.task_id = None
        value = returned_value(record.result)
        if record.state is TaskState.SUCCESS and isinstance(value, dict):
            self.found.emit(value)
        else:
            self.failed.emit(record)

    def _try_fallback(self, record: TaskRecord) -> bool:
        fallback, self._fallback = self._fallback, None
        if fallback is None or record.error_kind not in SCHEME_FAULTS:
            return False
        self.start(fallback, self._selector)
        self.fell_back.emit(fallback)
        return True
