"""The add/edit dialog checks and explains as the user types: the CSS selector (valid? did it match?), an
address without https://, an address already tracked (and its offer), and problems that go once fixed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.editor.dialog import ProductDialog
from pricewatch.gui.editor.lookup_view import LookupView
from pricewatch.gui.main_window import MainWindow
from pricewatch.models import AlertKind, AlertRule, TaskState
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 15_000
SHIRTS = [("TSHIRT-S", "Small", "19.00"), ("TSHIRT-M", "Medium", "21.00"), ("TSHIRT-L", "Large", "23.50")]


def found(qtbot: QtBot, dialog: ProductDialog) -> None:
    qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.found, timeout=WAIT)


def test_an_invalid_selector_is_explained_and_cannot_be_saved(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    product = app.add_product(page_server.add("/mug", product_page("Mug", "9.00")), title="Mug")
    app.start(scheduler=False)
    dialog = ProductDialog(app, product)
    qtbot.addWidget(dialog)
    found(qtbot, dialog)
    assert dialog.save_button.isEnabled()
    dialog.selector.setText("p[[[")
    assert dialog.selector_problem.isVisibleTo(dialog)
    assert dialog.selector_problem.text().startswith("Not a valid CSS selector")
    assert not dialog.save_button.isEnabled() and not dialog.lookup_button.isEnabled()
    assert dialog.save() is None and app.get_product(product.id or 0).css_selector is None
    dialog.selector.setText(".price")
    assert not dialog.selector_problem.isVisibleTo(dialog) and not dialog.problem.isVisibleTo(dialog)
    assert dialog.save_button.isEnabled()
    dialog.reject()


def test_return_in_the_selector_looks_up_and_says_whether_it_matched(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    product = app.add_product(page_server.add("/cup", product_page("Cup", "9.00")), title="Cup")
    app.start(scheduler=False)
    dialog = ProductDialog(app, product)
    qtbot.addWidget(dialog)
    dialog.show()
    found(qtbot, dialog)
    assert not dialog.lookup.selector_note.isVisibleTo(dialog)  # no selector, nothing to say
    dialog.selector.setText(".price-now")
    dialog.selector.setFocus()
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.keyClick(dialog.selector, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.task_id is not None  # looked up, not saved
    assert app.get_product(product.id or 0).css_selector is None
    found(qtbot, dialog)
    note = dialog.lookup.selector_note.text()
    assert note == (
        "Your selector “.price-now” matched nothing; the price shown comes from the page's structured data "
        "(JSON-LD)."
    )
    dialog.selector.setText(".price")
    qtbot.keyClick(dialog.selector, Qt.Key.Key_Return)
    found(qtbot, dialog)
    assert dialog.lookup.selector_note.text() == "Your selector “.price” found the price."
    dialog.reject()


def test_add_on_a_tracked_multi_offer_page_says_so_and_shows_the_tracked_offer(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    url = page_server.add("/shirt", product_page("Plain T-shirt", "19.00", "USD", offers=SHIRTS))
    product = app.add_product(url, title="Plain T-shirt")
    app.update_product(product.id or 0, offer_key="sku:TSHIRT-L")
    app.start(scheduler=False)
    window = make_window()
    dialog = window.add_product(url)
    found(qtbot, dialog)
    assert dialog.problem.text().startswith(f"Already tracked as product {product.id} (“Plain T-shirt”)")
    assert not dialog.save_button.isEnabled()
    assert dialog.lookup.offer_key() == "sku:TSHIRT-L" and "23.50" in dialog.lookup.price.text()
    dialog.reject()


def test_switching_the_offer_in_edit_is_not_a_price_drop(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/tee", product_page("Plain T-shirt", "19.00", "USD", offers=SHIRTS))
    pid = app.add_product(url, title="Plain T-shirt").id or 0
    app.update_product(pid, offer_key="sku:TSHIRT-L")
    app.set_alert_rules(pid, [AlertRule(pid, AlertKind.ANY_DROP), AlertRule(pid, AlertKind.PRICE_INCREASE)])
    app.start(scheduler=False)
    assert app.wait_for_task(app.check_product(pid), timeout=30).state is TaskState.SUCCESS
    assert app.get_product(pid).price == Decimal("23.50")
    dialog = ProductDialog(app, app.get_product(pid))
    qtbot.addWidget(dialog)
    dialog.look_up()  # the offers come from reading the page, which Edit does only when asked
    found(qtbot, dialog)
    assert dialog.lookup.pick_offer("sku:TSHIRT-M")
    assert dialog.save() == pid
    check = app.check_product(pid)  # the check the save queued (same unique key) or, if it ended, a new one
    record = app.wait_for_task(check, timeout=30)
    assert record.state is TaskState.SUCCESS
    product = app.get_product(pid)
    assert product.price == Decimal("21.00") and product.previous_price is None
    assert product.lowest_price == Decimal("21.00") == product.highest_price
    checks = app.list_tasks(name="price_tracking.check_product_price")
    assert all(not (t.result or {}).get("notifications") for t in checks)
    assert app.list_notifications(product_id=pid) == []


def test_typed_address_without_https_and_problems_that_go_once_fixed(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()  # the engine is not started: nothing is fetched
    dialog = window.add_product()
    dialog.url.setText("ftp://shop.example/x")
    dialog.look_up()
    assert dialog.problem.text().startswith("Only http and https URLs can be tracked")
    dialog.url.setText("shop.example/product")
    assert not dialog.problem.isVisibleTo(dialog)  # the address changed: its problem is gone
    dialog.target.setText("twelve")
    assert dialog.save() is None and dialog.problem.text().startswith("Target price:")
    dialog.target.setText("12")
    assert not dialog.problem.isVisibleTo(dialog)
    product_id = dialog.save()
    assert product_id is not None
    assert app.get_product(product_id).url == "https://shop.example/product"


def test_found_page_wording(qtbot: QtBot) -> None:
    view = LookupView()
    qtbot.addWidget(view)
    view.show_result({"title": "About us", "price": None, "reason": "no price found on the page",
                      "availability": "Unknown", "methods": {}})  # fmt: skip
    assert view.price.text() == "No price found on the page"
    assert view.availability.text() == "Stock not stated"  # as in the product list
    view.show_result({"title": "Kettle", "price": "9.00", "currency": "EUR", "availability": "InStock",
                      "methods": {"price": "jsonld"}})  # fmt: skip
    assert view.availability.text() == "In stock"
    assert view.method.text() == "the page's structured data (JSON-LD)"
