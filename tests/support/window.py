"""The real main window over the real facade, for the window tests (tests/gui/test_window_*.py).

Import the fixtures into a test module (``from tests.support.window import open_window, window_app``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from tests.support.app import open_pricewatch
from tests.support.gui import window_maker


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
    pool thread (given 5 s) or other thread it started may be left running."""
    yield from window_maker(qtbot, window_app, pool_grace_ms=5000)
