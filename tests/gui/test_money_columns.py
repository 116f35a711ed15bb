"""Money columns show whole amounts: they grow to fit, the tooltip has the amount, CLP/JPY have no cents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QLocale, Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_LOWEST, COL_PRICE
from pricewatch.gui.widgets.formatting import money
from pricewatch.models import Availability, utcnow

TEXT_MARGINS = 6  # what a table cell keeps free around its text


def test_zero_decimal_currencies_have_no_cents() -> None:
    us = QLocale("en_US")
    assert money(Decimal("249990"), "CLP", us) == "CLP249,990"
    assert money(Decimal("12800.4"), "KRW", us) == "₩12,800"
    assert money(Decimal("5100"), "GBP", us) == "£5,100.00"


def _fits(window: MainWindow, row: int, column: int) -> bool:
    table = window.products.table
    text = table.model().index(row, column).data()
    return table.fontMetrics().horizontalAdvance(text) + TEXT_MARGINS <= table.columnWidth(column)


def test_money_columns_grow_to_fit_their_amounts(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    product = app.add_product("https://shop.example/yacht", title="Yacht")
    app.observations.record_check(product.id or 0, checked_at=utcnow(), price=Decimal("123456789.99"),
                                  currency="USD", availability=Availability.IN_STOCK)  # fmt: skip
    window = make_window()
    assert _fits(window, 0, COL_PRICE) and _fits(window, 0, COL_LOWEST)
    tip = window.products.table.model().index(0, COL_PRICE).data(Qt.ItemDataRole.ToolTipRole)
    assert "$123,456,789.99 (USD)" in tip
    # a bigger amount arriving later (a check) widens the column again
    current = window.product_model.product_at(0)
    window.product_model.upsert(replace(current, price=Decimal("98765432109.99")))
    assert _fits(window, 0, COL_PRICE)
