"""Every error is JSON ``{"detail": "<what went wrong>"}``; expected facade errors map to 4xx status codes."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from pricewatch.errors import NotFoundError, ScrapeError
from pricewatch.storage import DuplicateProductError, SchemaTooNewError

log = logging.getLogger(__name__)


class ErrorResponse(BaseModel):
    """An error: ``detail`` says what went wrong; ``errors`` lists each invalid field on a 422."""

    detail: str
    errors: list[dict[str, Any]] | None = None


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


# Declared on every router, so the OpenAPI schema describes the error bodies actually sent.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error("Malformed request (Host or Content-Length header)"),
    401: _error("Missing or wrong bearer token"),
    404: _error("No such resource"),
    413: _error("Request body too large"),
    421: _error("Host header is not a loopback name"),
    422: _error("Invalid input"),
    503: _error("A newer PriceWatch upgraded the database; this server must be restarted"),
}
CONFLICT: dict[int | str, dict[str, Any]] = {409: _error("Conflicts with the current state")}


def _field_message(error: dict[str, Any]) -> str:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
    where = ".".join(loc)
    message = str(error.get("msg", "invalid value"))
    return f"{where}: {message}" if where else message


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    detail = "; ".join(_field_message(e) for e in exc.errors()) or "invalid request"
    return JSONResponse({"detail": detail, "errors": errors}, status_code=422)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc) or "not found"}, status_code=404)


async def _duplicate(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=409)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc) or "invalid value"}, status_code=422)


async def _schema_too_new(request: Request, exc: Exception) -> JSONResponse:
    # Not a 500: nothing is broken here, this process is out of date; a retry after the restart succeeds.
    return JSONResponse({"detail": f"{exc} (a newer PriceWatch upgraded the database)"}, status_code=503)


def install_error_handlers(app: FastAPI) -> None:
    # Starlette picks the handler of the closest class in the exception's MRO; the order is irrelevant.
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(DuplicateProductError, _duplicate)
    app.add_exception_handler(ScrapeError, _invalid)  # InvalidURLError before any I/O
    app.add_exception_handler(ValueError, _invalid)
    app.add_exception_handler(SchemaTooNewError, _schema_too_new)
