"""``GET /health``: the only route without a token, so it says nothing but the version and the uptime."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from pricewatch import __version__
from pricewatch.api.errors import ERROR_RESPONSES

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = "ok"  # or "restart needed": a newer PriceWatch upgraded the database (with a 503)
    version: str
    uptime_seconds: float


@router.get(
    "/health",
    response_model=Health,
    summary="Is the API up",
    responses={400: ERROR_RESPONSES[400], 421: ERROR_RESPONSES[421], 503: {"model": Health}},
)
async def health(request: Request, response: Response) -> Health:
    started: float = request.app.state.started_monotonic
    health = Health(version=__version__, uptime_seconds=round(time.monotonic() - started, 3))
    runner = request.app.state.runner
    if await runner.call(runner.app.newer_schema) is not None:
        health.status = "restart needed"  # a supervisor probing /health restarts it with the new code
        response.status_code = 503
    return health
