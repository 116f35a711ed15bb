"""What the API tests share: a facade serving its API on a free loopback port, and httpx clients."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from pricewatch.app import PriceWatch
from tests.support.app import open_pricewatch


@dataclass
class LiveApi:
    """A running API: ``client`` sends the token, ``anonymous`` does not."""

    app: PriceWatch
    url: str
    token: str
    client: httpx.Client
    anonymous: httpx.Client


def live_api(app: PriceWatch) -> Iterator[LiveApi]:
    url = app.start_api(port=0)
    token = app.api_token()
    with (
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client,
        httpx.Client(base_url=url, timeout=30) as anonymous,
    ):
        yield LiveApi(app, url, token, client, anonymous)
    app.stop_api()


def serving(**facade_options: object) -> Iterator[LiveApi]:
    """A fresh facade with its API on 127.0.0.1:<free port>, closed afterwards (for a module's fixture)."""
    with open_pricewatch(**facade_options) as app:  # type: ignore[arg-type]
        yield from live_api(app)
