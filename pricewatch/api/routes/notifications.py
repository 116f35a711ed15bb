"""``/notifications``: send one or a batch now (through the user's channels) and read the log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from pricewatch.api.auth import Runner
from pricewatch.api.routes.common import Id, IdQuery
from pricewatch.models import NotificationRecord, NotificationState

router = APIRouter(prefix="/notifications", tags=["notifications"])


class NotificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Annotated[str, Field(min_length=1, max_length=200)]
    message: Annotated[str, Field(max_length=2000)] = ""
    product_id: Id | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class NotificationBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: Annotated[list[NotificationIn], Field(min_length=1, max_length=100)]


class NotificationOut(BaseModel):
    id: int | None
    title: str
    message: str
    product_id: int | None
    channels: list[str]
    state: Annotated[
        NotificationState,
        Field(description="SUPPRESSED: held back by the daily cap per product (not a failure, not retried)"),
    ]
    error: Annotated[
        str | None, Field(description="why it was not delivered: the failure, or the daily cap's reason")
    ]
    attempts: int
    data: dict[str, Any]
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, n: NotificationRecord) -> NotificationOut:
        return cls(
            id=n.id, title=n.title, message=n.message, product_id=n.product_id, channels=list(n.channels),
            state=n.state, error=n.error, attempts=n.attempts, data=dict(n.data), created_at=n.created_at,
            sent_at=n.sent_at,
        )  # fmt: skip


class NotificationList(BaseModel):
    notifications: list[NotificationOut]


@router.post("", response_model=NotificationOut, status_code=201, summary="Send a notification now")
async def notify(body: NotificationIn, runner: Runner) -> NotificationOut:
    if body.product_id is not None:
        await runner.call(runner.app.get_product, body.product_id)  # 404 for an unknown product
    record = await runner.call(
        runner.app.notify, body.title, body.message, product_id=body.product_id, data=body.data or None
    )
    return NotificationOut.of(record)


@router.post("/batch", response_model=NotificationList, status_code=201, summary="Send several notifications")
async def notify_batch(body: NotificationBatchIn, runner: Runner) -> NotificationList:
    for product_id in {i.product_id for i in body.items if i.product_id is not None}:
        await runner.call(runner.app.get_product, product_id)
    records = await runner.call(runner.app.notify_batch, [i.model_dump() for i in body.items])
    return NotificationList(notifications=[NotificationOut.of(r) for r in records])


@router.get("", response_model=NotificationList, summary="The notification log, newest first")
async def list_notifications(
    runner: Runner,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    product_id: IdQuery = None,
) -> NotificationList:
    records = await runner.call(runner.app.list_notifications, limit=limit, product_id=product_id)
    return NotificationList(notifications=[NotificationOut.of(r) for r in records])
