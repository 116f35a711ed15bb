"""Tasks other processes run on the same database (``pricewatch check`` in a terminal, ``serve``, its API).

The window's own engine reports its tasks through signals. Other processes' tasks reach the window through
the journal's change feed (:mod:`pricewatch.storage.task_changes`): whenever another connection committed
(:class:`~pricewatch.gui.watch.data.DataVersionWatch`), a pool thread reads the ids that other writers changed
since the last read, an indexed read whose cost follows the number of changes, and the task model re-reads
and applies them as it does the ids its signals bring. Their progress is what the other process journals
(at most about once a second per task).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from pricewatch.app import PriceWatch
from pricewatch.gui.tasks import columns as tc
from pricewatch.gui.tasks.model import TaskTreeModel
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import TaskRecord, TaskState, utcnow
from pricewatch.storage.task_changes import ChangeCursor
from pricewatch.tasks import owner as ownership

log = logging.getLogger(__name__)


class OutsideTasks(QObject):
    """Feeds ``model`` with the tasks other processes create or change.

    Signals:
        changed(object): the ids read from the change feed (once per read that found any).
    """

    changed = Signal(object)

    def __init__(
        self, app: PriceWatch, model: TaskTreeModel, work: BackgroundWork, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.model = model
        self._work = work
        self._cursor: ChangeCursor | None = None
        self._reading = False
        self._again = False
        self._stopped = False

    def start(self) -> None:
        """Take the current place in the feed (a few index seeks); call it before the model's first load."""
        self._cursor = ChangeCursor(self.app.db, besides=self.app.task_records.writer)

    @Slot()
    def poll(self) -> None:
        """Read what other processes changed since the last read, on a pool thread."""
        if self._cursor is None or self._stopped:
            return
        if self._reading:
            self._again = True  # a commit during the read: read once more when it is back
            return
        self._reading = True
        self._work.submit(self._cursor.read, self._read, self._failed)

    def _read(self, ids: list[str]) -> None:
        self._reading = False
        if ids and not self._stopped:
            self.model.mark_changed(ids)
            self.changed.emit(ids)
        if self._again:
            self._again = False
            self.poll()

    def _failed(self, error: str) -> None:  # a locked or closing database: the next commit tries again
        log.debug("reading the task change feed failed: %s", error)
        self._reading = False

    def stop(self) -> None:
        self._stopped = True


def runs_elsewhere(app: PriceWatch, task_id: str) -> str | None:
    """Who runs ``task_id`` when another live process holds it ("process 4242"); None when it is ours,
    nobody's, or its process is gone (the next engine takes it over)."""
    holder, lease = app.task_records.ownership(task_id)
    if not holder or holder == app.task_manager.owner:
        return None
    if not ownership.is_alive(holder, lease, utcnow()):
        return None
    boot, _, rest = holder.partition("/")
    pid = rest.split("/", 1)[0]
    if boot == ownership.boot_id():
        return QCoreApplication.translate("OutsideTasks", "process {pid}").format(pid=pid)
    # another container or computer: the pid means little
    host = boot.rpartition("@")[2] or QCoreApplication.translate("OutsideTasks", "another host")
    return QCoreApplication.translate("OutsideTasks", "process {pid} on {host}").format(pid=pid, host=host)


def cancel_label(app: PriceWatch, records: list[TaskRecord], look_at: int = 20) -> str:
    """The context menu's cancel entry, naming the other process when a selected task runs there."""
    for record in [r for r in records if not r.state.is_final][:look_at]:
        elsewhere = runs_elsewhere(app, record.id)
        if elsewhere is not None:
            return QCoreApplication.translate("OutsideTasks", "&Cancel Task (runs in {process})").format(
                process=elsewhere
            )
    return QCoreApplication.translate("OutsideTasks", "&Cancel Task")


def cancel_message(app: PriceWatch, record: TaskRecord) -> str:
    """The status message for cancelling ``record``; call it before cancelling (it reads whose task it is)."""
    what = f"{tc.name_in_sentence(record.name)} {tc.short_id(record.id)}"
    elsewhere = runs_elsewhere(app, record.id)
    if elsewhere is None:
        return QCoreApplication.translate("OutsideTasks", "Cancelling {task}").format(task=what)
    if record.state is TaskState.STARTED:
        # The engine's cross-process cancel: the row is REVOKED now; the running process sees that within
        # about a second (its heartbeat thread) and sets the cancel flag, which also interrupts a fetch.
        return QCoreApplication.translate(
            "OutsideTasks", "Cancelled {task}: it runs in {process}, which stops it within a second or two"
        ).format(task=what, process=elsewhere)
    return QCoreApplication.translate(
        "OutsideTasks", "Cancelled {task}, queued by {process}: it will not run"
    ).format(task=what, process=elsewhere)
