"""Notification tasks: ``notifications.send``, ``notifications.send_batch`` and ``notifications.flush_held``.

They run on the ``notifications`` queue. The task id is the notification's dedup key, so a retry (same task
id) continues the same record and resends only through the channels that have not delivered yet; a channel
failure that may pass raises :class:`TransientError`, which the engine retries with backoff.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pricewatch.errors import TransientError
from pricewatch.tasks.registry import task

if TYPE_CHECKING:
    from pricewatch.notify.notifier import SendResult
    from pricewatch.tasks.context import TaskContext


def _summary(result: SendResult) -> dict[str, Any]:
    record = result.record
    return {
        "notification_id": record.id,
        "state": str(record.state),
        "channels": list(record.channels),
        "attempts": record.attempts,
        "error": record.error,
    }


def _raise_for_retry(results: Sequence[SendResult]) -> None:
    failing = [r for r in results if r.retry]
    if failing:
        errors = "; ".join(sorted({r.record.error or "not delivered" for r in failing}))
        raise TransientError(f"notification not delivered: {errors}", kind="notify")


@task("notifications.send", queue="notifications")
def send(
    ctx: TaskContext,
    title: str,
    message: str,
    product_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Send one notification through the configured channels."""
    key = f"task:{ctx.task_id}"
    result = ctx.services.notifier.send(title, message, product_id=product_id, data=data, key=key)
    _raise_for_retry([result])
    return _summary(result)


@task("notifications.send_batch", queue="notifications")
def send_batch(ctx: TaskContext, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Send many notifications; more than a few at once become one digest per channel."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError("items must be a list of objects with title and message")
    results = ctx.services.notifier.send_batch(items, key=f"task:{ctx.task_id}")
    _raise_for_retry(results)
    return {"count": len(results), "notifications": [_summary(r) for r in results]}


@task("notifications.flush_held", queue="notifications")
def flush_held(ctx: TaskContext) -> dict[str, Any]:
    """Send what quiet hours held back, as one digest, once they are over."""
    result = ctx.services.notifier.flush_held()
    if result is None:
        return {"digest": None}
    _raise_for_retry([result])
    return {"digest": _summary(result)}
