"""The products table driven as a user would: search, sort, remove, import/export, layout remembered."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_CHANGE, COL_PRICE, COL_TITLE, SparklineRole
from pricewatch.models import Availability, utcnow


def _seed(app: PriceWatch) -> None:
    start = utcnow() - timedelta(days=10)
    for n, (title, prices) in enumerate(
        [("Espresso machine", ["199", "179", "189"]), ("Walking boots", ["120"]), ("Desk lamp", ["45", "49"])]
    ):
        product = app.add_product(f"https://shop{n}.example/item", title=title)
        for day, price in enumerate(prices):
            app.observations.record_check(product.id or 0, checked_at=start + timedelta(days=day),
                                          price=Decimal(price), currency="USD",
                                          availability=Availability.IN_STOCK)  # fmt: skip


def _titles(window: MainWindow) -> list[str]:
    model = window.products.table.model()
    return [model.index(row, COL_TITLE).data() for row in range(model.rowCount())]


def test_search_filters_as_you_type(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    _seed(app)
    window = make_window()
    assert len(_titles(window)) == 3
    qtbot.keyClicks(window.products.search, "BOOT")
    qtbot.waitUntil(lambda: _titles(window) == ["Walking boots"])
    assert window.status.products_label.text() == "1 of 3 products"
    window.products.table.selectRow(0)
    assert [p.title for p in window.products.selected_products()] == ["Walking boots"]
    assert window.commands.edit.isEnabled()
    window.products.search.clear()
    qtbot.waitUntil(lambda: len(_titles(window)) == 3)
    assert [p.title for p in window.products.selected_products()] == [
        "Walking boots"
    ]  # kept across the switch
    assert window.status.products_label.text() == "3 products"
    qtbot.keyClicks(window.products.search, "shop2")  # the address matches too
    qtbot.waitUntil(lambda: _titles(window) == ["Desk lamp"])


def test_columns_sort_and_show_change(app: PriceWatch, make_window: Callable[[], MainWindow]) -> None:
    _seed(app)
    window = make_window()
    table = window.products.table
    table.sortByColumn(COL_PRICE, Qt.SortOrder.AscendingOrder)
    assert _titles(window) == ["Desk lamp", "Walking boots", "Espresso machine"]
    table.sortByColumn(COL_TITLE, Qt.SortOrder.DescendingOrder)
    assert _titles(window) == ["Walking boots", "Espresso machine", "Desk lamp"]
    model = table.model()
    changes = {model.index(r, COL_TITLE).data(): model.index(r, COL_CHANGE).data() for r in range(3)}
    assert changes["Espresso machine"].startswith("▲") and "5.6%" in changes["Espresso machine"]
    assert changes["Walking boots"] == ""


def test_sparklines_load_in_the_background(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    _seed(app)
    window = make_window()
    model = window.product_model
    row = model.row_of(app.list_products(search="Espresso")[0].id or 0)
    assert row is not None
    qtbot.waitUntil(lambda: model.index(row, 0).data(SparklineRole) == [199.0, 179.0, 189.0])


def test_remove_asks_first(qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]) -> None:
    _seed(app)
    window = make_window()
    window.products.table.selectRow(0)
    assert window.commands.delete.isEnabled()
    window.commands.delete.trigger()
    box = window.findChild(QMessageBox, "confirmRemove")
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert len(app.list_products()) == 3
    window.products.table.selectRow(0)
    first = window.products.selected_products()[0]
    box = window.remove_selected()
    assert box is not None
    [remove] = [b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    remove.click()
    qtbot.waitUntil(lambda: len(_titles(window)) == 2)
    assert first.id not in [p.id for p in app.list_products()]


def test_export_import_round_trip(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], tmp_path: Path
) -> None:
    _seed(app)
    window = make_window()
    target = tmp_path / "out.json"
    with qtbot.waitSignal(window.transfer.exported, timeout=10000) as blocker:
        dialog = window.transfer.ask_export()
        assert isinstance(dialog, QFileDialog) and dialog.isVisible()
        dialog.selectFile(str(target))
        dialog.accept()
    assert blocker.args == [str(target), 3]
    exported = json.loads(target.read_text())
    assert {p["title"] for p in exported["products"]} == {"Espresso machine", "Walking boots", "Desk lamp"}

    for product in app.list_products():
        app.remove_product(product.id or 0)
    window.product_sync.reload()
    qtbot.waitUntil(lambda: _titles(window) == [])
    with qtbot.waitSignal(window.transfer.imported, timeout=10000) as blocker:
        dialog = window.transfer.ask_import()
        dialog.selectFile(str(target))
        dialog.accept()
    assert blocker.args[0].products_added == 3 and blocker.args[0].observations_added == 6
    qtbot.waitUntil(lambda: sorted(_titles(window)) == ["Desk lamp", "Espresso machine", "Walking boots"])
    # the count (a permanent widget) does not take the message's place, nor go away with it
    assert window.statusBar().currentMessage().startswith("Imported: 3 new products")
    assert window.status.products_label.text() == "3 products"
    window.statusBar().clearMessage()
    assert window.status.products_label.isVisible() and window.status.products_label.text() == "3 products"
    espresso = app.list_products(search="Espresso")[0]
    assert espresso.price == Decimal("189") and [o.price for o in app.history(espresso.id or 0)] == [
        Decimal("199"),
        Decimal("179"),
        Decimal("189"),
    ]


def test_import_of_a_bad_file_says_why(
    qtbot: QtBot, make_window: Callable[[], MainWindow], tmp_path: Path
) -> None:
    window = make_window()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with qtbot.waitSignal(window.transfer.failed, timeout=10000) as blocker:
        window.transfer.import_from(str(bad))
    assert "not valid JSON" in blocker.args[0]
    box = window.findChild(QMessageBox, "transferError")
    assert box is not None and "not valid JSON" in box.text()
    box.accept()


def test_geometry_and_columns_are_remembered(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    window.resize(700, 480)
    window.products.table.setColumnWidth(COL_TITLE, 411)
    window.products.table.horizontalHeader().setSectionHidden(COL_CHANGE, True)
    window.quit()
    again = make_window()
    assert again.products.table.columnWidth(COL_TITLE) == 411
    assert again.products.table.horizontalHeader().isSectionHidden(COL_CHANGE)
    assert (again.width(), again.height()) == (700, 480)
