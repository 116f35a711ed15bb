"""WAL checkpoints on a thread of their own, so a commit never stops to copy the log into the database file.

SQLite's automatic checkpoint runs inside the commit that fills the log past its threshold (1,000 pages, a
few hundred task commits): that commit copies the log's pages into the file and syncs both, while the
engine's journal lock is held and every other writer waits, for a millisecond on a quiet disk and far longer
on a busy one. Here the writers' connections leave it to :class:`Checkpointer`, which runs a PASSIVE
checkpoint (it never blocks a writer or a reader) soon after writes, from its own connection.

Durability is unchanged: a commit is in the log when it returns, as before; the checkpoint only moves it.
The automatic checkpoint stays on as a backstop at a larger threshold (``BACKSTOP_PAGES``), so the log stays
bounded even if this thread falls behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

BACKSTOP_PAGES = 16_000  # writers checkpoint themselves past this log size (64 MB at 4 KB pages)
PAUSE = 0.05  # seconds between checkpoints while writes go on: each copies a hot page once, not per commit


class Checkpointer:
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own thread after writes (:meth:`wrote`).

    The thread starts with the first write and ends with :meth:`close`.
    """

    def __init__(self, path: Path, connect: Callable[[Path], sqlite3.Connection]) -> None:
        self._path = path
        self._connect = connect
        self._due = threading.Event()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wrote(self) -> None:
        """Note a commit (cheap: the hot path of every journal write)."""
        if not self._due.is_set():
            if self._thread is None:
                self._start()
            self._due.set()

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None or self._closing.is_set():
                return
            self._thread = threading.Thread(target=self._run, name="pricewatch-checkpoint", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            conn = self._connect(self._path)
        except Exception:
            log.exception("no background checkpoints: cannot open %s", self._path)
            return
        try:
            while True:
                self._due.wait()
                if self._closing.is_set():
                    return
                self._due.clear()
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # the file is busy or gone: the next write asks again
                    log.debug("checkpoint of %s failed: %s", self._path, exc)
                if self._closing.wait(PAUSE):
                    return
        finally:
            conn.close()

    def close(self, timeout: float = 10.0) -> None:
        """Stop the thread (the last connection to close checkpoints what is left)."""
        with self._lock:
            self._closing.set()
            self._due.set()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
