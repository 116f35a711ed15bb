"""The bearer-token dependency (every route but health) and the accessors routes use."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pricewatch.api.runner import FacadeRunner
from pricewatch.api.security import TOKEN_CHECKED
from pricewatch.api_token import TokenStore

_bearer = HTTPBearer(auto_error=False, description="The token printed by `pricewatch api-token`.")


async def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    if request.scope.get("state", {}).get(TOKEN_CHECKED):  # TokenFirstMiddleware checked it already
        return
    store: TokenStore = request.app.state.tokens
    if credentials is None or not store.matches(credentials.credentials):
        detail = "missing bearer token" if credentials is None else "wrong bearer token"
        raise HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


async def get_runner(request: Request) -> FacadeRunner:
    runner: FacadeRunner = request.app.state.runner
    return runner


Runner = Annotated[FacadeRunner, Depends(get_runner)]
