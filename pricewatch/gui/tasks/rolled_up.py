"""What a finished task returned, also when the engine rolled it up because the task queued children."""

from __future__ import annotations

from typing import Any

_ROLL_UP_KEYS = frozenset({"value", "total", "succeeded", "failed", "revoked"})


def returned_value(result: Any) -> Any:
    """The task function's own return value, given a task record's ``result``.

    A task that queued children (a look-up that sent a notification) ends with the roll-up
    ``{"value": ..., "total": ..., "succeeded": ..., "failed": ..., "revoked": ...}``; its ``value`` is what
    the function returned. Rows written that way stay in the journal, so readers unwrap them.
    """
    if isinstance(result, dict) and set(result) == _ROLL_UP_KEYS:
        return result["value"]
    return result
