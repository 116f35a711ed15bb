"""How a check's states read in the window: a retry is not a failure; a browser that cannot start says so."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_AVAILABILITY, COL_TITLE, ERROR_COLOUR, RETRY_COLOUR
from pricewatch.gui.tasks import columns as tc
from tests.support.pages import product_page
from tests.support.pageserver import PageServer, Reply

WAIT = 15_000


def cell(window: MainWindow, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return window.product_model.index(0, column).data(role)


def test_a_check_waiting_for_its_retry_shows_as_retrying_not_failed(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    url = page_server.add_sequence(
        "/flaky",
        [Reply("down", status=503, headers={"Retry-After": "2"}), Reply(product_page("Kettle", "30.00"))],
    )
    product = app.add_product(url, title="Kettle")
    app.settings.tasks.retry_base_delay = 0.01  # the next try comes after the 2 s Retry-After
    app.start(scheduler=False)
    window = make_window()
    app.check_product(product.id or 0)

    qtbot.waitUntil(lambda: str(cell(window, COL_AVAILABILITY)).startswith("Retrying at "), timeout=WAIT)
    assert cell(window, COL_AVAILABILITY, Qt.ItemDataRole.ForegroundRole) == RETRY_COLOUR
    assert cell(window, COL_TITLE, Qt.ItemDataRole.ForegroundRole) != ERROR_COLOUR
    assert "503" in str(cell(window, COL_AVAILABILITY, Qt.ItemDataRole.ToolTipRole))
    qtbot.waitUntil(lambda: cell(window, COL_AVAILABILITY) == "In stock", timeout=WAIT)


def test_the_thumbnail_task_has_a_friendly_name() -> None:
    assert tc.friendly_name("images.fetch_thumbnail") == "Fetch picture"


def test_open_in_browser_says_so_when_no_browser_starts(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.add_product("https://shop.example/kettle", title="Kettle")
    window = make_window()
    window.products.table.selectRow(0)
    window.open_in_browser()  # the offscreen platform has no browser: openUrl returns False
    box = window.browser_message
    assert box is not None and box.isVisible()
    assert "https://shop.example/kettle" in box.text()
    box.close()
