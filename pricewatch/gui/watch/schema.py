"""Noticing that a newer ``pricewatch`` migrated the database under the running window, and restarting.

The window's code knows one schema. When another process (an upgraded CLI, say) migrates the file, every write
of this window would fail ("no column named ...") or, worse, store rows the new code misreads. Storage refuses
writes to a schema newer than it knows; this watch tells the user and offers to restart PriceWatch with the
same command line. It piggybacks on :class:`~pricewatch.gui.watch.data.DataVersionWatch`: a migration is a
commit by another connection, so ``user_version`` (a header read) is only looked at when that fires.

After the question (even after "Later") the window stays honest: :func:`lock_writes` disables what would
write, and the status bar keeps a Restart button; a further version change asks again.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from pricewatch.app import PriceWatch

log = logging.getLogger(__name__)


class SchemaWatch(QObject):
    """Compares the database's schema version with the one it had when the window opened.

    Signals:
        changed(int, int): the version at start and the version now (again at each further change).
    """

    changed = Signal(int, int)

    def __init__(self, app: PriceWatch, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.known = app.schema_version()
        self.last_seen = self.known

    @Slot()
    def check(self) -> bool:
        """Read the version now; emits :attr:`changed` (and returns True) when it moved since last seen."""
        try:
            version = self.app.schema_version()
        except sqlite3.Error as exc:  # locked or closed: the next commit brings another chance
            log.debug("schema version read failed: %s", exc)
            return False
        if version == self.last_seen:
            return False
        self.last_seen = version
        log.warning("the database schema changed from version %s to %s under the window", self.known, version)
        self.changed.emit(self.known, version)
        return True


def ask_restart(parent: QWidget, old: int, new: int) -> tuple[QMessageBox, QPushButton]:
    """A non-modal question and its Restart button (whose ``clicked`` is the caller's cue to restart)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("SchemaWatch", "PriceWatch was updated"),
        QCoreApplication.translate(
            "SchemaWatch",
            "A newer PriceWatch upgraded the database while this window was open "
            "(schema version {old} → {new}).\n\n"
            "This window can no longer save anything: checks, edits and scheduled runs would fail. "
            "Restart PriceWatch to continue with the new version.",
        ).format(old=old, new=new),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    restart = box.addButton(
        QCoreApplication.translate("SchemaWatch", "Restart PriceWatch"), QMessageBox.ButtonRole.AcceptRole
    )
    box.addButton(QCoreApplication.translate("SchemaWatch", "Later"), QMessageBox.ButtonRole.RejectRole)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.show()
    return box, restart


def lock_writes(owner: QObject, actions: Iterable[QAction]) -> QActionGroup:
    """Disable ``actions`` for good: in a disabled group, the window's own ``setEnabled(True)`` (on a new
    selection, say) leaves them disabled."""
    group = QActionGroup(owner)
    group.setExclusionPolicy(QActionGroup.ExclusionPolicy.None_)  # Pause is checkable; not a radio group
    for action in actions:
        group.addAction(action)
        note = QCoreApplication.translate("SchemaWatch", "(restart PriceWatch first: it was updated)")
        action.setToolTip(f"{action.toolTip()} {note}")
    group.setEnabled(False)
    return group


def restart_command() -> list[str]:
    """The interpreter and the very arguments it was started with (``pricewatch -v``, ``python -m ...``)."""
    return [sys.executable, *sys.orig_argv[1:]]


def exec_restart() -> None:
    """Replace this process with a fresh one (call after the window and the facade were shut down)."""
    command = restart_command()
    log.info("restarting: %s", command)
    for handler in logging.getLogger().handlers:
        handler.flush()
    os.execv(command[0], command)
