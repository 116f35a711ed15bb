"""The desktop window (PySide6). Only this package imports QtWidgets."""

from __future__ import annotations


def run() -> int:
    """Start the window and the event loop; returns the exit code."""
    from pricewatch.gui.application import run_application

    return run_application()
