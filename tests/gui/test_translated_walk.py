"""Every window and dialog in Turkish and in German: no visible text is still the English one.

The same scenes (the main window with its docks, menus, tray menu and context menu, the settings dialog's
three pages, the add, add-many and edit dialogs, the product window, "Why this price?", the remove question
and the About box) are built twice: once in English, once in the language under test, with the language set
as a ``LANG=tr_TR.UTF-8`` (or ``de_DE.UTF-8``) system sets it (tests/gui/test_translations.py checks that Qt
reads LANG without generated glibc locales). A text found in both walks is an untranslated one, unless it is
one of the few that are the same in every language (the allow-list below says why each is there).

After another part of the window gains texts: ``make translations``, translate the new entries of
resources/translations/*.ts, ``make translations`` again, and run this test.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QWidget,
)
from pytestqt.qtbot import QtBot

import tests.gui.conftest_webengine  # noqa: F401 - Qt WebEngine before the QApplication
from pricewatch import formatting
from pricewatch.app import PriceWatch
from pricewatch.gui.filters.save_dialog import SaveFilterDialog
from pricewatch.gui.history.why import WhyPrice
from pricewatch.gui.language import WindowLanguage
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.bulk_edit import BulkEditDialog
from pricewatch.gui.products.messages import confirm_remove
from pricewatch.gui.products.rule_snoozes import RuleSnoozeDialog
from pricewatch.models import Availability, PriceObservation, utcnow

WAIT = 15_000
SAMPLES = [  # title, address, price history (days ago, price, in stock)
    ("Espresso machine Barista", "https://kaffeehaus.example/barista",
     [(40, "699.00", True), (20, "649.00", False), (6, "549.95", True)]),
    ("Wireless headphones XM5", "https://soundstore.example/xm5",
     [(30, "379.00", True), (3, "299.00", True)]),
]  # fmt: skip
# Texts that are the same in English, German and Turkish: the program's and services' names, and each
# language's own name in the language setting.
SAME_EVERYWHERE = {"PriceWatch", "Apprise", "English", "Deutsch", "Türkçe"}
# German writes a time of day's pattern with the same letters, Qt's own German says "OK", and "Name" and
# "Shop" are German words too.
SAME_IN = {"de": {"HH:MM", "OK", "Name:", "Shop:"}, "tr": set()}
_UNIT = re.compile(r"[\d.,]+ ?(min|s|h|MB|KB)")  # a number and its unit: "60 min" in German too
_TAG = re.compile(r"<[^>]+>")
_LETTER = re.compile(r"[^\W\d_]")


def normalized(text: str | None) -> str:
    """The text as read on screen: no markup, no accelerator marks, one space between words."""
    plain = html.unescape(_TAG.sub(" ", text or "")).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(plain.split())


def action_texts(actions: list[QAction]) -> Iterator[str]:
    for action in actions:
        if action.isSeparator():
            continue
        yield from (action.text(), action.toolTip(), action.statusTip())
        if action.menu() is not None:
            yield from action_texts(action.menu().actions())


def view_texts(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    root = QModelIndex()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)  # a list's is private
    for column in range(columns):
        yield str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        for row in range(min(model.rowCount(root), 20)):
            index = model.index(row, column)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(index, role)
                yield value if isinstance(value, str) else ""


def widget_texts(top: QWidget) -> Iterator[str]:
    """What ``top`` shows: titles, labels, buttons, group boxes, tabs, placeholders, tips, headers, cells."""
    yield top.windowTitle()
    for widget in [top, *top.findChildren(QWidget)]:
        if widget is not top and not widget.isVisibleTo(top):
            continue
        yield widget.toolTip()
        if isinstance(widget, QLabel | QAbstractButton):
            yield widget.text()
        elif isinstance(widget, QGroupBox):
            yield widget.title()
        elif isinstance(widget, QTabWidget):
            yield from (widget.tabText(i) for i in range(widget.count()))
        elif isinstance(widget, QLineEdit | QPlainTextEdit):
            yield widget.placeholderText()
        elif isinstance(widget, QComboBox):
            yield widget.currentText()
        elif isinstance(widget, QDockWidget):
            yield widget.windowTitle()
        elif isinstance(widget, QTextBrowser):
            yield widget.toPlainText()
        elif isinstance(widget, QAbstractItemView):
            yield from view_texts(widget)
        yield from action_texts([a for a in widget.actions() if a.isVisible()])


def seed(app: PriceWatch) -> list[int]:
    ids = []
    now = utcnow()
    for title, url, history in SAMPLES:
        product = app.add_product(url, title=title, target_price="500")
        assert product.id is not None
        for days, price, in_stock in history:
            stock = Availability.IN_STOCK if in_stock else Availability.OUT_OF_STOCK
            app.observations.add(
                PriceObservation(product.id, now - timedelta(days=days), Decimal(price), "EUR", stock)
            )
        app._refresh_summary(product.id, "EUR")
        app.products.set_fields(product.id, last_checked_at=now - timedelta(minutes=5))
        ids.append(product.id)
    return ids


def modal_texts(qtbot: QtBot, open_modal: Callable[[], object]) -> list[str]:
    """The texts of a modal box (the About box) while it is open; it is closed afterwards."""
    seen: list[str] = []

    def read() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, read)
            return
        seen.extend(widget_texts(box))
        box.close()

    QTimer.singleShot(0, read)
    open_modal()
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)
    return seen


def walk_everything(qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]) -> set[str]:
    """Open every window and dialog of the scene and read what each shows."""
    ids = seed(app)
    window = make_window()
    texts: list[str] = []
    window.show_tasks()
    window.notifications_dock.show()
    qtbot.waitUntil(lambda: window.product_model.rowCount() == len(SAMPLES), timeout=WAIT)
    window.products.select_product(ids[0])
    texts += widget_texts(window)
    texts += action_texts(window.menuBar().actions())
    texts += action_texts(window.tray.menu.actions())
    texts += action_texts(window.product_context_menu.actions())
    texts += (menu.title() for menu in window.menuBar().findChildren(QMenu))

    settings = window.open_settings()
    for page in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(page)
        texts += widget_texts(settings)
    settings.reject()

    add = window.add_product()
    texts += widget_texts(add)
    add.reject()
    many = window.add_many.open()
    texts += widget_texts(many)
    many.reject()
    edit = window.edit_product()
    assert edit is not None
    texts += widget_texts(edit)
    edit.reject()
    other_shop = window.add_shop()
    assert other_shop is not None
    texts += widget_texts(other_shop)
    other_shop.reject()

    detail = window.show_detail(ids[0])
    assert detail is not None
    qtbot.waitUntil(lambda: detail.loaded, timeout=WAIT)
    texts += widget_texts(detail)
    why = WhyPrice(app, app.get_product(ids[0]), window.work, detail)
    qtbot.addWidget(why)
    why.show()
    texts += widget_texts(why)
    why.close()
    detail.close()

    # the dialogs of tags, smart filters and snoozes
    for dialog in (
        BulkEditDialog(2, ["gift"], window),
        SaveFilterDialog(None, ["gift"], parent=window),
        RuleSnoozeDialog(app, app.get_product(ids[0]), app.alert_rules_for(ids[0]), window),
    ):
        dialog.show()
        texts += widget_texts(dialog)
        dialog.reject()

    box, _remove = confirm_remove(window, window.products.selected_products())
    texts += widget_texts(box)
    box.close()
    texts += modal_texts(qtbot, window._about)
    return {normalized(text) for text in texts} - {""}


def still_english(english: set[str], shown: set[str], code: str) -> list[str]:
    data = [part for title, url, _history in SAMPLES for part in (title, url, url.split("/")[2])]
    left = []
    for text in sorted(shown & english):
        if not _LETTER.search(text) or _UNIT.fullmatch(text):
            continue  # numbers, money, amounts of time
        if text in SAME_EVERYWHERE or text in SAME_IN[code]:
            continue
        if any(part in text for part in data):
            continue  # the user's products: titles, addresses, shops
        if " " not in text and ("/" in text or "." in text):
            continue  # an address or a folder
        if re.fullmatch(r"PriceWatch [\d.]+\S*", text):
            continue  # the About box's name and version
        if re.fullmatch(r"[A-Z]{3}", text):
            continue  # an ISO 4217 currency code (the home currency's choices)
        left.append(text)
    return left


@pytest.fixture
def scene(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str, str], set[str]]]:
    """Walks the whole scene in a language ("en" or a translation) with its locale's formats, on a fresh
    facade and window each time; the translators and formats are reset afterwards."""
    from tests.support.app import open_pricewatch
    from tests.support.gui import window_maker

    language = WindowLanguage(qapp)
    opened: list[tuple[PriceWatch, Iterator[Callable[[], MainWindow]]]] = []

    def walk(code: str, locale: str) -> set[str]:
        language.use(code)
        formatting.set_locale(locale)
        monkeypatch.setenv("PRICEWATCH_HOME", str(tmp_path / f"home-{code}"))  # the same products, anew
        app = open_pricewatch()
        app.settings.notify.desktop = False
        maker = window_maker(qtbot, app, pool_grace_ms=5000)
        opened.append((app, maker))
        return walk_everything(qtbot, app, next(maker))

    try:
        yield walk
    finally:
        for app, maker in opened:
            for _rest in maker:  # closes the windows and checks that nothing was left running
                pass
            app.close()
        language.close()
        formatting.set_locale(None)


@pytest.mark.parametrize(("code", "locale"), [("tr", "tr_TR"), ("de", "de_DE")])
def test_no_window_or_dialog_shows_english_text(
    scene: Callable[[str, str], set[str]], code: str, locale: str
) -> None:
    english = scene("en", "en_US")
    assert (
        len(english) > 250 and {"Check Now", "Tell me when", "About PriceWatch"} <= english
    )  # it reads them
    shown = scene(code, locale)
    left = still_english(english, shown, code)
    assert not left, f"still English in {code}: {left}"
