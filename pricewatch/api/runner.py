"""Runs facade calls off the event loop, on a small pool of threads this module owns.

Owning the pool (instead of Starlette's shared one) lets the server join every thread it started.
SQLite access from these threads is safe because ``Database.conn()`` gives each thread its own connection.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import HTTPException

from pricewatch.errors import NotFoundError, ScrapeError
from pricewatch.storage import SchemaTooNewError

if TYPE_CHECKING:
    from pricewatch.app import PriceWatch

log = logging.getLogger(__name__)
T = TypeVar("T")
EXPECTED = (NotFoundError, ValueError, ScrapeError, HTTPException, SchemaTooNewError)


class FacadeRunner:
    """``await runner.call(fn, *args)`` runs ``fn`` on a pool thread; unexpected errors are a logged 500."""

    def __init__(self, app: PriceWatch, workers: int = 8) -> None:
        self.app = app
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pricewatch-api")
        self._closers: list[Callable[[], object]] = []

    async def call(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(self._guarded, fn, *args, **kwargs))

    @staticmethod
    def _guarded(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except EXPECTED:
            raise
        except Exception as exc:
            log.exception("API call %s failed", getattr(fn, "__name__", fn))
            raise HTTPException(
                500, f"internal error ({type(exc).__name__}); see the PriceWatch log"
            ) from exc

    def close_with(self, closer: Callable[[], object]) -> None:
        """Call ``closer`` on :meth:`close` (an event subscription of the app this runner serves)."""
        self._closers.append(closer)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        while self._closers:
            self._closers.pop()()
