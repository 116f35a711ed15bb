"""Request and response bodies of ``/tasks``, in the shapes of the Celery-based API PriceWatch replaces."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from pricewatch.api.routes.common import Id, Url
from pricewatch.models import TaskRecord, TaskState

MAX_BATCH = 1000
Priority = Annotated[int, Field(ge=-100, le=100, description="Higher runs first; the window uses 10")]


class TaskSubmitted(BaseModel):
    success: bool = True
    task_id: str


class BatchSubmitted(TaskSubmitted):
    """``task_id`` is the parent; ``child_ids`` are the children queued by the time of the reply."""

    child_ids: list[str]


class Progress(BaseModel):
    current: int
    total: int
    percent: float
    message: str

    @classmethod
    def of(cls, r: TaskRecord) -> Progress:
        return cls(
            current=r.progress_current, total=r.progress_total, percent=r.progress_percent,
            message=r.progress_message,
        )  # fmt: skip


class TaskStatus(BaseModel):
    """Celery's ``AsyncResult`` view: poll until ``status`` is SUCCESS, FAILURE or REVOKED."""

    task_id: str
    status: TaskState
    result: Any = None
    error: str | None
    error_kind: str | None = Field(
        default=None,
        description="what went wrong, as a stable tag (timeout, http_5xx, rate_limited, no_price...)",
    )
    http_status: int | None = Field(default=None, description="the shop's HTTP status, when the error is one")
    retry_after: float | None = Field(
        default=None, description="seconds the shop asked to wait (Retry-After)"
    )
    retries: int
    progress: Progress

    @classmethod
    def of(cls, r: TaskRecord) -> TaskStatus:
        return cls(
            task_id=r.id, status=r.state, result=r.result, error=r.error, error_kind=r.error_kind,
            http_status=r.error_status, retry_after=r.error_retry_after, retries=r.retries,
            progress=Progress.of(r),
        )  # fmt: skip


class TaskInfo(TaskStatus):
    """Everything the journal knows about a task (no traceback: that stays in the log and the window)."""

    name: str
    kwargs: dict[str, Any]
    queue: str
    priority: int
    parent_id: str | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    eta: datetime | None
    worker: str | None = Field(default=None, description="the Celery worker that read the page; null: here")

    @classmethod
    def of(cls, r: TaskRecord) -> TaskInfo:
        return cls(
            **TaskStatus.of(r).model_dump(), name=r.name, kwargs=r.kwargs, queue=r.queue, priority=r.priority,
            parent_id=r.parent_id, queued_at=r.queued_at, started_at=r.started_at, finished_at=r.finished_at,
            eta=r.eta, worker=r.worker,
        )  # fmt: skip


class TaskDetail(TaskInfo):
    child_ids: list[str]


class TaskList(BaseModel):
    tasks: list[TaskInfo]
    limit: int
    offset: int


class ScrapeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Url
    selector: Annotated[str, Field(max_length=1000)] | None = None
    offer_key: Annotated[str, Field(max_length=500)] | None = None


class ScrapeBatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    urls: Annotated[list[Url], Field(min_length=1, max_length=MAX_BATCH)]


class PriceCheckRequest(BaseModel):
    """Empty: every due product; ``product_id``: that one; ``product_ids``: those, as one batch."""

    model_config = ConfigDict(extra="forbid")
    product_id: Id | None = None
    product_ids: Annotated[list[Id], Field(min_length=1, max_length=MAX_BATCH)] | None = None
    force: bool = Field(False, description="With neither id: check every active product, due or not")


class TaskRequest(BaseModel):
    """Any registered task by name (the allow-list is ``GET /tasks/names``)."""

    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kwargs: dict[str, Any] = Field(default_factory=dict)
    priority: Priority = 10
    queue: (
        Annotated[str, Field(max_length=50, description="Optional; must be the task's own queue")] | None
    ) = None


class TaskNames(BaseModel):
    names: list[str]
