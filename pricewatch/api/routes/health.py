"""``GET /health``: the only route without a token, so it says nothing but the version and the uptime."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from pydantic import BaseModel

from pricewatch import __version__
from pricewatch.api.errors import ERROR_RESPONSES

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = "ok"
    version: str
    uptime_seconds: float


@router.get(
    "/health",
    response_model=Health,
    summary="Is the API up",
    responses={400: ERROR_RESPONSES[400], 421: ERROR_RESPONSES[421]},
)
async def health(request: Request) -> Health:
    started: float = request.app.state.started_monotonic
    return Health(version=__version__, uptime_seconds=round(time.monotonic() - started, 3))
