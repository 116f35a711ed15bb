"""The real entry point: ``pricewatch`` without a command opens the window; Quit ends the event loop."""

from __future__ import annotations

import gc
import signal
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from pricewatch.config import Paths
from pricewatch.gui.application import run_application
from pricewatch.gui.main_window import MainWindow
from pricewatch.interpreter import SWITCH_INTERVAL
from tests.support.app import open_pricewatch


def test_run_application_shows_the_window_and_quits(qtbot: QtBot) -> None:
    with open_pricewatch() as app:
        app.add_product("https://shop.example/lamp", title="Desk lamp")
    seen: dict[str, object] = {}

    frozen_at_load: list[int] = []

    def orders_made() -> None:  # after the application's own slots
        seen["frozen again"] = gc.get_freeze_count() > frozen_at_load[0]  # the orders' lists joined the heap

    def quit_from_the_menu() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows or not windows[0].product_sync.is_loaded:
            QTimer.singleShot(20, quit_from_the_menu)
            return
        window = windows[0]
        if not frozen_at_load:  # the orders are made a moment after loading
            frozen_at_load.append(gc.get_freeze_count())
            window.product_sync.orders_made.connect(orders_made)
        if "frozen again" not in seen:
            QTimer.singleShot(20, quit_from_the_menu)
            return
        seen["title"] = window.windowTitle()
        seen["rows"] = window.product_model.rowCount()
        seen["hook"] = sys.excepthook.__qualname__
        seen["sigterm"] = type(getattr(signal.getsignal(signal.SIGTERM), "__self__", None)).__name__
        seen["frozen"] = gc.get_freeze_count() > 10_000  # the long-lived heap, out of full collections
        seen["switch"] = sys.getswitchinterval()
        window.commands.quit.trigger()

    hook, sigterm = sys.excepthook, signal.getsignal(signal.SIGTERM)
    QTimer.singleShot(0, quit_from_the_menu)
    assert run_application() == 0
    assert seen == {"title": "PriceWatch — 1 product", "rows": 1, "hook": "install_excepthook.<locals>.hook",
                    "sigterm": "QuitOnSignals", "frozen": True, "switch": SWITCH_INTERVAL,
                    "frozen again": True}  # fmt: skip
    assert (sys.excepthook, signal.getsignal(signal.SIGTERM)) == (hook, sigterm)  # put back afterwards
    assert gc.get_freeze_count() == 0  # given back to the collector


def test_a_damaged_database_is_explained_and_left_untouched(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = Paths.default()
    paths.ensure()
    damaged = b"this is not an SQLite database" * 100
    Path(paths.database_file).write_bytes(damaged)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, title, text: shown.append((title, text)))
    assert run_application() == 4
    assert shown and shown[0][0] == "PriceWatch cannot open its data"
    assert Path(paths.database_file).read_bytes() == damaged  # nothing stored is lost
