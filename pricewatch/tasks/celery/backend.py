"""The Redis result backend, without the per-task subscription Celery makes for callers that ``get()``.

The coordinator collects results itself (one ``MGET`` for all checks in flight, on one thread); Celery's own
result consumer would subscribe to a channel per sent task from the sending thread, which the coordinator's
many sending threads must not share. Workers store results exactly as with the stock backend.

Celery loads this class by name (``result_backend = "pricewatch.tasks.celery.backend:CollectedRedisBackend+
redis://..."``); importing it imports Celery.
"""

from __future__ import annotations

from typing import Any

from celery.backends.redis import RedisBackend


class CollectedRedisBackend(RedisBackend):  # type: ignore[misc]
    def on_task_call(self, producer: Any, task_id: str) -> None:
        return None
