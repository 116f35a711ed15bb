"""Money as the user's locale writes it; the bare C locale reads like English, symbol first (F5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_PRICE, COL_TARGET
from pricewatch.gui.widgets.formatting import money
from pricewatch.models import Availability, utcnow


@pytest.fixture
def c_locale() -> Iterator[None]:
    before = QLocale()
    QLocale.setDefault(QLocale.c())  # what LANG=C.UTF-8 gives
    yield
    QLocale.setDefault(before)


@pytest.mark.parametrize(
    ("locale", "value", "currency", "shown"),
    [
        ("C", "34.99", "GBP", "£34.99"),
        ("C", "229.99", "CAD", "CA$229.99"),
        ("C", "450", "GBP", "£450.00"),
        ("en_GB", "1299.5", "EUR", "€1,299.50"),
        ("en_US", "1299", "JPY", "¥1,299"),
        ("de_DE", "1299", "EUR", "1.299,00\N{NO-BREAK SPACE}€"),
        ("fr_FR", "19.999", "EUR", "20,00\N{NO-BREAK SPACE}€"),
    ],
)
def test_money_puts_the_symbol_where_the_locale_does(
    locale: str, value: str, currency: str, shown: str
) -> None:
    assert money(Decimal(value), currency, QLocale(locale)) == shown


def test_the_table_shows_pounds_before_the_amount_under_the_c_locale(
    c_locale: None, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    product = app.add_product("https://shop.example/lamp", title="Desk lamp", target_price="30")
    app.observations.record_check(
        product.id or 0,
        checked_at=utcnow(),
        price=Decimal("34.99"),
        currency="GBP",
        availability=Availability.IN_STOCK,
    )
    window = make_window()
    model = window.product_model
    assert model.index(0, COL_PRICE).data() == "£34.99"
    assert model.index(0, COL_TARGET).data() == "£30.00"
