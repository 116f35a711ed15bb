"""Changes made by other processes while the window is open: the CLI adds and removes products."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products import sync as product_sync
from pricewatch.gui.products.model import COL_TITLE
from tests.support.app import open_pricewatch


def cli(*args: str) -> None:
    """The real command line, a separate process on the same PRICEWATCH_HOME."""
    subprocess.run([sys.executable, "-m", "pricewatch", *args], check=True, capture_output=True, timeout=60)


def titles(window: MainWindow) -> list[str]:
    model = window.product_model
    return sorted(model.index(row, COL_TITLE).data() for row in range(model.rowCount()))


def test_products_added_and_removed_by_the_cli_appear_without_a_reset(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.add_product("https://shop.example/kept", title="Kept")
    gone = app.add_product("https://shop.example/gone", title="Gone")
    window = make_window()
    assert titles(window) == ["Gone", "Kept"]
    resets: list[bool] = []
    window.product_model.modelReset.connect(lambda: resets.append(True))

    cli("add", "https://shop.example/new")
    qtbot.waitUntil(lambda: titles(window) == ["Gone", "Kept", "https://shop.example/new"], timeout=10_000)
    cli("remove", str(gone.id))
    qtbot.waitUntil(lambda: titles(window) == ["Kept", "https://shop.example/new"], timeout=10_000)
    assert window.windowTitle() == "PriceWatch — 2 products"
    assert resets == []  # rows inserted/removed one by one: selection and scroll position stay


def test_a_changed_row_is_updated_in_place(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    product = app.add_product("https://shop.example/lamp", title="Lamp")
    window = make_window()
    with open_pricewatch() as other:  # another connection, as the API server or a second process would have
        other.update_product(product.id or 0, title="Desk lamp", target_price="30")
    qtbot.waitUntil(lambda: titles(window) == ["Desk lamp"], timeout=10_000)
    assert window.product_model.product_at(0).target_price is not None


def test_f5_reloads_everything(qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]) -> None:
    window = make_window()
    window.db_watch.stop()  # only the explicit reload may bring the product in
    with open_pricewatch() as other:
        other.add_product("https://shop.example/tea", title="Tea")
    assert titles(window) == []
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: titles(window) == ["Tea"])
    assert "&Reload" in [a.text() for a in window.menuBar().actions()[2].menu().actions()]


def test_check_now_on_a_product_removed_elsewhere_says_so_and_drops_the_row(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.add_product("https://shop.example/kept", title="Kept")
    gone = app.add_product("https://shop.example/gone", title="Gone")
    window = make_window()
    window.db_watch.stop()  # the row is stale, as between two polls
    with open_pricewatch() as other:
        other.remove_product(gone.id or 0)
    window.products.select_product(gone.id or 0)
    queued: list[str] = []
    window.checks_queued.connect(queued.append)
    window.commands.check.trigger()
    box = window.findChild(QMessageBox, "productGone")
    assert box is not None and box.isVisible()
    assert "removed" in box.text()
    assert titles(window) == ["Kept"]
    assert queued == []
    box.close()


def test_a_slot_that_raises_is_logged_and_shown_in_the_status_bar(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    import logging

    from pricewatch.gui.widgets.errors import install_excepthook

    window = make_window()
    uninstall = install_excepthook(window.statusBar, "/tmp/pw.log")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("pricewatch.gui").addHandler(handler)
    try:
        window.commands.about.triggered.disconnect()
        window.commands.about.triggered.connect(lambda: 1 / 0)
        window.commands.about.trigger()
    finally:
        uninstall()
        logging.getLogger("pricewatch.gui").removeHandler(handler)
    assert [r.exc_info[0] for r in records if r.exc_info] == [ZeroDivisionError]
    assert window.statusBar().currentMessage().startswith("Internal error: ZeroDivisionError")
    assert "/tmp/pw.log" in window.statusBar().currentMessage()


def test_saving_an_edit_of_a_product_removed_elsewhere_explains_it(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    gone = app.add_product("https://shop.example/gone", title="Gone")
    window = make_window()
    window.products.select_product(gone.id or 0)
    dialog = window.edit_product()
    assert dialog is not None
    with open_pricewatch() as other:
        other.remove_product(gone.id or 0)
    dialog.target.setText("25")
    assert dialog.save() is None
    assert dialog.problem.isVisibleTo(dialog) and "removed" in dialog.problem.text()
    dialog.reject()


def test_a_mass_change_elsewhere_reloads_the_table_once(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(product_sync, "RESET_ABOVE", 2)
    window = make_window()
    resets: list[bool] = []
    window.product_model.modelReset.connect(lambda: resets.append(True))
    with open_pricewatch() as other, other.db.transaction():  # an import from the CLI, say: one commit
        for n in range(3):
            other.add_product(f"https://shop.example/{n}", title=f"Item {n}")
    qtbot.waitUntil(lambda: titles(window) == ["Item 0", "Item 1", "Item 2"], timeout=10_000)
    assert resets == [True]
