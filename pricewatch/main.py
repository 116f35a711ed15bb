"""The ``pricewatch`` program: the one place that puts the front ends together in one process.

The window, the command line and the HTTP API never import one another. A window or ``serve`` that also
serves the API gets the server from here, and the command line gets the window from here. Both are imported
on first use, so ``pricewatch list`` loads neither Qt widgets nor FastAPI.

Before the window opens, the start-up check (:mod:`pricewatch.desktop.preflight`) makes sure Qt can load its
platform plugin, and a window already running on the same data folder gets the request instead
(:mod:`pricewatch.desktop.instance`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pricewatch import cli
from pricewatch.cli.common import FrontEnds
from pricewatch.config import Paths

if TYPE_CHECKING:
    from pricewatch.app import ApiServerHandle, PriceWatch


def api_server(facade: PriceWatch, host: str, port: int) -> ApiServerHandle:
    from pricewatch.api.server import ApiServer

    return ApiServer(facade, host, port)


def instance_name() -> str:
    from pricewatch.desktop.instance import server_name

    return server_name(Paths.default().data_dir)


def hand_to_window(url: str) -> bool:
    """``pricewatch add URL`` while the window runs: its add dialog opens with the URL."""
    from pricewatch.desktop.instance import send

    return send(instance_name(), {"command": "add", "url": url})


def run_gui(minimized: bool = False) -> int:
    from pricewatch.desktop import preflight

    status = preflight.ensure_window_can_start()
    if status:
        return status
    from pricewatch.desktop.instance import send

    name = instance_name()
    if send(name, {"command": "raise"}):
        return 0  # the running window comes to the front instead
    from pricewatch.gui.application import run_application

    return run_application(api_server, minimized=minimized, instance_name=name)


def main(argv: Sequence[str] | None = None) -> int:
    front_ends = FrontEnds(run_gui=run_gui, api_server=api_server, hand_to_window=hand_to_window)
    return cli.main(argv, front_ends)
