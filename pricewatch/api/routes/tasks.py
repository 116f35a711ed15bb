"""``/tasks``: start scrapes, price checks or any registered task; poll status and progress; cancel, retry."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel

from pricewatch.api.auth import Runner
from pricewatch.api.errors import CONFLICT
from pricewatch.api.etags import etag_matches, strong_etag
from pricewatch.api.routes.common import MAX_ID
from pricewatch.api.routes.task_models import (
    BatchSubmitted,
    PriceCheckRequest,
    Progress,
    ScrapeBatchRequest,
    ScrapeRequest,
    TaskDetail,
    TaskInfo,
    TaskList,
    TaskNames,
    TaskRequest,
    TaskStatus,
    TaskSubmitted,
)
from pricewatch.models import TaskState
from pricewatch.urls import validate_url

router = APIRouter(prefix="/tasks", tags=["tasks"])
URL_ARGUMENTS = ("url", "urls")
BATCH_CHILDREN_WAIT = 5.0  # seconds to wait for a batch parent to queue its children before replying
MAX_WAIT = 300.0  # seconds a long poll may be held open
OTHER_PROCESS_POLL = 0.5  # seconds between reads of a task another process runs


@router.post("/scrape", response_model=TaskSubmitted, summary="Scrape one page")
async def scrape(body: ScrapeRequest, runner: Runner) -> TaskSubmitted:
    task_id = await runner.call(runner.app.scrape, body.url, selector=body.selector, offer_key=body.offer_key)
    return TaskSubmitted(task_id=task_id)


@router.post("/scrape-batch", response_model=BatchSubmitted, summary="Scrape many pages as one batch")
async def scrape_batch(body: ScrapeBatchRequest, runner: Runner) -> BatchSubmitted:
    app = runner.app
    task_id = await runner.call(app.scrape_batch, body.urls)
    expected = len(body.urls)  # one child per URL, duplicates included
    children = await _wait_for_children(runner, task_id, expected)
    return BatchSubmitted(task_id=task_id, child_ids=children)


async def _wait_for_children(runner: Runner, task_id: str, expected: int) -> list[str]:
    """The batch parent queues its children when it runs; wait (briefly) so the reply can list them."""
    app = runner.app
    changed = asyncio.Event()
    loop = asyncio.get_running_loop()

    def wake(event: Any) -> None:  # called on task threads
        if event.task_id == task_id or event.kind == "added":
            with contextlib.suppress(RuntimeError):  # the loop may be gone when a late event arrives
                loop.call_soon_threadsafe(changed.set)

    unsubscribe = app.subscribe(wake)
    try:
        deadline = loop.time() + BATCH_CHILDREN_WAIT
        while True:
            changed.clear()
            children = await runner.call(app.task_children, task_id)
            parent = await runner.call(app.get_task, task_id)
            if (
                len(children) >= expected
                or parent.state.is_final
                or app.task_manager.stopping  # shut down: the batch runs after the next start
                or loop.time() >= deadline
            ):
                return [c.id for c in children]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), max(0.0, deadline - loop.time()))
    finally:
        unsubscribe()


@router.post("/price-check", response_model=TaskSubmitted, summary="Check prices now")
async def price_check(body: PriceCheckRequest, runner: Runner) -> TaskSubmitted:
    app = runner.app
    if body.product_id is not None and body.product_ids is not None:
        raise HTTPException(422, "send product_id or product_ids, not both")
    if body.product_id is not None:
        task_id = await runner.call(app.check_product, body.product_id)
    else:
        task_id = await runner.call(app.check_prices, force=body.force, product_ids=body.product_ids)
    return TaskSubmitted(task_id=task_id)


@router.get("/names", response_model=TaskNames, summary="Names of the tasks POST /tasks accepts")
async def task_names(runner: Runner) -> TaskNames:
    return TaskNames(names=await runner.call(runner.app.registered_task_names))


@router.post("", response_model=TaskSubmitted, summary="Start any registered task")
async def submit(body: TaskRequest, runner: Runner) -> TaskSubmitted:
    app = runner.app
    if body.name not in await runner.call(app.registered_task_names):
        raise HTTPException(422, f"unknown task {body.name!r}; GET /api/v1/tasks/names lists the known ones")
    if body.queue is not None:
        from pricewatch.tasks.registry import lookup

        queue = lookup(body.name).queue
        if body.queue != queue:
            raise HTTPException(422, f"task {body.name!r} runs on the {queue!r} queue, not {body.queue!r}")
    kwargs = _checked_urls(body.kwargs)
    task_id = await runner.call(app.submit_task, body.name, kwargs=kwargs, priority=body.priority)
    return TaskSubmitted(task_id=task_id)


def _checked_urls(kwargs: dict[str, Any]) -> dict[str, Any]:
    """URL arguments are checked here too, so a bad one is a 422 now rather than a FAILURE later."""
    checked = dict(kwargs)
    if isinstance(checked.get("url"), str):
        checked["url"] = validate_url(checked["url"])
    if isinstance(checked.get("urls"), list):
        checked["urls"] = [validate_url(u) if isinstance(u, str) else u for u in checked["urls"]]
    return checked


@router.get("", response_model=TaskList, summary="List tasks, newest first")
async def list_tasks(
    runner: Runner,
    state: TaskState | None = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    parent_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> TaskList:
    records = await runner.call(
        runner.app.list_tasks, state=state, name=name, limit=limit, offset=offset, parent_id=parent_id
    )
    return TaskList(tasks=[TaskInfo.of(r) for r in records], limit=limit, offset=offset)


@router.get("/{task_id}", response_model=TaskDetail, summary="Everything about a task")
async def get_task(task_id: str, runner: Runner) -> TaskDetail:
    record = await runner.call(runner.app.get_task, task_id)
    children = await runner.call(runner.app.task_children, task_id)
    return TaskDetail(**TaskInfo.of(record).model_dump(), child_ids=[c.id for c in children])


@router.get(
    "/{task_id}/status",
    response_model=TaskStatus,
    responses={304: {"description": "Unchanged since the ETag sent in If-None-Match"}},
    summary="Poll a task (Celery's AsyncResult)",
)
async def status(task_id: str, runner: Runner, request: Request) -> Response:
    """The task's state; its ``ETag`` sent back as ``If-None-Match`` gets a cheap 304 until it changes."""
    return _with_etag(request, TaskStatus.of(await runner.call(runner.app.get_task, task_id)))


@router.get(
    "/{task_id}/wait",
    response_model=TaskStatus,
    summary="Wait for a task to finish (long poll)",
)
async def wait(
    task_id: str, runner: Runner, timeout: Annotated[float, Query(ge=0, le=MAX_WAIT)] = 30.0
) -> TaskStatus:
    """Answers as soon as the task is final (SUCCESS, FAILURE, REVOKED), or after ``timeout`` seconds with
    its state then; a script loops on this instead of polling ``/status``."""
    app = runner.app
    loop = asyncio.get_running_loop()
    changed = asyncio.Event()

    def wake(event: Any) -> None:  # called on task threads
        if event.task_id == task_id and event.kind != "progress":
            with contextlib.suppress(RuntimeError):  # the loop may be gone when a late event arrives
                loop.call_soon_threadsafe(changed.set)

    unsubscribe = app.subscribe(wake)
    try:
        deadline = loop.time() + timeout
        while True:
            changed.clear()
            record = await runner.call(app.get_task, task_id)
            remaining = deadline - loop.time()
            if record.state.is_final or remaining <= 0:
                return TaskStatus.of(record)
            # Events cover this process's engine; another process's run is seen by reading the row again.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, OTHER_PROCESS_POLL))
    finally:
        unsubscribe()


@router.get(
    "/{task_id}/progress",
    response_model=Progress,
    responses={304: {"description": "Unchanged since the ETag sent in If-None-Match"}},
    summary="A task's progress",
)
async def progress(task_id: str, runner: Runner, request: Request) -> Response:
    return _with_etag(request, Progress.of(await runner.call(runner.app.get_task, task_id)))


def _with_etag(request: Request, model: BaseModel) -> Response:
    """The model as JSON with a strong ETag; 304 without a body when the client already has it."""
    body = model.model_dump_json().encode()
    etag = strong_etag(body)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.post("/{task_id}/cancel", response_model=TaskStatus, summary="Cancel a task and its children")
async def cancel(task_id: str, runner: Runner) -> TaskStatus:
    return TaskStatus.of(await runner.call(runner.app.cancel_task, task_id))


@router.post("/{task_id}/retry", response_model=TaskSubmitted, responses=CONFLICT, summary="Run a task again")
async def retry(task_id: str, runner: Runner) -> TaskSubmitted:
    record = await runner.call(runner.app.get_task, task_id)
    if record.state not in (TaskState.FAILURE, TaskState.REVOKED):
        raise HTTPException(409, f"only failed or revoked tasks can be retried; this one is {record.state}")
    return TaskSubmitted(task_id=await runner.call(runner.app.retry_task, task_id))
