"""Noticing changes other processes (the CLI, the API, a second window) made to the database.

``PRAGMA data_version`` on the GUI thread's own connection changes whenever another connection committed; it
is a microsecond query, so a timer polls it and the window re-reads products only when it moved.
"""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from pricewatch.app import PriceWatch

POLL_MS = 1500
log = logging.getLogger(__name__)


class DataVersionWatch(QObject):
    """Polls ``PRAGMA data_version``.

    Signals:
        changed(): another connection committed since the last poll.
    """

    changed = Signal()

    def __init__(self, app: PriceWatch, parent: QObject | None = None, interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.app = app
        self._version: int | None = None
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        self._version = self._read()
        self._timer.start()

    def _read(self) -> int | None:
        try:
            return int(self.app.db.conn().execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:  # a closed or locked database: try again at the next tick
            log.debug("data_version poll failed: %s", exc)
            return None

    @Slot()
    def poll(self) -> bool:
        """Read the version now; emits :attr:`changed` (and returns True) when it moved."""
        version = self._read()
        if version is None or version == self._version:
            return False
        self._version = version
        self.changed.emit()
        return True

    def stop(self) -> None:
        self._timer.stop()
