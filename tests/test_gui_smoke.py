from __future__ import annotations

from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow


def test_main_window_lists_products(qtbot: QtBot) -> None:
    with PriceWatch() as app:
        app.add_product("https://shop.example/lamp", title="Desk lamp")
        window = MainWindow(app)
        qtbot.addWidget(window)
        window.show()
        assert window.windowTitle() == "PriceWatch"
        assert "Desk lamp" in window.products_list.item(0).text()
