"""The two routes scripts call most, answered in plain ASGI: ``GET /tasks/{id}/status`` and ``POST
/tasks/scrape``.

A script that scrapes pages polls each task's status several times a second; with 200 such scripts these two
routes are nearly all of the API's traffic. Through FastAPI each answer cost ~1 ms of CPU on the event loop
(route matching over every route, dependency solving, validation, the response object) plus a journal read
on a pool thread. Here:

- a status is answered from :class:`~pricewatch.api.status_cache.StatusCache` (bytes and ETag, no thread
  hand-over) when it is current, otherwise read on the runner's pool and kept;
- a scrape whose body is the plain case (a JSON object with ``url`` and optionally ``selector`` and
  ``offer_key``, each a string within its length, or null for the last two) is queued on the runner's pool,
  and its first status read there too, so the first poll needs no read.

Everything else, and every request these cannot answer exactly as the FastAPI route would (a malformed or
invalid body, an unknown task, an error of the facade), goes on to FastAPI unchanged, body included: the 401,
404 and 422 answers, the OpenAPI schema and the other routes stay FastAPI's. This sits inside the Host,
token and body-size guards (:mod:`pricewatch.api.security`), so the same rules apply first; the JSON is the
same models' (``TaskStatus``, ``TaskSubmitted``), byte for byte.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from pricewatch.api.etags import etag_matches
from pricewatch.api.routes.task_models import TaskSubmitted
from pricewatch.api.security import replaying
from pricewatch.api.status_cache import EncodedStatus, StatusCache

if TYPE_CHECKING:
    from pricewatch.api.runner import FacadeRunner

JSON_TYPES = frozenset({"application/json", "application/json; charset=utf-8"})
SCRAPE_FIELDS = {"url": 4096, "selector": 1000, "offer_key": 500}  # longest text each may hold
OPTIONAL = frozenset({"selector", "offer_key"})
STATUS_SUFFIX = "/status"


def plain_scrape(body: bytes) -> dict[str, str | None] | None:
    """The fields of a scrape request that FastAPI's ``ScrapeRequest`` would accept as they are; None for
    anything else (FastAPI then answers it, a 422 included)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or "url" not in data or not data.keys() <= SCRAPE_FIELDS.keys():
        return None
    fields: dict[str, str | None] = {"selector": None, "offer_key": None}
    for name, value in data.items():
        if value is None and name in OPTIONAL:
            continue
        if not isinstance(value, str) or len(value) > SCRAPE_FIELDS[name] or (name == "url" and not value):
            return None
        fields[name] = value
    return fields


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body; None when the client went away."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _json_headers(body: bytes) -> list[tuple[bytes, bytes]]:
    return [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class HotRoutesMiddleware:
    """Answers the status and scrape routes under ``prefix`` itself; passes everything else to ``app``."""

    def __init__(self, app: ASGIApp, runner: FacadeRunner, cache: StatusCache, prefix: str) -> None:
        self.app = app
        self.runner = runner
        self.cache = cache
        self.tasks = prefix.rstrip("/") + "/tasks/"
        self.scrape_path = self.tasks + "scrape"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            method = scope["method"]
            if method == "GET" and path.startswith(self.tasks) and path.endswith(STATUS_SUFFIX):
                task_id = path[len(self.tasks) : -len(STATUS_SUFFIX)]
                if task_id and "/" not in task_id:
                    await self._status(task_id, scope, receive, send)
                    return
            elif method == "POST" and path == self.scrape_path:
                await self._scrape(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _status(self, task_id: str, scope: Scope, receive: Receive, send: Send) -> None:
        status = self.cache.get(task_id)
        if status is None:
            try:
                status = await self.runner.call(self._read_status, task_id)
            except Exception:  # unknown task, a database error: FastAPI's route answers (404, 503, 500)
                await self.app(scope, receive, send)
                return
        etag = status.etag.encode()
        headers = [(b"etag", etag), (b"cache-control", b"no-cache")]
        if etag_matches(_header(scope, b"if-none-match"), status.etag):
            await _send(send, 304, b"", headers)
            return
        await _send(send, 200, status.body, headers + _json_headers(status.body))

    def _read_status(self, task_id: str) -> EncodedStatus:
        version = self.cache.begin_read(task_id)
        return self.cache.store(self.runner.app.get_task(task_id), version)

    async def _scrape(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive)
        if body is None:
            return
        content_type = (_header(scope, b"content-type") or "").lower()
        fields = plain_scrape(body) if content_type in JSON_TYPES else None
        if fields is None:
            await self.app(scope, replaying(body, receive), send)
            return
        try:
            task_id = await self.runner.call(self._submit_scrape, fields)
        except HTTPException as exc:  # an unexpected error, logged by the runner: the same 500 as FastAPI's
            detail = json.dumps({"detail": exc.detail}, ensure_ascii=False, separators=(",", ":")).encode()
            await _send(send, exc.status_code, detail, _json_headers(detail))
            return
        except Exception:  # an expected error (a bad URL, an upgraded database), raised before anything was
            await self.app(scope, replaying(body, receive), send)  # queued: FastAPI's route answers it
            return
        reply = TaskSubmitted(task_id=task_id).model_dump_json().encode()
        await _send(send, 200, reply, _json_headers(reply))

    def _submit_scrape(self, fields: dict[str, Any]) -> str:
        """On the pool: queue the scrape, then read its first status for the polls to come."""
        app = self.runner.app
        task_id = app.scrape(str(fields["url"]), selector=fields["selector"], offer_key=fields["offer_key"])
        version = self.cache.begin_read(task_id)
        with contextlib.suppress(Exception):  # queued all the same; the first poll reads it
            self.cache.store(app.get_task(task_id), version)
        return task_id
