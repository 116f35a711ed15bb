"""Adding a product as a user would: a pasted sentence, an address without a scheme on an http-only shop,
a page that does not exist, errors in plain words, duplicates by address and by the item's own SKU."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.editor.dialog import ProductDialog
from pricewatch.models import TaskState
from pricewatch.wording import fault_sentence
from tests.support.editor import sku_page, started_facade
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 15_000


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    with started_facade() as facade:
        yield facade


def open_dialog(qtbot: QtBot, app: PriceWatch, url: str = "") -> ProductDialog:
    dialog = ProductDialog(app, url=url)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def found(qtbot: QtBot, dialog: ProductDialog) -> None:
    qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.found, timeout=WAIT)


def failed(qtbot: QtBot, dialog: ProductDialog) -> str:
    qtbot.waitUntil(lambda: dialog.lookup.currentWidget() is dialog.lookup.error, timeout=WAIT)
    return dialog.lookup.error.text()


def shown_text(dialog: ProductDialog) -> str:
    """Every label the user can see, joined."""
    from PySide6.QtWidgets import QLabel

    return "\n".join(label.text() for label in dialog.findChildren(QLabel) if label.isVisibleTo(dialog))


def test_ctrl_v_of_a_sentence_keeps_the_address(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/kettle", product_page("Steel kettle", "34.90"))
    dialog = open_dialog(qtbot, app)
    QGuiApplication.clipboard().setText(f"Check this: {url}?utm_source=chat, great deal!")
    dialog.url.setFocus()
    qtbot.keyClick(dialog.url, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.url.text() == f"{url}?utm_source=chat"
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    found(qtbot, dialog)
    assert dialog.lookup.title.text() == "Steel kettle"
    assert dialog.name.text() == "Steel kettle"  # the name to save, editable
    product_id = dialog.save()
    assert product_id is not None and app.get_product(product_id).url == url  # tracking parameter dropped


def test_typing_an_address_keeps_its_port(qtbot: QtBot, app: PriceWatch) -> None:
    dialog = open_dialog(qtbot, app)
    qtbot.keyClicks(dialog.url, "http://127.0.0.1:8080/p")
    assert dialog.url.text() == "http://127.0.0.1:8080/p"


def test_an_address_without_scheme_falls_back_to_http_on_an_http_only_shop(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/lamp", product_page("Desk lamp", "12.00"))
    typed = url.removeprefix("http://")
    dialog = open_dialog(qtbot, app)
    qtbot.keyClicks(dialog.url, typed)
    qtbot.keyClick(dialog.url, Qt.Key.Key_Return)
    found(qtbot, dialog)
    assert dialog.url.text() == url
    assert dialog.notice.isVisibleTo(dialog)
    assert dialog.notice.text().startswith("This shop does not answer on a secure connection (https://)")
    assert "SSL" not in shown_text(dialog) and "robots" not in shown_text(dialog)
    https_tasks = [
        t for t in app.list_tasks(name="scraping.scrape_product") if t.kwargs["url"].startswith("https")
    ]
    assert [t.state for t in https_tasks] == [TaskState.REVOKED]  # not retried for minutes
    product_id = dialog.save()
    assert product_id is not None and app.get_product(product_id).url == url


def test_a_page_that_does_not_exist_cannot_be_added(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    dialog = open_dialog(qtbot, app, page_server.url("/gone"))  # the server answers 404
    text = failed(qtbot, dialog)
    assert text.startswith("This page does not exist (404). Check the address")
    assert "You can still add" not in text and "HTTP" not in text
    assert not dialog.save_button.isEnabled() and dialog.save() is None
    assert app.list_products() == []
    dialog.url.setFocus()
    qtbot.keyClick(dialog.url, Qt.Key.Key_End)
    qtbot.keyClicks(dialog.url, "x")  # another address: it may exist
    assert not dialog.save_button.isEnabled()  # ... once looked up


def test_a_refusal_is_said_once_in_plain_words_with_the_next_step(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    dialog = open_dialog(qtbot, app, page_server.add("/wall", "Forbidden", status=403))
    text = failed(qtbot, dialog)
    assert text == fault_sentence("http_4xx", 403) + " You can still add the product."
    assert text.startswith("The shop refused the request (403). Try again later or open it in the")
    assert "Error" not in text and "http" not in text.lower().replace("https", "")
    assert dialog.save_button.isEnabled()


def test_the_same_address_with_tracking_parameters_is_already_tracked(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/mug", product_page("Mug", "9.00"))
    existing = app.add_product(url, title="Mug")
    dialog = open_dialog(qtbot, app, f"{url}?utm_source=newsletter&ref=home")
    found(qtbot, dialog)
    assert dialog.problem.text().startswith(f"Already tracked as product {existing.id} (“Mug”)")
    assert not dialog.save_button.isEnabled()


def test_the_same_item_under_another_address_is_caught_by_its_sku(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    first = page_server.add("/garden/chair", sku_page("Garden chair", "49.90", "GC-1"))
    other = page_server.add("/p/123", sku_page("Garden chair", "49.90", "GC-1"))
    dialog = open_dialog(qtbot, app, first)
    found(qtbot, dialog)
    product_id = dialog.save()
    assert product_id is not None and app.get_product(product_id).sku == "GC-1"
    again = open_dialog(qtbot, app, other)
    found(qtbot, again)
    assert again.problem.text().startswith(
        f"The same item (GC-1) is already tracked as product {product_id} (“Garden chair”) at another address"
    )
    assert not again.save_button.isEnabled()


def _rect(widget: QWidget, ancestor: QWidget) -> QRect:
    return QRect(widget.mapTo(ancestor, widget.rect().topLeft()), widget.size())


def test_the_selector_note_is_never_drawn_over_the_found_by_row(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/cup", product_page("Cup", "9.00"))
    dialog = open_dialog(qtbot, app)
    dialog.resize(600, 700)
    dialog.url.setText(url)
    dialog.selector.setText(".no-such-element-anywhere-on-this-page > span.price-now-or-never")
    dialog.look_up()
    found(qtbot, dialog)
    note, method = dialog.lookup.selector_note, dialog.lookup.method
    assert note.isVisibleTo(dialog) and "matched nothing" in note.text()
    qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()))  # wrapped lines all fit
    assert not _rect(note, dialog).intersects(_rect(method, dialog))
    assert _rect(note, dialog).top() >= _rect(method, dialog).bottom()


def test_an_unsure_price_shows_the_candidates_and_the_pick_becomes_the_selector(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    from tests.support.editor import UNSURE_PAGE

    url = page_server.add("/chair", UNSURE_PAGE)
    dialog = open_dialog(qtbot, app, url)
    found(qtbot, dialog)
    candidates = dialog.lookup.candidates
    assert candidates.isVisibleTo(dialog) and candidates.list.count() == 3
    texts = [candidates.list.item(row).text() for row in range(3)]
    assert "Chair 49,90 €" in texts[0] and "Cushion 12,90 €" in texts[1]
    assert "crossed out or list price" in texts[2]
    candidates.pick(1)
    assert "12.90" in dialog.lookup.price.text()
    selector = dialog.selector.text()
    assert selector and "div:nth-of-type(2)" in selector
    product_id = dialog.save()
    assert product_id is not None and app.get_product(product_id).css_selector == selector
    check = app.list_tasks(name="price_tracking.check_product_price")[0]
    assert app.wait_for_task(check.id, timeout=30).state is TaskState.SUCCESS
    assert str(app.get_product(product_id).price) == "12.90"


def test_a_sure_price_asks_nothing(qtbot: QtBot, app: PriceWatch, page_server: PageServer) -> None:
    dialog = open_dialog(qtbot, app, page_server.add("/kettle", product_page("Kettle", "34.90")))
    found(qtbot, dialog)
    assert not dialog.lookup.candidates.isVisibleTo(dialog)


def test_add_with_name_interval_pause_fetch_mode_and_notes(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    dialog = open_dialog(qtbot, app, page_server.add("/pan", product_page("Pan 28 cm", "40.00")))
    found(qtbot, dialog)
    assert "read without a browser" in dialog.lookup.method.text()  # which fetcher ran
    dialog.name.setText("Frying pan")
    dialog.interval.setCurrentIndex(dialog.interval.findData(240))
    dialog.paused.setChecked(True)
    dialog.fetch_mode.setCurrentIndex(dialog.fetch_mode.findData("plain"))
    dialog.notes.setPlainText("for the new kitchen")
    product_id = dialog.save()
    assert product_id is not None
    product = app.get_product(product_id)
    assert (product.title, product.check_interval_minutes, product.paused) == ("Frying pan", 240, True)
    assert (product.fetch_mode, product.notes) == ("plain", "for the new kitchen")
