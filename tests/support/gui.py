"""GUI fixtures (a plugin in tests/conftest.py): a facade per test and main windows that always close."""

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
def app() -> Iterator[PriceWatch]:
    facade = open_pricewatch()
    yield facade
    facade.close()


@pytest.fixture
def make_window(qtbot: QtBot, app: PriceWatch) -> Iterator[Callable[[], MainWindow]]:
    """Build the real main window, shown, with its products loaded; closed (and checked for leaks) after."""
    yield from window_maker(qtbot, app)


def window_maker(
    qtbot: QtBot, app: PriceWatch, *, pool_grace_ms: int = 0
) -> Iterator[Callable[[], MainWindow]]:
    """Yields a function that opens real main windows on ``app``; afterwards every window quits, and no
    timer, pool thread (after ``pool_grace_ms``) or other thread it started may be left running."""
    threads_before = {t.ident for t in threading.enumerate()}
    windows: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(app)
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.product_sync.is_loaded)
        return window

    yield make
    for window in windows:
        window.quit()
        assert window.work.wait(5000)
        running = [
            f"{t.parent().__class__.__name__}:{t.interval()}"
            for t in window.findChildren(QTimer)
            if t.isActive()
        ]
        assert not running, f"timers left running: {running}"
        window.deleteLater()
    pool = QThreadPool.globalInstance()
    assert pool.waitForDone(pool_grace_ms) if pool_grace_ms else pool.activeThreadCount() == 0
    leaked = [t for t in threading.enumerate() if t.ident not in threads_before and t.is_alive()
              and not t.daemon and not t.name.startswith(("Thread (pooled)", "QThread"))]  # fmt: skip
    assert not leaked, leaked
