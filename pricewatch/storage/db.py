"""The SQLite database: a connection per thread, WAL, foreign keys, a busy timeout, explicit transactions."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pricewatch.storage.checkpoints import BACKSTOP_PAGES, Checkpointer
from pricewatch.storage.errors import DatabaseUnavailableError, StorageError, environment_error
from pricewatch.storage.migrations import LATEST_VERSION, SchemaTooNewError, migrate, schema_version

log = logging.getLogger(__name__)

__all__ = ["BUSY_TIMEOUT_MS", "Database", "DatabaseUnavailableError", "StorageError", "connect"]

BUSY_TIMEOUT_MS = 10_000
SCHEMA_TOO_NEW = "the database was upgraded by a newer PriceWatch; restart PriceWatch to use it"


class _Connection(sqlite3.Connection):
    """A connection whose statements raise environment faults as :class:`DatabaseUnavailableError`."""

    where: str | None = None

    def _reraise(self, exc: sqlite3.Error) -> None:
        unavailable = environment_error(exc, self.where)
        if unavailable is not None:
            raise unavailable from exc

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as exc:
            self._reraise(exc)
            raise

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as exc:
            self._reraise(exc)
            raise

    def executescript(self, script: str, /) -> sqlite3.Cursor:
        try:
            return super().executescript(script)
        except sqlite3.Error as exc:
            self._reraise(exc)
            raise


def connect(path: Path | str) -> sqlite3.Connection:
    """Open a connection with PriceWatch's pragmas; autocommit, so transactions are explicit."""
    try:
        conn = sqlite3.connect(
            str(path),
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            factory=_Connection,
        )
        conn.where = str(path)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            _enter_wal(conn)
            # NORMAL is durable across application crashes in WAL mode; a power cut can lose the last commit.
            conn.execute("PRAGMA synchronous = NORMAL")
            # Checkpoints run on the Database's own thread (see pricewatch.storage.checkpoints): a commit
            # checkpoints only as a backstop, when the log has grown large.
            conn.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, DatabaseUnavailableError):
            raise
        raise StorageError(f"cannot open the database {path}: {exc}") from exc
    return conn


def _enter_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL; the switch may answer "locked" at once, without waiting in the busy handler, while
    another process is creating the same fresh file, so it is retried up to the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except DatabaseUnavailableError as exc:
            if exc.reason != "locked" or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Database:
    """Hands each thread its own connection to one SQLite file (sqlite3 connections are not shared).

    Workers of a thread pool keep their connection for the pool thread's life; :meth:`close` closes them all.
    Writers call :meth:`wrote` after a commit; the log is then checkpointed on a thread of its own.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        # Keyed by the OS thread, not a threading.local: Python forgets a Qt pool thread's locals each time
        # a runnable returns (its thread state goes), which opened a new connection (schema parse, every
        # statement prepared again) per burst of tasks and kept the old one open until close().
        self._conns: dict[int, sqlite3.Connection] = {}
        self._checkpoints = Checkpointer(self.path, connect)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self.conn()
        try:
            old = migrate(conn)
        except DatabaseUnavailableError:
            raise
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot prepare the database {self.path}: {exc}") from exc
        if old:
            log.debug("database schema was at version %s", old)

    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn = self._conns.get(threading.get_ident())
        if conn is None:
            conn = connect(self.path)
            with self._lock:
                self._conns[threading.get_ident()] = conn
        return conn

    def wrote(self) -> None:
        """Note a commit made outside :meth:`transaction` (a single statement): the log needs a checkpoint."""
        self._checkpoints.wrote()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE takes the write lock up front: no deadlock later)."""
        conn = self.conn()
        if conn.in_transaction:  # nested use joins the outer transaction
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            # A newer PriceWatch may have migrated the file while this one runs: never write to a schema
            # this code does not know (a header read under the write lock, microseconds).
            self.refuse_newer_schema(conn)
            yield conn
            conn.execute("COMMIT")
            self.wrote()
        except BaseException:
            # SQLite has already rolled back after some faults (a full disk): a second rollback would
            # replace the real error with "cannot rollback - no transaction is active".
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        """The file's schema version now (a header read, microseconds)."""
        return schema_version(self.conn())

    def schema_too_new(self) -> bool:
        """Has a newer PriceWatch migrated the file under this code."""
        return self.schema_version() > LATEST_VERSION

    def refuse_newer_schema(self, conn: sqlite3.Connection | None = None) -> None:
        """Raise SchemaTooNewError when the file's schema is newer than this code knows (before a write)."""
        if schema_version(conn or self.conn()) > LATEST_VERSION:
            raise SchemaTooNewError(SCHEMA_TOO_NEW)

    def close(self) -> None:
        """Close every thread's connection (call once, at shutdown, when no worker is running)."""
        self._checkpoints.close()
        with self._lock:
            conns, self._conns = list(self._conns.values()), {}
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
