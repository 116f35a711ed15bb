"""The JSON lines between the browser client and its helper process.

Parent to helper: ``{"op": "render", "id": N, "url": ..., "deadline": seconds, "selector": css or "",
"allow_local": bool}``, ``{"op": "cancel", "id": N}``, ``{"op": "quit"}``.

Helper to parent: ``{"op": "ready", "pid": N, "user_agent": ...}`` once, then per render either
``{"id": N, "ok": true, "final_url", "status", "html", "elapsed_ms", "settled"}`` or
``{"id": N, "ok": false, "kind", "transient", "message", "retry_after"}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pricewatch.errors import PermanentError, ScrapeError, TransientError


@dataclass(frozen=True, slots=True)
class Request:
    """One page to render."""

    id: int
    url: str
    deadline: float
    selector: str = ""
    allow_local: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"op": "render", "id": self.id, "url": self.url, "deadline": self.deadline,
                "selector": self.selector, "allow_local": self.allow_local}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Request:
        return cls(
            id=int(data["id"]),
            url=str(data["url"]),
            deadline=float(data["deadline"]),
            selector=str(data.get("selector") or ""),
            allow_local=bool(data.get("allow_local")),
        )


def failure(request_id: int, error: ScrapeError) -> dict[str, Any]:
    return {"id": request_id, "ok": False, "kind": error.kind, "transient": error.transient,
            "message": str(error), "retry_after": error.retry_after, "status": error.status}  # fmt: skip


def error_from(data: dict[str, Any]) -> ScrapeError:
    """The scrape error a failure line stands for (untrusted text is cut short)."""
    kind = str(data.get("kind") or "browser")[:40]
    message = str(data.get("message") or "the browser could not render the page")[:500]
    retry_after = data.get("retry_after")
    retry = float(retry_after) if isinstance(retry_after, int | float) else None
    status = data.get("status")
    # the shop's HTTP status is a fact front ends word their message by ("refused (403)", "does not exist")
    status = status if isinstance(status, int) and not isinstance(status, bool) else None
    if data.get("transient"):
        return TransientError(message, kind=kind, retry_after=retry, status=status)
    return PermanentError(message, kind=kind, status=status)
