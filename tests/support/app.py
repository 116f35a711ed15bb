"""The facade as the ``pricewatch`` program puts it together: with its scheduler and its local HTTP API."""

from __future__ import annotations

from typing import Any

from pricewatch.app import PriceWatch
from pricewatch.main import api_server
from pricewatch.scheduling import Scheduler


def open_pricewatch(*args: Any, **kwargs: Any) -> PriceWatch:
    kwargs.setdefault("scheduler", Scheduler)
    kwargs.setdefault("api_server", api_server)
    return PriceWatch(*args, **kwargs)
