"""Adding a product as a user: type or paste a URL, watch the look-up task, pick an offer, see the price."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.editor.dialog import ProductDialog
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_PRICE, COL_TITLE
from pricewatch.models import AlertKind
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 15_000


def test_add_a_product_by_url_and_see_its_price(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    url = page_server.add("/kettle", product_page("Steel kettle", "34.90", "EUR"))
    app.start(scheduler=False)
    window = make_window()
    dialog = window.add_product()
    assert dialog.isVisible() and not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.url, url)
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.found, timeout=WAIT)
    assert dialog.lookup.title.text() == "Steel kettle"
    assert "34.90" in dialog.lookup.price.text() or "34,90" in dialog.lookup.price.text()
    assert not dialog.lookup.offers.isVisibleTo(dialog)
    dialog.target.setText("30")
    dialog.rules.drop_percent.setChecked(True)
    dialog.rules.percent.setValue(15)
    with qtbot.waitSignal(dialog.saved) as blocker:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    product_id = blocker.args[0]
    model = window.product_model
    qtbot.waitUntil(lambda: model.row_of(product_id) is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: model.product_at(model.row_of(product_id) or 0).price == Decimal("34.90"),
                    timeout=WAIT)  # fmt: skip
    row = model.row_of(product_id) or 0
    assert model.index(row, COL_TITLE).data() == "Steel kettle"
    rules = {r.kind: r for r in app.alert_rules_for(product_id)}
    assert rules[AlertKind.TARGET_PRICE].amount == Decimal("30")
    assert rules[AlertKind.DROP_PERCENT].percent == Decimal("15.0")
    assert AlertKind.BACK_IN_STOCK in rules and AlertKind.ANY_DROP not in rules
    assert "34" in model.index(row, COL_PRICE).data()


def test_pick_an_offer_on_a_multi_offer_page(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    offers = [("TSHIRT-S", "Small", "19.00"), ("TSHIRT-M", "Medium", "21.00"), ("TSHIRT-L", "Large", "23.50")]
    url = page_server.add("/shirt", product_page("Plain T-shirt", "19.00", "USD", offers=offers))
    app.start(scheduler=False)
    window = make_window()
    dialog = window.add_product(url)  # a URL given: the look-up starts at once
    qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.found, timeout=WAIT)
    assert dialog.lookup.offers.count() == 3
    assert dialog.lookup.pick_offer("sku:TSHIRT-L")
    assert "23.50" in dialog.lookup.price.text()
    product_id = dialog.save()
    assert product_id is not None
    assert app.get_product(product_id).offer_key == "sku:TSHIRT-L"
    model = window.product_model
    qtbot.waitUntil(lambda: model.row_of(product_id) is not None
                    and model.product_at(model.row_of(product_id) or 0).price == Decimal("23.50"),
                    timeout=WAIT)  # fmt: skip


def test_ctrl_v_with_a_url_opens_the_add_dialog(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    url = page_server.add("/lamp", product_page("Lamp", "12.00"))
    app.start(scheduler=False)
    window = make_window()
    QGuiApplication.clipboard().setText(f"  {url}\n")
    window.products.table.setFocus()
    qtbot.keyClick(window.products.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(ProductDialog)
    assert dialog is not None and dialog.url.text() == url
    qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.found, timeout=WAIT)
    dialog.reject()
    QGuiApplication.clipboard().setText("not a url")
    window.paste_url()
    assert "no product address" in window.statusBar().currentMessage()


def test_bad_input_is_explained(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    existing = app.add_product(page_server.add("/x", product_page("X", "1.00")))
    app.start(scheduler=False)
    window = make_window()
    dialog = window.add_product()
    dialog.url.setText("ftp://example.com/x")
    dialog.look_up()
    assert dialog.problem.isVisibleTo(dialog) and "http" in dialog.problem.text()
    dialog.url.setText(existing.url)
    dialog.target.setText("twelve")
    assert dialog.save() is None and "Target price" in dialog.problem.text()
    dialog.target.setText("")
    assert dialog.save() is None and "already tracked" in dialog.problem.text()
    dialog.reject()


def test_edit_a_product_changes_target_selector_and_rules(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    product = app.add_product(page_server.add("/mug", product_page("Mug", "9.00")), title="Mug")
    app.start(scheduler=False)
    window = make_window()
    window.products.select_product(product.id or 0)
    assert window.commands.edit.isEnabled()
    dialog = window.edit_product()
    assert dialog is not None and not dialog.url.isReadOnly() and dialog.save_button.isEnabled()
    assert dialog.task_id is None  # Edit shows what the last check stored; it reads the page when asked
    qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.found, timeout=WAIT)
    dialog.target.setText("7,50")  # a comma works as the decimal mark
    dialog.selector.setText(".price")
    dialog.rules.any_drop.setChecked(True)
    dialog.rules.back_in_stock.setChecked(False)
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    saved = app.get_product(product.id or 0)
    assert saved.target_price == Decimal("7.50") and saved.css_selector == ".price"
    kinds = {r.kind for r in app.alert_rules_for(product.id or 0)}
    assert kinds == {AlertKind.TARGET_PRICE, AlertKind.ANY_DROP}
    model = window.product_model
    qtbot.waitUntil(
        lambda: model.product_at(model.row_of(product.id or 0) or 0).target_price == Decimal("7.50")
    )


def test_shortcuts_reach_their_actions(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.add_product("https://shop.example/item", title="Item")
    window = make_window()
    window.products.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.products.search.hasFocus()
    shortcuts = {
        a.text(): a.shortcut().toString() for a in window.commands.__dict__.values() if hasattr(a, "shortcut")
    }
    assert shortcuts["&Add Product…"] == "Ctrl+N" and shortcuts["&Check Now"] == "Ctrl+R"
    assert shortcuts["Check &All Now"] == "Ctrl+Shift+R"
    assert window.commands.show_tasks.shortcut().toString() == "Ctrl+T"
    # the task table starts hidden (the products are the window); Ctrl+T shows it and hides it again
    window.commands.show_tasks.trigger()
    assert window.task_dock.isVisible()
    window.commands.show_tasks.trigger()
    assert not window.task_dock.isVisible()
    window.products.table.selectRow(0)
    window.products.table.setFocus()
    qtbot.keyClick(window.products.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert window._details and next(iter(window._details.values())).isVisible()


def test_editing_keeps_the_rules_the_dialog_does_not_show(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    """A drop-by-amount rule and a windowed drop set from the CLI survive a save from the window."""
    from pricewatch.models import AlertRule

    product = app.add_product(page_server.add("/pan", product_page("Pan", "40.00")), title="Pan")
    pid = product.id or 0
    app.set_alert_rules(
        pid,
        [
            AlertRule(pid, AlertKind.DROP_AMOUNT, amount=Decimal("5")),
            AlertRule(pid, AlertKind.DROP_PERCENT, percent=Decimal("10"), window_days=30),
        ],
    )
    app.start(scheduler=False)
    window = make_window()
    window.products.select_product(pid)
    dialog = window.edit_product()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.found, timeout=WAIT)
    assert dialog.rules.drop_percent.isChecked() and dialog.rules.kept_hint.isVisibleTo(dialog)
    dialog.rules.increase.setChecked(True)
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    rules = {(r.kind, r.amount, r.percent, r.window_days) for r in app.alert_rules_for(pid)}
    assert rules == {
        (AlertKind.DROP_AMOUNT, Decimal("5"), None, None),
        (AlertKind.DROP_PERCENT, None, Decimal("10.0"), 30),
        (AlertKind.PRICE_INCREASE, None, None, None),
    }
