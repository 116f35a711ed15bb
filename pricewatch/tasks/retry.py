"""What to do when a task function raises: retry later, fail, or revoke; and when to try again."""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

from pricewatch.errors import CancelledError, TransientError
from pricewatch.tasks.errors import TaskCancelled

# A server asking for more than a day is not honoured literally; we still wait at least the backoff.
MAX_RETRY_AFTER = 86_400.0


class Outcome(enum.Enum):
    RETRY = "retry"
    FAILURE = "failure"
    REVOKED = "revoked"


def classify(exc: BaseException) -> Outcome:
    """Transient faults are retried, cancellation revokes, everything else (bugs included) fails."""
    if isinstance(exc, TaskCancelled | CancelledError):
        return Outcome.REVOKED
    if isinstance(exc, TransientError):
        return Outcome.RETRY
    return Outcome.FAILURE


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter (AWS architecture blog), capped, honouring Retry-After."""

    max_retries: int = 3
    base_delay: float = 30.0
    max_delay: float = 3600.0

    def delay(
        self, retries: int, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait before try number ``retries + 1`` (``retries`` tries already failed)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(0, retries)))
        wait = (rng or random).uniform(0.0, ceiling)
        if retry_after is not None and retry_after > 0:
            wait = max(wait, min(float(retry_after), MAX_RETRY_AFTER))
        return wait

    def should_retry(self, retries: int, max_retries: int | None = None) -> bool:
        limit = self.max_retries if max_retries is None else max_retries
        return retries < limit
