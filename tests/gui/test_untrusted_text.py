"""Scraped text (titles, errors) is shown literally in labels, tooltips and message boxes, never as markup."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import Qt, QTextDocument  # QtGui.Qt also has mightBeRichText
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_AVAILABILITY, COL_TITLE
from pricewatch.models import Product

MARKUP = "<img src=x onerror=alert(1)><b>HTML</b> name &lt;script&gt;"


def _as_rendered(text: str, text_format: Qt.TextFormat) -> str:
    """What a user reads: Qt renders AutoText (and every tooltip) as HTML when it looks like HTML."""
    rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def _label_shows(label: QLabel) -> str:
    return _as_rendered(label.text(), label.textFormat())


def _tooltip_shows(tip: str) -> str:
    return _as_rendered(tip, Qt.TextFormat.AutoText).replace("\u2029", "\n")


def _html_product(app: PriceWatch) -> Product:
    product = app.add_product("https://shop.example/html", title=MARKUP)
    app.products.set_fields(product.id or 0, last_error=f"parse failed: <a href='x'>{MARKUP}</a>")
    return app.get_product(product.id or 0)


def test_detail_header_shows_a_marked_up_title_literally(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    product = _html_product(app)
    window = make_window()
    detail = window.show_detail(product.id or 0)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.loaded)
    assert _label_shows(detail.title) == MARKUP
    # the last error is said in plain words from its facts: the scraped message is not shown at all
    assert detail.problem.textFormat() == Qt.TextFormat.PlainText and "<" not in detail.problem.text()
    assert detail.problem.text().startswith("The last check failed.") and MARKUP not in detail.problem.text()
    detail.close()


def test_product_tooltips_show_title_url_and_error_literally(
    app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    product = _html_product(app)
    window = make_window()
    model = window.products.table.model()
    title_tip = _tooltip_shows(model.index(0, COL_TITLE).data(Qt.ItemDataRole.ToolTipRole))
    assert title_tip.splitlines()[:2] == [MARKUP, product.url]  # the full title, then the address
    assert MARKUP in title_tip.splitlines()[2]
    error_tip = _tooltip_shows(model.index(0, COL_AVAILABILITY).data(Qt.ItemDataRole.ToolTipRole))
    assert error_tip == f"Last error: parse failed: <a href='x'>{MARKUP}</a>"


def test_remove_confirmation_shows_the_title_literally(
    app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    _html_product(app)
    window = make_window()
    window.products.table.selectRow(0)
    box = window.remove_selected()
    assert box is not None
    assert MARKUP in _as_rendered(box.text(), box.textFormat())
    box.button(QMessageBox.StandardButton.Cancel).click()


def test_a_task_error_tooltip_shows_the_shops_markup_literally(qtbot: QtBot) -> None:
    """A failed scrape's error quotes the page; the task table's tooltip must not render it."""
    from pricewatch.gui.tasks import columns as tc
    from pricewatch.models import TaskRecord, TaskState

    record = TaskRecord(id="e" * 32, name="scraping.scrape_product", state=TaskState.FAILURE, error=MARKUP)
    tip = tc.cell_data(record, tc.COL_RESULT, Qt.ItemDataRole.ToolTipRole, tc.default_subject)
    assert _tooltip_shows(tip) == MARKUP
