"""A Qt pool thread keeps one SQLite connection however often its runnables return to the pool."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QRunnable, QThreadPool

from pricewatch.storage import Database
from tests.support.poll import until


class _Reader(QRunnable):
    def __init__(self, db: Database, seen: list[tuple[int, int]], done: threading.Event) -> None:
        super().__init__()
        self._db, self._seen, self._done = db, seen, done

    def run(self) -> None:
        conn = self._db.conn()
        conn.execute("SELECT count(*) FROM tasks").fetchone()
        self._seen.append((threading.get_ident(), id(conn)))
        self._done.set()


def test_each_run_on_a_pool_thread_finds_the_same_connection(tmp_path: Path) -> None:
    """Python drops a Qt thread's thread-locals when a runnable returns; the connection must outlive that
    (a new one per run parsed the schema again, prepared every statement again, and stayed open)."""
    db = Database(tmp_path / "pool.sqlite3")
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    pool.setExpiryTimeout(-1)  # one thread for every run, as the engine's pools keep them
    seen: list[tuple[int, int]] = []
    try:
        for _ in range(5):
            done = threading.Event()
            pool.start(_Reader(db, seen, done))
            assert done.wait(30)
            # The runnable has returned: the thread waits idle in the pool (waitForDone would end it).
            until(lambda: pool.activeThreadCount() == 0, message="the pool thread idle")
        assert len({thread for thread, _ in seen}) == 1
        assert len({conn for _, conn in seen}) == 1
    finally:
        pool.waitForDone(30_000)
        db.close()
