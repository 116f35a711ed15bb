"""Keyboard focus in the main window: it starts on the products, so Ctrl+V adds the clipboard's product."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.editor.dialog import ProductDialog
from pricewatch.gui.main_window import MainWindow
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

CTRL = Qt.KeyboardModifier.ControlModifier


def _active(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitActive(window):
        window.activateWindow()


def _pasted_dialog(qtbot: QtBot, window: MainWindow) -> ProductDialog | None:
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_V, CTRL)
    return window.findChild(ProductDialog)


def test_ctrl_v_on_a_fresh_empty_window_opens_add_product(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    url = page_server.add("/lamp", product_page("Lamp", "12.00"))
    app.start(scheduler=False)
    QGuiApplication.clipboard().setText(url)
    window = make_window()
    _active(qtbot, window)
    assert QApplication.focusWidget() is not window.products.search  # the empty state holds the focus
    dialog = _pasted_dialog(qtbot, window)
    assert dialog is not None and dialog.url.text() == url
    assert window.products.search.text() == ""
    dialog.reject()


def test_the_products_table_has_the_focus_at_start(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.add_product("https://shop.example/kettle", title="Kettle")
    window = make_window()
    _active(qtbot, window)
    assert QApplication.focusWidget() is window.products.table


def test_search_box_pastes_when_chosen_and_escape_clears_it(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    url = page_server.add("/lamp", product_page("Lamp", "12.00"))
    app.add_product("https://shop.example/kettle", title="Kettle")
    app.start(scheduler=False)
    QGuiApplication.clipboard().setText(url)
    window = make_window()
    _active(qtbot, window)
    search = window.products.search
    # reached with Tab and empty: the key still means "add this page"
    search.setFocus(Qt.FocusReason.TabFocusReason)
    dialog = _pasted_dialog(qtbot, window)
    assert dialog is not None and search.text() == ""
    dialog.reject()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: window.findChild(ProductDialog) is None)
    _active(qtbot, window)
    # clicked into (or Ctrl+F): the user is typing a search, the address is pasted there
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.keyClick(search, Qt.Key.Key_V, CTRL)
    assert search.text() == url and window.findChild(ProductDialog) is None
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == "" and window.products.visible_count() == 1
    qtbot.keyClick(search, Qt.Key.Key_Escape)  # an empty box: back to the products
    assert QApplication.focusWidget() is window.products.table
