"""Encoded task statuses for ``GET /tasks/{id}/status``, kept current by this process's task events.

Scripts poll a task's status several times a second while it runs. Each poll used to cost a read of the
journal on a pool thread, and under load the hand-over of the interpreter lock to that thread and back
(contested by the engine's threads) was most of the answer's time. Here the answer is the bytes of the last
read, with its ETag, refreshed when the task changes:

- an entry exists for a task someone asked about (a poll, or the scrape that created it through the API);
- this engine's events refresh it: a state change is read again on the thread that emitted it (a journal
  read there, after the commit), a progress event drops it until the next read (progress events come ~10
  times a second, the row's progress only once a second);
- a change no event of this process announces (another process cancelled the task, a progress write between
  two events) is seen when the entry of an open task expires, within ``OPEN_FRESH`` seconds, as a task run by
  another process is seen by ``/wait``; a final status never changes, and is kept ``FINAL_FRESH`` seconds
  (the journal's clean-up may delete the row later);
- an open status that a script keeps polling is read again shortly before it expires, many in one query, by
  :class:`~pricewatch.api.status_refresh.StatusRefresher`: a task waiting its turn in a long queue would
  otherwise send one poll a second to a pool thread (bench/api_load.py: one poll in ten).

Each entry carries a version bumped by every event of its task; a read stores its bytes only if no event came
between the read's start and its end, so a slow read never overwrites a newer status with an older one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from pricewatch.api.etags import strong_etag
from pricewatch.api.routes.task_models import TaskStatus
from pricewatch.models import TaskRecord
from pricewatch.tasks.events import TaskEvent

log = logging.getLogger(__name__)

OPEN_FRESH = 1.0  # seconds an open task's status is answered without a read (as the engine's REVOKE_POLL)
FINAL_FRESH = 60.0  # seconds a final status is kept
MAX_ENTRIES = 4096  # tasks remembered at once (a scrape's status is ~1 KB); the oldest go first


@dataclass(slots=True)
class EncodedStatus:
    """A status as sent: the JSON body of ``TaskStatus`` and its strong ETag (quotes included)."""

    body: bytes
    etag: str
    final: bool
    fresh_until: float


def encode(record: TaskRecord, now: float) -> EncodedStatus:
    """The body and ETag the FastAPI status route sends for ``record``."""
    body = TaskStatus.of(record).model_dump_json().encode()
    etag = strong_etag(body)
    final = record.state.is_final
    return EncodedStatus(body, etag, final, now + (FINAL_FRESH if final else OPEN_FRESH))


@dataclass(slots=True)
class _Entry:
    version: int = 0
    status: EncodedStatus | None = None
    asked: float = 0.0  # when a poll last asked for it (monotonic seconds)


class StatusCache:
    """Statuses by task id; :meth:`on_event` is the engine's subscriber (called on task threads).

    Args:
        read: the task's record now (raises NotFoundError); called on the event's thread for a refresh.
        clock: monotonic seconds (tests pass their own).
    """

    def __init__(
        self,
        read: Callable[[str], TaskRecord],
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read
        self._max = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def get(self, task_id: str) -> EncodedStatus | None:
        """The status to answer with, or None when it must be read (unknown, expired or changed)."""
        entry = self._entries.get(task_id)  # a dict read is atomic; the entry's fields are replaced whole
        if entry is None:
            return None
        status, now = entry.status, self._clock()
        entry.asked = now
        if status is None or now >= status.fresh_until:
            return None
        return status

    def begin_read(self, task_id: str) -> int:
        """Start watching ``task_id`` before reading its row (someone asked for it); pass the result to
        :meth:`store`."""
        with self._lock:
            entry = self._entries.get(task_id)
            if entry is None:
                entry = self._entries[task_id] = _Entry()
                while len(self._entries) > self._max:
                    self._entries.popitem(last=False)
            entry.asked = self._clock()
            return entry.version

    def store(self, record: TaskRecord, version: int) -> EncodedStatus:
        """Encode ``record`` (read after :meth:`begin_read` returned ``version``) and keep it unless an
        event came meanwhile; returns the encoded status either way (it was true when read)."""
        status = encode(record, self._clock())
        with self._lock:
            entry = self._entries.get(record.id)
            if entry is not None and entry.version == version:
                entry.status = status
        return status

    def due(self, within: float) -> list[tuple[str, int]]:
        """``(task id, version)`` of the open statuses asked for during the last ``OPEN_FRESH`` seconds that
        expire within ``within`` seconds: read them and :meth:`store` each with its version to keep it."""
        now = self._clock()
        with self._lock:
            return [
                (task_id, entry.version)
                for task_id, entry in self._entries.items()
                if (status := entry.status) is not None
                and not status.final
                and status.fresh_until - now < within
                and now - entry.asked < OPEN_FRESH
            ]

    def on_event(self, event: TaskEvent) -> None:
        if event.task_id not in self._entries:
            return  # nobody asked about this task through the API
        with self._lock:
            entry = self._entries.get(event.task_id)
            if entry is None:
                return
            if entry.status is not None and entry.status.final:
                return  # a final state is the last one
            entry.version += 1
            entry.status = None
            version = entry.version
        if event.kind == "progress":
            return  # the row's progress is written once a second at most: read it when asked
        try:
            record = self._read(event.task_id)
        except Exception:  # the next poll reads it on the API's own threads (and reports any error)
            log.debug("could not refresh the status of task %s", event.task_id, exc_info=True)
            return
        self.store(record, version)

    def __len__(self) -> int:
        return len(self._entries)
