"""The SQLite database: a connection per thread, WAL, foreign keys, a busy timeout, explicit transactions."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from pricewatch.storage.migrations import LATEST_VERSION, SchemaTooNewError, migrate, schema_version

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
SCHEMA_TOO_NEW = "the database was upgraded by a newer PriceWatch; restart PriceWatch to use it"


class StorageError(RuntimeError):
    """The environment kept the database from working (disk full, read-only, locked, not a database)."""


def connect(path: Path | str) -> sqlite3.Connection:
    """Open a connection with PriceWatch's pragmas; autocommit, so transactions are explicit."""
    try:
        conn = sqlite3.connect(
            str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL is durable across application crashes in WAL mode; a power cut can lose the last commit.
            conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"cannot open the database {path}: {exc}") from exc
    return conn


class Database:
    """Hands each thread its own connection to one SQLite file (sqlite3 connections are not shared).

    Workers of a thread pool keep their connection for the pool thread's life; :meth:`close` closes them all.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = self.conn()
        try:
            old = migrate(conn)
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot prepare the database {self.path}: {exc}") from exc
        if old:
            log.debug("database schema was at version %s", old)

    def conn(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

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
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

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
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()
