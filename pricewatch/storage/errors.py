"""Telling SQLite errors the environment causes (a full disk, a lock held too long, a read-only or damaged
file) from bugs, and saying the former in plain words.

An environment error is raised as :class:`DatabaseUnavailableError`, which is both a :class:`StorageError`
(front ends show its message, no traceback) and a ``sqlite3.OperationalError`` (code that already retries
on ``sqlite3.Error`` keeps doing so). Anything else (a constraint, a syntax error, a missing table) is a bug
and stays as SQLite raised it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

# Primary result codes (the low byte of the extended code).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 3, 5, 6, 8, 10, 11, 13, 14, 26
# Below this much free space, an I/O error is taken for a full disk: SQLite reports a WAL index (-shm) that
# cannot grow, and some failed writes, as I/O errors without saying the disk is full.
_NEARLY_FULL = 1_000_000
_TEXTS = (
    ("disk is full", _FULL),
    ("database is locked", _BUSY),
    ("readonly", _READONLY),
    ("disk i/o error", _IOERR),
    ("malformed", _CORRUPT),
    ("not a database", _NOTADB),
)


class StorageError(RuntimeError):
    """The environment kept the database from working (disk full, read-only, locked, not a database)."""


class DatabaseUnavailableError(StorageError, sqlite3.OperationalError):
    """An environment error from SQLite; ``reason`` is ``disk_full``, ``locked``, ``read_only``, ``io``,
    ``damaged`` or ``cannot_open``."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(exc).lower()  # errors raised without a code (older SQLite builds) are told by their text
    for needle, primary in _TEXTS:
        if needle in text:
            return primary
    return None


def environment_error(exc: BaseException, path: Path | str | None) -> DatabaseUnavailableError | None:
    """The plain-words error ``exc`` stands for when the environment caused it; None for bugs."""
    if isinstance(exc, DatabaseUnavailableError) or not isinstance(exc, sqlite3.Error):
        return None
    code = _code(exc)
    where = f"the database {path}" if path else "the database"
    if code == _FULL:
        return DatabaseUnavailableError(
            f"the disk is full: nothing was saved to {where}; free some space and try again", "disk_full"
        )
    if code in (_BUSY, _LOCKED):
        return DatabaseUnavailableError(
            f"{where} is busy: another PriceWatch (or another program) kept it locked too long; "
            "nothing was saved, try again",
            "locked",
        )
    if code in (_READONLY, _PERM):
        return DatabaseUnavailableError(f"{where} is read-only; PriceWatch cannot save to it", "read_only")
    if code == _IOERR and _nearly_full(path):
        return DatabaseUnavailableError(
            f"the disk is full: nothing was saved to {where}; free some space and try again", "disk_full"
        )
    if code == _IOERR:
        return DatabaseUnavailableError(f"the disk failed while reading or writing {where} ({exc})", "io")
    if code in (_CORRUPT, _NOTADB):
        return DatabaseUnavailableError(
            f"cannot open {where}: it is damaged or not a PriceWatch database ({exc})", "damaged"
        )
    if code == _CANTOPEN:
        return DatabaseUnavailableError(f"cannot open {where} ({exc})", "cannot_open")
    return None


def _nearly_full(path: Path | str | None) -> bool:
    if not path:
        return False
    try:
        return shutil.disk_usage(Path(path).parent).free < _NEARLY_FULL
    except OSError:
        return False
