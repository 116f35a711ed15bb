"""Editing a product: it opens with what the last check stored and never reads the page unless asked or the
address changed; name, address, interval, pause, notes and fetch mode are saved; the variant is shown."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.editor.dialog import ProductDialog
from pricewatch.models import TaskState
from tests.support.editor import started_facade
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 15_000
SHOES = [("S-42", "EU 42 / Black", "89.00"), ("S-43", "EU 43 / Black", "89.00")]


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    with started_facade() as facade:
        yield facade


def checked(app: PriceWatch, product_id: int) -> None:
    assert app.wait_for_task(app.check_product(product_id), timeout=30).state is TaskState.SUCCESS


def open_edit(qtbot: QtBot, app: PriceWatch, product_id: int) -> ProductDialog:
    dialog = ProductDialog(app, app.get_product(product_id))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def checks_of(app: PriceWatch, product_id: int) -> int:
    return len(app.product_tasks(product_id))


def test_edit_opens_without_reading_the_page_and_shows_the_variant(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/shoe", product_page("Runner", "89.00", offers=SHOES))
    pid = app.add_product(url, title="Runner").id or 0
    app.update_product(pid, offer_key="sku:S-42", offer_name="EU 42 / Black")
    checked(app, pid)
    hits, tasks = page_server.hits("/shoe"), checks_of(app, pid)
    dialog = open_edit(qtbot, app, pid)
    assert dialog.task_id is None and dialog.lookup.currentWidget() is dialog.lookup.found
    assert "89.00" in dialog.lookup.price.text()
    assert dialog.lookup.variant.isVisibleTo(dialog) and dialog.lookup.variant.text() == "EU 42 / Black"
    assert dialog.save_button.isEnabled()
    dialog.name.setText("Running shoes")
    dialog.notes.setPlainText("the black ones")
    dialog.interval.setCurrentIndex(dialog.interval.findData(1440))
    dialog.paused.setChecked(True)
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()
    product = app.get_product(pid)
    assert (product.title, product.notes, product.check_interval_minutes) == (
        "Running shoes",
        "the black ones",
        1440,
    )
    assert product.paused and product.offer_key == "sku:S-42" and product.offer_name == "EU 42 / Black"
    assert page_server.hits("/shoe") == hits and checks_of(app, pid) == tasks  # nothing read, nothing queued


def test_a_new_address_is_looked_up_before_it_is_saved_then_checked(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    old = page_server.add("/old", product_page("Kettle", "30.00"))
    new = page_server.add("/new", product_page("Kettle", "27.50"))
    pid = app.add_product(old, title="Kettle").id or 0
    checked(app, pid)
    dialog = open_edit(qtbot, app, pid)
    dialog.url.selectAll()
    qtbot.keyClicks(dialog.url, new)
    assert not dialog.save_button.isEnabled()  # not looked up yet
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.found, timeout=WAIT)
    assert "27.50" in dialog.lookup.price.text() and dialog.save_button.isEnabled()
    assert dialog.save() == pid
    assert app.get_product(pid).url == new
    qtbot.waitUntil(lambda: app.get_product(pid).price == Decimal("27.50"), timeout=WAIT)
    assert len(app.history(pid)) == 2  # the old address's reading stays in the history


def test_the_address_of_another_product_is_refused(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    a = app.add_product(page_server.add("/a", product_page("A", "1.00")), title="A").id or 0
    other = page_server.add("/b", product_page("B", "2.00"))
    b = app.add_product(other, title="B").id or 0
    dialog = open_edit(qtbot, app, a)
    dialog.url.setText(other)
    dialog.look_up()
    qtbot.waitUntil(lambda: dialog.problem.isVisibleTo(dialog), timeout=WAIT)
    assert dialog.problem.text().startswith(f"Already tracked as product {b} (“B”)")
    assert not dialog.save_button.isEnabled()
    dialog.url.selectAll()
    qtbot.keyClicks(dialog.url, app.get_product(a).url)  # back to its own address: saving needs no look-up
    assert dialog.save_button.isEnabled() and not dialog.problem.isVisibleTo(dialog)
    assert dialog.save() == a and app.get_product(a).url != other


def test_the_fetch_mode_is_saved_and_the_page_read_the_new_way(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    pid = app.add_product(page_server.add("/m", product_page("M", "5.00")), title="M").id or 0
    checked(app, pid)
    before = checks_of(app, pid)
    dialog = open_edit(qtbot, app, pid)
    assert dialog.fetch_mode.currentData() == "auto"
    dialog.fetch_mode.setCurrentIndex(dialog.fetch_mode.findData("plain"))
    assert dialog.save() == pid
    assert app.get_product(pid).fetch_mode == "plain"
    assert checks_of(app, pid) == before + 1  # how the page is read changed: read it again


def test_ctrl_v_of_a_sentence_in_the_window_opens_the_add_dialog(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    from pricewatch.gui.main_window import MainWindow

    url = page_server.add("/lamp", product_page("Lamp", "12.00"))
    window = MainWindow(app)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.product_sync.is_loaded)
        QGuiApplication.clipboard().setText(f"Look at this lamp {url} - only 12!")
        window.products.table.setFocus()
        qtbot.keyClick(window.products.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        dialog = window.findChild(ProductDialog)
        assert dialog is not None and dialog.url.text() == url
        qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.found, timeout=WAIT)
        dialog.reject()
    finally:
        window.quit()
        assert window.work.wait(5000)
        window.deleteLater()
