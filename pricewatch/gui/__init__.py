"""The desktop window (PySide6). Only this package imports QtWidgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pricewatch.app import ApiServerFactory


def run(api_server: ApiServerFactory | None = None) -> int:
    """Start the window and the event loop; returns the exit code.

    Args:
        api_server: builds the local HTTP API when the settings enable it (None: the window serves none).
    """
    from pricewatch.gui.application import run_application

    return run_application(api_server)
