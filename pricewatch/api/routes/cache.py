"""``/cache``: what the response cache holds (stats and entries), one entry, and dropping entries."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from pricewatch.api.auth import Runner

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


@router.get("/{key:path}", response_model=CacheValue, summary="One cache entry with its value")
async def get_entry(key: str, runner: Runner) -> CacheValue:
    def read() -> tuple[Any, Any]:
        entry = next((e for e in runner.app.cache_entries() if e.key == key), None)
        return entry, runner.app.cache_get(key) if entry is not None else None

    entry, value = await runner.call(read)
    if entry is None:
        raise HTTPException(404, f"no cache entry {key[:200]!r}")
    return CacheValue(**_entry(entry).model_dump(), value=jsonable(value))


@router.delete("/{key:path}", response_model=Deleted, summary="Drop one cache entry")
async def delete_entry(key: str, runner: Runner) -> Deleted:
    if not await runner.call(runner.app.cache_delete, key):
        raise HTTPException(404, f"no cache entry {key[:200]!r}")
    return Deleted(deleted=1)


@router.delete("", response_model=Deleted, summary="Drop every cache entry, or those whose key has a prefix")
async def clear(runner: Runner, prefix: Annotated[str | None, Query(max_length=4096)] = None) -> Deleted:
    return Deleted(deleted=await runner.call(runner.app.cache_clear, prefix or None))
