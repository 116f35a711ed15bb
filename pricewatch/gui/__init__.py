"""The desktop window (PySide6). Only this package imports QtWidgets."""

from __future__ import annotations

from pricewatch.gui.pyside_fix import immortalize_singletons

# Before any signal is emitted in this process (pyside_fix: PySide6 6.12 on CPython 3.11 aborts otherwise).
immortalize_singletons()


def run() -> int:
    """Start the window and the event loop; returns the exit code."""
    from pricewatch.gui.application import run_application

    return run_application()
