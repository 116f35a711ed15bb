"""The task journal's write lock, with the task workers in a line of their own.

SQLite admits one writer at a time, and every journal write takes this lock first (see
:class:`~pricewatch.storage.tasks.TaskRepository`). A task worker writes twice per task (claim, finish): with
sixteen scraping workers, an API request's insert waited behind most of them, each holding the lock longer
than its statement because it must win the interpreter lock back after SQLite returns (bench/api_load.py: a
scrape's insert waited up to 120-190 ms at p99). Threads that called :func:`mark_background` (the engine's
workers) first take a second lock, so at most one of them waits for the write lock at any moment: a
foreground writer (the API, the window, a command) finds at most the holder and one worker ahead of it.
Workers keep their order among themselves; the work they write does not wait on people.
"""

from __future__ import annotations

import threading
from types import TracebackType

_role = threading.local()


def mark_background() -> None:
    """The calling thread writes as a background worker from now on (it lines up behind other workers)."""
    _role.background = True


class JournalLock:
    """Re-entrant; a context manager."""

    def __init__(self) -> None:
        self._write = threading.RLock()
        self._line = threading.RLock()  # background writers, one at a time towards _write

    def __enter__(self) -> None:
        if getattr(_role, "background", False):
            self._line.acquire()
        self._write.acquire()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._write.release()
        if getattr(_role, "background", False):
            self._line.release()
