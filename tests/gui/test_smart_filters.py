"""Tags, smart filters, bulk edits and snoozes in the real window (offscreen Qt, real SQLite file)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMenu
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.filters.bar import SAVED, TAG
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products import model as pm
from pricewatch.models import AlertKind, AlertRule, Availability, utcnow
from pricewatch.product_filters import ProductQuery

pytestmark = pytest.mark.usefixtures("english_formatting")
WAIT = 20_000


def add(app: PriceWatch, path: str, price: str | None = None, **kwargs: object) -> int:
    product = app.add_product(f"https://shop.example/{path}", title=path.title(), **kwargs)  # type: ignore[arg-type]
    assert product.id is not None
    if price is not None:
        app.observations.record_check(product.id, checked_at=utcnow(), price=Decimal(price), currency="EUR",
                                      availability=Availability.IN_STOCK)  # fmt: skip
    return product.id


def shown_ids(window: MainWindow) -> list[int]:
    view = window.products.table.model()
    return sorted(int(view.index(row, pm.COL_TITLE).data(pm.ProductIdRole)) for row in range(view.rowCount()))


def tags_cell(window: MainWindow, product_id: int) -> str:
    row = window.product_model.row_of(product_id)
    assert row is not None
    return str(window.product_model.index(row, pm.COL_TAGS).data() or "")


def select(window: MainWindow, *ids: int) -> None:
    window.products.table.clearSelection()
    for product_id in ids:
        row = window.product_model.row_of(product_id)
        assert row is not None
        index = window.products.table.model().index(row, 0)
        window.products.table.selectionModel().select(
            index, window.products.table.selectionModel().SelectionFlag.Select
            | window.products.table.selectionModel().SelectionFlag.Rows,
        )  # fmt: skip


def test_tags_show_and_filter_the_list(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    kettle, lamp, chair = (
        add(app, "kettle", "10", target_price="20"),
        add(app, "lamp", "50"),
        add(app, "chair"),
    )
    app.tag_products([kettle, lamp], ["Kitchen"])
    app.save_filter("Bargains", ProductQuery(tag="kitchen", below_target=True))
    window = make_window()
    qtbot.waitUntil(lambda: tags_cell(window, kettle) == "Kitchen", timeout=WAIT)
    assert tags_cell(window, chair) == ""
    assert window.product_model.headerData(pm.COL_TAGS, Qt.Orientation.Horizontal) == "Tags"
    assert not window.products.table.horizontalHeader().isSectionHidden(pm.COL_TAGS)  # shown once tagged

    window.filter_bar.choose(TAG, "Kitchen")
    qtbot.waitUntil(lambda: shown_ids(window) == [kettle, lamp], timeout=WAIT)
    window.filter_bar.choose(SAVED, "Bargains")
    qtbot.waitUntil(lambda: shown_ids(window) == [kettle], timeout=WAIT)
    window.products.search.setText("lamp")  # the search narrows the filter further: nothing
    window.products.apply_search_now()
    assert shown_ids(window) == []
    assert window.products.stack.currentWidget() is window.products.no_match
    window.products.search.clear()
    window.products.apply_search_now()
    assert shown_ids(window) == [kettle]
    assert window.filter_bar.delete_button.isEnabled()
    window.filter_bar.delete_button.click()
    qtbot.waitUntil(lambda: shown_ids(window) == [kettle, lamp, chair], timeout=WAIT)
    assert app.saved_filters() == []
    assert window.products.table.model() is window.product_model  # no proxy without a search or filter


def test_a_filter_on_the_price_history_shows_what_dropped(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    dropped, risen = add(app, "kettle"), add(app, "lamp")
    for product_id, prices in ((dropped, ("25", "18")), (risen, ("25", "30"))):
        for days_ago, price in zip((10, 2), prices, strict=True):
            app.observations.record_check(product_id, checked_at=utcnow() - timedelta(days=days_ago),
                                          price=Decimal(price), currency="EUR",
                                          availability=Availability.IN_STOCK)  # fmt: skip
    app.tag_products([dropped, risen], ["Kitchen"])
    app.save_filter("Drops", ProductQuery(dropped_this_week=True))
    window = make_window()
    qtbot.waitUntil(lambda: tags_cell(window, risen) == "Kitchen", timeout=WAIT)  # read without the history
    window.filter_bar.choose(SAVED, "Drops")
    qtbot.waitUntil(lambda: shown_ids(window) == [dropped], timeout=WAIT)


def test_save_filter_dialog(qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]) -> None:
    kettle, lamp = add(app, "kettle", "10"), add(app, "lamp")
    app.tag_products([kettle, lamp], ["gift"])
    window = make_window()
    qtbot.waitUntil(lambda: bool(window.filters.tags), timeout=WAIT)
    dialog = window.organise.save_filter()
    dialog.name.setText("Gifts in stock")
    dialog.tag.setCurrentText("GIFT")
    dialog.shop.setText("bad shop name")
    dialog.in_stock.setChecked(True)
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.isVisible() and "not a shop name" in dialog.error.text()  # kept open, nothing saved
    assert app.saved_filters() == []
    dialog.shop.clear()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: shown_ids(window) == [kettle], timeout=WAIT)
    assert [(f.name, f.query) for f in app.saved_filters()] == [
        ("Gifts in stock", ProductQuery(tag="GIFT", in_stock=True))
    ]
    assert window.filter_bar.current_filter_name() == "Gifts in stock"


def test_bulk_edit_of_a_selection(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.settings.notify.default_rules = []
    kettle, lamp, chair = add(app, "kettle"), add(app, "lamp"), add(app, "chair")
    window = make_window()
    select(window, kettle, lamp)
    assert window.organise.bulk_edit.isEnabled() and not window.organise.rule_snoozes.isEnabled()
    assert window.organise.bulk_edit in window.product_context_menu.actions()
    product_menu = window.menuBar().findChild(QMenu, "productMenu")
    assert product_menu is not None and window.organise.bulk_edit in product_menu.actions()
    dialog = window.organise.edit_selected()
    assert dialog is not None and dialog.windowTitle() == "Edit Selected Products (2)"
    dialog.add_tags.setText("sale, Sale , winter")
    dialog.set_interval.setChecked(True)
    dialog.interval.setValue(15)
    dialog.rule.setCurrentIndex(dialog.rule.findData(AlertKind.DROP_PERCENT))
    dialog.rule_value.setText("ten")
    dialog.pause.setCurrentIndex(dialog.pause.findData(True))
    dialog.accept()
    assert dialog.isVisible() and "number" in dialog.error.text()
    dialog.rule_value.setText("10")
    dialog.accept()
    qtbot.waitUntil(lambda: tags_cell(window, lamp) == "sale, winter", timeout=WAIT)
    for pid in (kettle, lamp):
        product = app.get_product(pid)
        assert product.paused and product.check_interval_minutes == 15
        assert [r.kind for r in app.alert_rules_for(pid)] == [AlertKind.DROP_PERCENT]
    assert not app.get_product(chair).paused and app.product_tags(chair) == []
    qtbot.waitUntil(lambda: window.product_model.product_at(window.product_model.row_of(kettle) or 0).paused,
                    timeout=WAIT)  # fmt: skip
    assert "2 products" in window.statusBar().currentMessage()


def test_snooze_and_unsnooze_from_the_menu(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    kettle = add(app, "kettle")
    (drop,) = app.set_alert_rules(kettle, [AlertRule(kettle, AlertKind.ANY_DROP)])
    window = make_window()
    select(window, kettle)
    window.organise.snooze_actions["change"].trigger()
    qtbot.waitUntil(lambda: tags_cell(window, kettle) == "Snoozed", timeout=WAIT)
    assert app.get_product(kettle).snooze_until_change
    assert window.statusBar().currentMessage() == "Products snoozed until their price changes: 1"
    window.organise.snooze_actions["off"].trigger()
    qtbot.waitUntil(lambda: tags_cell(window, kettle) == "", timeout=WAIT)
    assert not app.get_product(kettle).snooze_until_change

    dialog = window.organise.snooze_rules()
    assert dialog is not None
    choice = dialog.rule_choices[drop.id or 0]
    assert choice.itemText(0) == "not snoozed"
    choice.setCurrentIndex(choice.findData("week"))
    dialog.accept()
    (rule,) = app.alert_rules_for(kettle)
    assert rule.snoozed_until is not None and not rule.snooze_until_change
    qtbot.waitUntil(lambda: tags_cell(window, kettle) == "Snoozed", timeout=WAIT)
    again = window.organise.snooze_rules()
    assert again is not None and again.rule_choices[drop.id or 0].itemText(0).startswith("snoozed until")
    box = again.rule_choices[drop.id or 0]
    box.setCurrentIndex(box.findData("off"))
    again.accept()
    assert app.alert_rules_for(kettle)[0].snoozed_until is None
