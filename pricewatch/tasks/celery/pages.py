"""A page read as plain data: the request a coordinator sends, the answer a worker sends back.

A worker reads the page with the coordinator's fetch settings (user agent, timeouts, limits, per-host
politeness, which then holds across workers through Redis) in ``plain`` or ``auto`` mode; workers have no
browser, so ``auto`` there stays plain and says when a browser might read more (``browser_reason``): the
coordinator then reads the page itself. A fault comes back as data (its class, kind, HTTP status and
Retry-After) and is raised again on the coordinator as the same error, so the engine's retry policy treats a
remote fault exactly as a local one.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, cast

from pricewatch import errors
from pricewatch.scraping.fetch import FetchResult, FetchSettings
from pricewatch.scraping.fetch_modes import FetchMode, ModeChooser, ModedFetch, parse_mode
from pricewatch.scraping.pool import extraction_from_json

# What a worker takes from the coordinator's fetch settings: not the proxy, which names the coordinator's
# network (workers read from their own addresses).
SENT_FETCH_FIELDS = (
    "user_agent", "connect_timeout", "read_timeout", "deadline", "max_body_bytes", "max_redirects",
    "per_host_concurrency", "per_host_delay", "respect_robots",
)  # fmt: skip
MESSAGE_MAX_CHARS = 2000


class RemoteError(Exception):
    """A worker failed in a way that is not a page fault (a bug, a lost process): the check fails."""

    kind = "worker_error"


def page_request(
    url: str,
    mode: FetchMode | str,
    *,
    settings: FetchSettings,
    selector: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    respect_robots: bool = True,
) -> dict[str, Any]:
    """The JSON a worker needs to read ``url`` as this process would."""
    return {
        "url": url,
        "mode": str(parse_mode(mode) if isinstance(mode, str) else mode),
        "selector": selector,
        "etag": etag,
        "last_modified": last_modified,
        "respect_robots": respect_robots,
        "fetch": {name: getattr(settings, name) for name in SENT_FETCH_FIELDS},
    }


def fetch_settings(request: dict[str, Any]) -> FetchSettings:
    known = {f.name for f in dataclasses.fields(FetchSettings)}
    return FetchSettings(**{k: v for k, v in dict(request.get("fetch") or {}).items() if k in known})


def read_page_json(
    request: dict[str, Any], fetcher_for: Callable[[FetchSettings], Any], worker: str
) -> dict[str, Any]:
    """Read the requested page (the worker's job); faults come back as data, never raised."""
    try:
        mode = parse_mode(request.get("mode"))
        if mode is FetchMode.BROWSER:
            raise errors.ScrapeError("workers have no browser", kind="browser_unavailable")
        chooser = ModeChooser(fetcher_for(fetch_settings(request)))
        moded = chooser.fetch(
            str(request["url"]),
            mode,
            selector=request.get("selector"),
            etag=request.get("etag"),
            last_modified=request.get("last_modified"),
            respect_robots=bool(request.get("respect_robots", True)),
            cancel=threading.Event(),
            use_cache=False,
        )
    except BaseException as exc:  # the soft time limit is not an Exception subclass in every Celery
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return {"ok": False, "worker": worker, "error": error_json(exc)}
    page = {k: v for k, v in dataclasses.asdict(moded.result).items() if k != "html"}
    return {
        "ok": True,
        "worker": worker,
        "page": page,
        "extraction": None if moded.extraction is None else moded.extraction.to_json(),
        **moded.info(),
    }


def error_json(exc: BaseException) -> dict[str, Any]:
    name = type(exc).__name__
    if name == "SoftTimeLimitExceeded":
        exc = errors.TransientError("the worker's time limit for one page passed", kind="timeout")
        name = "TransientError"
    status, retry_after = getattr(exc, "status", None), getattr(exc, "retry_after", None)
    return {
        "class": name if isinstance(exc, errors.ScrapeError) else "Exception",
        "type": name,
        "message": str(exc)[:MESSAGE_MAX_CHARS],
        "kind": getattr(exc, "kind", None),
        "status": status if isinstance(status, int) else None,
        "retry_after": float(retry_after) if isinstance(retry_after, int | float) else None,
        "bot_check": getattr(exc, "bot_check", None),
    }


def error_from_json(data: dict[str, Any], worker: str | None) -> Exception:
    """The error a worker reported, as the class this process would have raised (``worker`` attached)."""
    message = str(data.get("message") or "")[:MESSAGE_MAX_CHARS]
    kind = str(data.get("kind") or "worker_error")
    retry_after = data.get("retry_after")
    status = data.get("status")
    name = data.get("class")
    exc: Exception
    if name == "InvalidURLError":
        exc = errors.InvalidURLError(message)
    elif name == "NoPriceError":
        exc = errors.NoPriceError(message or "no price found on the page")
    elif name == "CancelledError":
        exc = errors.CancelledError(message or "cancelled")
    elif name in ("TransientError", "PermanentError", "ScrapeError"):
        cls = {"TransientError": errors.TransientError, "PermanentError": errors.PermanentError}.get(
            name, errors.ScrapeError
        )
        exc = cls(message, kind=kind, retry_after=retry_after, status=status)
        if data.get("bot_check"):
            exc.bot_check = str(data["bot_check"])[:200]
    else:
        exc = RemoteError(f"{data.get('type') or 'error'} on the worker: {message}")
    cast(Any, exc).worker = worker  # read by the task: which machine met the fault
    return exc


def moded_from_json(data: dict[str, Any]) -> ModedFetch:
    """A worker's answer as the page read it stands for; raises the error it reported."""
    worker = str(data.get("worker") or "")[:200] or None
    if not data.get("ok"):
        raise error_from_json(dict(data.get("error") or {}), worker)
    page = dict(data["page"])
    result = FetchResult(html=None, **page)
    extraction = data.get("extraction")
    return ModedFetch(
        result,
        None if extraction is None else extraction_from_json(extraction),
        FetchMode(data.get("fetcher") or "plain"),
        tuple(FetchMode(m) for m in data.get("tried") or ("plain",)),
        data.get("browser_reason"),
        worker=worker,
    )
