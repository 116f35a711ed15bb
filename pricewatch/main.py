"""The ``pricewatch`` program: the one place that puts the front ends together in one process.

The window, the command line and the HTTP API never import one another. A window or ``serve`` that also
serves the API gets the server from here, and the command line gets the window from here. Both are imported
on first use, so ``pricewatch list`` loads neither Qt widgets nor FastAPI.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pricewatch import cli
from pricewatch.cli.common import FrontEnds

if TYPE_CHECKING:
    from pricewatch.app import ApiServerHandle, PriceWatch


def api_server(facade: PriceWatch, host: str, port: int) -> ApiServerHandle:
    from pricewatch.api.server import ApiServer

    return ApiServer(facade, host, port)


def run_gui() -> int:
    from pricewatch.gui import run

    return run(api_server=api_server)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, FrontEnds(run_gui=run_gui, api_server=api_server))
