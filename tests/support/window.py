"""The real main window over the real facade, for the window tests (tests/gui/test_window_*.py).

Import the fixtures into a test module (``from tests.support.window import open_window, window_app``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QThreadPool, QTimer
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from tests.support.app import open_pricewatch


@pytest.fixture
def window_app() -> Iterator[PriceWatch]:
    """The facade the ``pricewatch`` program builds (scheduler and API factories), closed after the test."""
    facade = open_pricewatch()
    facade.settings.fetch.per_host_delay = 0.0
    facade.settings.notify.desktop = False
    yield facade
    facade.close()


@pytest.fixture
def open_window(qtbot: QtBot, window_app: PriceWatch) -> Iterator[Callable[[], MainWindow]]:
    """Opens the real main window, shown, products loaded; after the test every window quits, and no timer,
    pool thread or other thread it started may be left running."""
    threads_before = {t.ident for t in threading.enumerate()}
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(window_app)
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.product_sync.is_loaded)
        return window

    yield make
    for window in windows:
        window.quit()
        assert window.work.wait(5000)
        running = [f"{t.parent().__class__.__name__}:{t.interval()}" for t in window.findChildren(QTimer)
                   if t.isActive()]  # fmt: skip
        assert not running, f"timers left running: {running}"
        window.deleteLater()
    assert QThreadPool.globalInstance().waitForDone(5000)
    leaked = [t for t in threading.enumerate() if t.ident not in threads_before and t.is_alive()
              and not t.daemon and not t.name.startswith(("Thread (pooled)", "QThread"))]  # fmt: skip
    assert not leaked, leaked
