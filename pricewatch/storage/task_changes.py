"""The task journal's change feed: which tasks other writers (processes) inserted or changed since a look.

Every journal write stamps its row with ``changed_at`` (the database clock in milliseconds, taken while the
writer holds SQLite's write lock) and ``changed_by`` (the writing repository's token); the index on
``(state, changed_at)`` lets a reader fetch only the rows stamped since its last look, so the cost follows
the number of changes, not the size of the journal. A window uses it to follow ``pricewatch check``,
``pricewatch serve`` and the API while its own engine's tasks reach it through signals.

The stamps of all writers come from one clock: SQLite's WAL mode needs every process on the same host.
"""

from __future__ import annotations

import time
from typing import Any

from pricewatch.models import TaskState
from pricewatch.storage.db import Database

# Reads start this long before the newest stamp already seen: commits in the same millisecond, NTP slewing.
# Rows seen unchanged since are not reported twice. A step of the wall clock back is detected apart.
OVERLAP_MS = 50
_STATES = tuple(str(s) for s in TaskState)
# max() per state: each one is a single seek in the (state, changed_at) index
_NEWEST = (
    "SELECT coalesce(max(m), 0) FROM ("
    + " UNION ALL ".join("SELECT max(changed_at) AS m FROM tasks WHERE state = ?" for _ in _STATES)
    + ")"
)
_SINCE = (
    "SELECT id, changed_at, state, progress_current, progress_total, retries FROM tasks"
    f" WHERE state IN ({', '.join('?' * len(_STATES))}) AND changed_at >= ? AND changed_by IS NOT ?"
    " ORDER BY queued_at, id"
)


def newest_stamp(db: Database) -> int:
    """The newest ``changed_at`` in the journal (0 when it is empty)."""
    return int(db.conn().execute(_NEWEST, _STATES).fetchone()[0])


def stamped_since(db: Database, stamp: int, besides: str | None) -> list[tuple[Any, ...]]:
    """``(id, changed_at, state, progress_current, progress_total, retries)`` of the rows stamped at or
    after ``stamp`` by any writer but ``besides``, in queue order (a parent before the children it queued)."""
    return [tuple(r) for r in db.conn().execute(_SINCE, (*_STATES, stamp, besides))]


def _now_ms() -> int:
    return int(time.time() * 1000)


def _clock_offset_ms() -> int:
    """Wall clock minus monotonic clock: it drops by as much as the wall clock steps back."""
    return int((time.time() - time.monotonic()) * 1000)


class ChangeCursor:
    """A reader's place in the feed; :meth:`read` returns the ids other writers changed since the last read.

    Not thread-safe: one reader at a time (the window reads on one pool thread after another, never two).
    """

    def __init__(self, db: Database, besides: str | None = None) -> None:
        """``besides``: the ``TaskRepository.writer`` whose changes the reader hears of otherwise."""
        self._db = db
        self._besides = besides
        self._offset = _clock_offset_ms()
        self._mark = min(newest_stamp(db), _now_ms())
        # id -> (stamp, state, progress..., retries) as last reported; the rows already within the overlap
        # count as reported (the reader loads the journal once when it starts)
        self._seen: dict[str, tuple[Any, ...]] = {
            row[0]: row[1:] for row in stamped_since(db, self._mark - OVERLAP_MS, besides)
        }

    def read(self) -> list[str]:
        """Ids changed by other writers since the last read (each once), parents before their children."""
        offset = _clock_offset_ms()
        if offset < self._offset - OVERLAP_MS:
            # The wall clock stepped back since the last read: rows written since carry older stamps.
            self._mark -= self._offset - offset
        self._offset = offset
        now = _now_ms()  # before the reads: a commit they miss is stamped at or after it and after `top`
        top = newest_stamp(self._db)
        since = self._mark - OVERLAP_MS
        ids = []
        for row in stamped_since(self._db, since, self._besides):
            task_id, look = row[0], row[1:]
            if self._seen.get(task_id) != look:
                self._seen[task_id] = look
                ids.append(task_id)
        # Not past `now`: stamps above it were written before a step of the clock back
        self._mark = min(max(self._mark, top), now)
        horizon = self._mark - OVERLAP_MS  # what the next read starts from: older notes are not needed
        self._seen = {i: look for i, look in self._seen.items() if look[0] >= horizon}
        return ids
