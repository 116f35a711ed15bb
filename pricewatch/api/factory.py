"""Builds the FastAPI application: routers under ``/api/v1``, guards, error handlers, the OpenAPI schema."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, FastAPI, Request

from pricewatch import __version__
from pricewatch.api import bookmarklet
from pricewatch.api.auth import require_token
from pricewatch.api.confirm_tokens import ConfirmTokens
from pricewatch.api.errors import ERROR_RESPONSES, install_error_handlers
from pricewatch.api.hot_routes import HotRoutesMiddleware
from pricewatch.api.routes import (
    cache,
    groups,
    health,
    notifications,
    organise,
    product_lists,
    products,
    tasks,
)
from pricewatch.api.runner import FacadeRunner
from pricewatch.api.security import BodyLimitMiddleware, HostCheckMiddleware, TokenFirstMiddleware
from pricewatch.api.status_cache import StatusCache
from pricewatch.api.status_refresh import StatusRefresher
from pricewatch.api_token import TokenStore

if TYPE_CHECKING:
    from pricewatch.app import PriceWatch

PREFIX = "/api/v1"
OPENAPI_PATH = f"{PREFIX}/openapi.json"
DESCRIPTION = (
    "The local HTTP API of PriceWatch: the same actions as the window, for scripts on this computer. "
    "Every endpoint except health needs `Authorization: Bearer <token>` (see `pricewatch api-token`). "
    "Task responses follow Celery's shapes (`success`, `task_id`, `status`, `result`)."
)


def create_app(
    facade: PriceWatch,
    *,
    tokens: TokenStore | None = None,
    max_body_bytes: int | None = None,
    extra_hosts: Iterable[str] = (),
    workers: int = 8,
    hot_routes: bool = True,
) -> FastAPI:
    """The ASGI app for ``facade``; its owner calls ``app.state.runner.close()`` when done with it.

    ``hot_routes=False`` leaves the status and scrape routes to FastAPI alone (tests compare the two).
    """
    app = FastAPI(
        title="PriceWatch",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=None,  # served below, behind the token like everything else
        docs_url=None,  # no docs UI: it would load scripts from a CDN and cannot send the token
        redoc_url=None,
    )
    app.state.tokens = tokens or TokenStore(facade.paths.api_token_file)
    app.state.runner = FacadeRunner(facade, workers)
    app.state.started_monotonic = time.monotonic()
    install_error_handlers(app)

    app.include_router(health.router, prefix=PREFIX)
    protected = APIRouter(prefix=PREFIX, dependencies=[Depends(require_token)], responses=ERROR_RESPONSES)
    for module in _resource_modules():
        protected.include_router(module.router)
    app.include_router(protected)
    # The bookmarklet's pages sit outside PREFIX on purpose, so neither token check applies: the user's
    # browser opens them from a shop's page, which must never see the token. They guard themselves (a
    # one-time token per confirm page, loopback names and clients only): see pricewatch.api.bookmarklet.
    app.state.confirm_tokens = ConfirmTokens()
    app.include_router(bookmarklet.router)
    _add_schema_routes(app)

    limit = max_body_bytes if max_body_bytes is not None else facade.settings.api.max_body_kb * 1024
    # Added last runs first: the Host check, then the token, then the body (read only for a known client),
    # then the two routes scripts poll (see pricewatch.api.hot_routes).
    if hot_routes:
        cache = StatusCache(facade.get_task)
        app.state.runner.close_with(facade.subscribe(cache.on_event))
        refresher = StatusRefresher(cache, facade.get_tasks)
        refresher.start()
        app.state.runner.close_with(refresher.close)
        app.add_middleware(HotRoutesMiddleware, runner=app.state.runner, cache=cache, prefix=PREFIX)
    app.add_middleware(BodyLimitMiddleware, max_bytes=limit)
    tokens_store: TokenStore = app.state.tokens
    app.add_middleware(
        TokenFirstMiddleware, matches=tokens_store.matches, prefix=PREFIX, open_paths=(f"{PREFIX}/health",)
    )
    app.add_middleware(HostCheckMiddleware, extra_hosts=tuple(extra_hosts))
    return app


def _resource_modules() -> list[Any]:
    return [tasks, product_lists, products, groups, organise, notifications, cache]


def _add_schema_routes(app: FastAPI) -> None:
    guarded = [Depends(require_token)]

    @app.get(OPENAPI_PATH, include_in_schema=False, dependencies=guarded)
    async def openapi(request: Request) -> dict[str, Any]:
        return app.openapi()
