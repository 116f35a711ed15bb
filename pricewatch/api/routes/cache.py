"""``/cache``: what the response cache holds (stats and entries), one entry, and dropping entries.

A fetched page (``fetch:<url>``) is shown whole only to a client on this computer. The API may be bound to
an address other computers reach, and a page PriceWatch fetched may live on PriceWatch's own network (a
router, an intranet): handing its text to a remote client would make the API a way to read those pages.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from pricewatch.api.auth import Runner
from pricewatch.api.security import is_loopback

router = APIRouter(prefix="/cache", tags=["cache"])


class CacheEntryOut(BaseModel):
    key: str
    size: int
    stored_at: datetime
    expires_at: datetime


class CacheOverview(BaseModel):
    stats: dict[str, int | float]
    entries: list[CacheEntryOut]


class CacheValue(CacheEntryOut):
    value: Any


class Deleted(BaseModel):
    success: bool = True
    deleted: int


def _entry(e: Any) -> CacheEntryOut:
    return CacheEntryOut(key=e.key, size=e.size, stored_at=e.stored_at, expires_at=e.expires_at)


def jsonable(value: Any) -> Any:
    """Cached values are dataclasses (a fetched page) or plain JSON; anything else is shown as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    try:
        return json.loads(json.dumps(value, default=str))
    except (TypeError, ValueError):
        return repr(value)


@router.get("", response_model=CacheOverview, summary="Cache statistics and entries")
async def overview(runner: Runner) -> CacheOverview:
    stats = await runner.call(runner.app.cache_stats)
    entries = await runner.call(runner.app.cache_entries)
    numbers = {k: v for k, v in stats.items() if isinstance(v, int | float) and not isinstance(v, bool)}
    return CacheOverview(stats=numbers, entries=[_entry(e) for e in entries])


def from_this_computer(request: Request) -> bool:
    return request.client is not None and is_loopback(request.client.host)


def withheld(value: Any) -> Any:
    """A cached page without its text (``html`` null): status, addresses and validators only."""
    if isinstance(value, dict) and "html" in value:
        return {**value, "html": None}
    return None


@router.get("/{key:path}", response_model=CacheValue, summary="One cache entry with its value")
async def get_entry(key: str, runner: Runner, request: Request) -> CacheValue:
    """The entry and its value; a fetched page's text only for clients on this computer."""

    def read() -> tuple[Any, Any]:
        entry = next((e for e in runner.app.cache_entries() if e.key == key), None)
        return entry, runner.app.cache_get(key) if entry is not None else None

    entry, value = await runner.call(read)
    if entry is None:
        raise HTTPException(404, f"no cache entry {key[:200]!r}")
    shown = jsonable(value)
    if key.startswith("fetch:") and not from_this_computer(request):
        shown = withheld(shown)
    return CacheValue(**_entry(entry).model_dump(), value=shown)


@router.delete("/{key:path}", response_model=Deleted, summary="Drop one cache entry")
async def delete_entry(key: str, runner: Runner) -> Deleted:
    if not await runner.call(runner.app.cache_delete, key):
        raise HTTPException(404, f"no cache entry {key[:200]!r}")
    return Deleted(deleted=1)


@router.delete("", response_model=Deleted, summary="Drop every cache entry, or those whose key has a prefix")
async def clear(runner: Runner, prefix: Annotated[str | None, Query(max_length=4096)] = None) -> Deleted:
    return Deleted(deleted=await runner.call(runner.app.cache_clear, prefix or None))
