"""Keeps the statuses scripts poll fresh before they expire: one journal read for many, on its own thread.

An open task's entry in :class:`~pricewatch.api.status_cache.StatusCache` expires ``OPEN_FRESH`` seconds
after its last read (changes by other processes have no event here). A task that waits its turn in a long
queue sees no event for longer than that, so each of its polls after the expiry went to a pool thread: one
poll in ten under bench/api_load.py, each waiting twice for the interpreter lock (hand-over and back). Here,
every ``PERIOD`` seconds, the entries polled during their freshness that would expire before the next look
are read again in one query and stored (unless an event came meanwhile), so those polls are answered from
memory and no entry is older than ``OPEN_FRESH``, as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from pricewatch.api.status_cache import StatusCache
from pricewatch.models import TaskRecord

log = logging.getLogger(__name__)

PERIOD = 0.25  # seconds between looks
CHUNK = 500  # ids per query


class StatusRefresher:
    """Args:
    cache: the statuses to keep fresh.
    read_many: the records of those of the given ids that exist (one query).
    """

    def __init__(
        self,
        cache: StatusCache,
        read_many: Callable[[list[str]], list[TaskRecord]],
        period: float = PERIOD,
    ) -> None:
        self.cache = cache
        self.read_many = read_many
        self.period = period
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="pricewatch-api-status", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def refresh(self) -> int:
        """Read and store the entries due now (expiring within two periods); returns how many were read."""
        due = self.cache.due(2 * self.period)
        read = 0
        for start in range(0, len(due), CHUNK):
            chunk = due[start : start + CHUNK]
            records = {r.id: r for r in self.read_many([task_id for task_id, _ in chunk])}
            for task_id, version in chunk:
                record = records.get(task_id)
                if record is not None:  # deleted meanwhile: the next poll reads it (and answers 404)
                    self.cache.store(record, version)
            read += len(records)
        return read

    def _run(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.refresh()
            except Exception:  # a locked or closing database: the polls read for themselves meanwhile
                log.debug("could not refresh the polled task statuses", exc_info=True)
