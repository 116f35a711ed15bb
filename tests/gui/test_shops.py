"""One item in several shops in the window: the "All shops" column, Add Another Shop, Merge With, Split, the
history chart with a line per shop, and the home currency in the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.config import load_settings
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products import model as pm
from pricewatch.models import AlertKind, AlertRule, Availability, utcnow
from tests.support.app import open_pricewatch
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

pytestmark = pytest.mark.usefixtures("english_formatting")
WAIT = 20_000
RATE_DAY = date(2026, 12, 4)


def priced(app: PriceWatch, url: str, price: str, currency: str) -> int:
    product = app.add_product(url, title="Kettle")
    app.observations.record_check(
        product.id or 0, checked_at=utcnow(), price=Decimal(price), currency=currency,
        availability=Availability.IN_STOCK,
    )  # fmt: skip
    return product.id or 0


def two_shops(app: PriceWatch) -> tuple[int, int]:
    app.rates.replace({"USD": Decimal("1.25")}, RATE_DAY, "test")
    return priced(app, "https://a.example/kettle", "20.00", "EUR"), priced(
        app, "https://b.example/k", "23.75", "USD"
    )


def all_shops(window: MainWindow, product_id: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    row = window.product_model.row_of(product_id)
    assert row is not None
    return window.product_model.index(row, pm.COL_ALL_SHOPS).data(role)


def test_merged_listings_show_the_cheapest_in_the_home_currency(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    a, b = two_shops(window_app)
    window = open_window()
    qtbot.waitUntil(lambda: all_shops(window, b) == "≈ €19.00", timeout=WAIT)  # alone, converted
    assert all_shops(window, a) == ""
    window.products.select_product(a)
    dialog = window.merge_product()
    assert dialog is not None
    (choice,) = dialog.comboBoxItems()
    assert choice.startswith(f"#{b} Kettle")
    dialog.setTextValue(choice)
    dialog.accept()
    for listing in (a, b):
        qtbot.waitUntil(
            lambda listing=listing: all_shops(window, listing) == "€19.00 · 2 shops", timeout=WAIT
        )
    assert all_shops(window, a, pm.BestPriceRole) == Decimal("19.00")
    tip = str(all_shops(window, a, Qt.ItemDataRole.ToolTipRole))
    assert "$23.75 = €19.00 (cheapest)" in tip and "rates of 2026-12-04" in tip

    window.products.select_product(b)
    window.commands.split.trigger()
    qtbot.waitUntil(lambda: all_shops(window, a) == "", timeout=WAIT)
    assert [len(g.listings) for g in window_app.product_groups()] == [1, 1]


def test_add_another_shop_looks_the_page_up_before_adding_it(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow], page_server: PageServer
) -> None:
    a = priced(window_app, "https://a.example/kettle", "20.00", "EUR")
    rules = window_app.alert_rules_for(a)
    window = open_window()
    window.products.select_product(a)
    assert window.commands.add_shop.isEnabled()
    dialog = window.add_shop()
    assert dialog is not None and dialog.windowTitle() == "Add Another Shop"
    about = dialog.findChild(QLabel, "listingOf")
    assert about is not None and "“Kettle” in another shop" in about.text()
    assert not dialog.save_button.isEnabled()  # not before the page was looked up

    dialog.url.setText(page_server.add("/kettle", product_page("Kettle 1.7 L", "18.50")))
    dialog.look_up()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=WAIT)
    assert dialog.lookup.result is not None and dialog.lookup.result["price"] == "18.50"  # the preview
    assert dialog.save() is not None
    group = window_app.product_group(a)
    assert [item.product.title for item in group.listings] == ["Kettle", "Kettle 1.7 L"]
    new = group.listings[1].id
    qtbot.waitUntil(lambda: window.product_model.row_of(new) is not None, timeout=WAIT)
    assert window_app.list_tasks(name="price_tracking.check_product_price")  # its price is read at once
    assert window_app.alert_rules_for(a) == rules  # the product's own rules stay where they are


def test_the_history_window_draws_a_line_per_shop(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    a, b = two_shops(window_app)
    window_app.merge_products(a, b)
    window = open_window()
    detail = window.show_detail(a)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.loaded, timeout=WAIT)
    chart = detail.chart
    assert len(chart.other_lines) == 1 and chart.other_lines[0][0].name() == "b.example"
    assert [p.y() for p in chart.other_lines[0][0].points()] == [19.0, 19.0]  # 23.75 USD in euros
    assert [p.y() for p in chart.price_points()] == [20.0, 20.0]
    assert chart.chart().title() == "All shops in EUR, converted at the rates of 2026-12-04"


def test_the_home_currency_is_a_setting(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    window = open_window()
    dialog = window.open_settings()
    home = dialog.findChild(QComboBox, "currency.home")
    assert home is not None and home.currentText() == "EUR"
    home.setCurrentText("dollars")
    assert dialog.save() is False and "three-letter code" in dialog.problem.text()
    home.setCurrentText("usd")
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save() is True
    assert load_settings(window_app.paths).settings.currency.home == "USD"
    assert window_app.home_currency == "USD"


def test_the_cheapest_shop_rule_in_the_edit_dialog(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    a, b = two_shops(window_app)
    window_app.merge_products(a, b)
    window_app.set_alert_rules(a, [AlertRule(a, AlertKind.CHEAPEST_BELOW, amount=Decimal("18.50"))])
    window = open_window()
    window.products.select_product(a)
    dialog = window.edit_product()
    assert dialog is not None
    rules = dialog.rules
    assert rules.cheapest.isChecked() and rules.cheapest_amount.value() == 18.5
    assert rules.cheapest_amount.suffix() == " EUR" and not rules.kept_hint.isVisibleTo(dialog)
    rules.cheapest_amount.setValue(19.25)
    assert [(r.kind, r.amount) for r in rules.rules(a, None)] == [
        (AlertKind.CHEAPEST_BELOW, Decimal("19.25"))
    ]
    rules.cheapest.setChecked(False)
    assert rules.rules(a, None) == []
    dialog.reject()


def test_a_merge_from_another_process_shows_in_the_window(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    a, b = two_shops(window_app)
    window = open_window()
    qtbot.waitUntil(lambda: all_shops(window, b) == "≈ €19.00", timeout=WAIT)
    with open_pricewatch() as other:  # as `pricewatch merge` does, on its own connection
        other.merge_products(a, b)
    qtbot.waitUntil(lambda: all_shops(window, a) == "€19.00 · 2 shops", timeout=WAIT)
