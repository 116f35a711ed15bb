from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_PRICE, COL_TITLE
from pricewatch.models import Availability, utcnow


def test_main_window_lists_products(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    product = app.add_product("https://shop.example/lamp", title="Desk lamp")
    app.observations.record_check(product.id or 0, checked_at=utcnow(), price=Decimal("1299.5"),
                                  currency="EUR",
                                  availability=Availability.IN_STOCK)  # fmt: skip
    window = make_window()
    table = window.products.table
    assert table.model().rowCount() == 1
    assert table.model().index(0, COL_TITLE).data() == "Desk lamp"
    assert "1" in table.model().index(0, COL_PRICE).data() and "€" in table.model().index(0, COL_PRICE).data()
    assert window.windowTitle() == "PriceWatch — 1 product"


def test_empty_window_shows_a_hint(make_window: Callable[[], MainWindow]) -> None:
    window = make_window()
    assert window.products.stack.currentWidget() is window.products.empty
