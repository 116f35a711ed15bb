"""Adding many products from the window: paste addresses, or drop links or a bookmarks file; a preview says
what will be added and what skipped and why, then one click adds them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.add_many.dialog import AddManyDialog
from pricewatch.gui.add_many.window import holds_many
from pricewatch.gui.main_window import MainWindow
from pricewatch.link_lists import AddOutcome

BOOKMARKS = Path(__file__).parents[1] / "data" / "bookmarks" / "chrome-export.html"
WAIT = 15_000


def shown(dialog: AddManyDialog) -> list[tuple[str, str, str]]:
    """Each row as the user reads it: outcome, address, reason."""
    items = [dialog.preview.topLevelItem(i) for i in range(dialog.preview.topLevelItemCount())]
    return [(item.text(0), item.text(1), item.text(2)) for item in items if item is not None]


def wait_preview(qtbot: QtBot, dialog: AddManyDialog, count: int) -> list[AddOutcome]:
    qtbot.waitUntil(lambda: len(dialog.outcomes()) == count and not dialog._timer.isActive(), timeout=WAIT)
    return dialog.outcomes()


def drop(window: MainWindow, mime: QMimeData) -> bool:
    """A drag entering the window, then the drop; returns whether the window took the drag."""
    actions, button, keys = (
        Qt.DropAction.CopyAction,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(200, 200), actions, mime, button, keys)
    QApplication.sendEvent(window, enter)
    if not enter.isAccepted():
        return False
    QApplication.sendEvent(window, QDropEvent(QPointF(200, 200), actions, mime, button, keys))
    return True


def test_pasted_addresses_are_previewed_then_added(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    tracked = app.add_product("https://shop.example/p/lamp").id
    window = make_window()
    window.commands.add_many.trigger()
    dialog = window.findChild(AddManyDialog)
    assert dialog is not None and dialog.isVisible() and not dialog.add_button.isEnabled()
    qtbot.keyClicks(dialog.text, "https://shop.example/p/kettle?utm_source=x")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)
    dialog.text.appendPlainText(
        "see https://shop.example/p/kettle/ too\nhttps://shop.example/p/lamp\nftp://files.example/a\n"
        "https://other.example/item/9"
    )
    assert wait_preview(qtbot, dialog, 5)
    assert shown(dialog) == [
        ("Will be added", "https://shop.example/p/kettle", ""),
        ("Skipped", "https://shop.example/p/kettle/", "Listed twice"),
        ("Skipped", "https://shop.example/p/lamp", f"Already tracked as product {tracked}"),
        ("Skipped", "ftp://files.example/a", "Not a web address"),
        ("Will be added", "https://other.example/item/9", ""),
    ]
    reason = dialog.preview.topLevelItem(1)
    assert reason is not None and reason.toolTip(2).endswith(
        "(as https://shop.example/p/kettle?utm_source=x)"
    )
    assert app.get_product(tracked or 0) and len(app.list_products()) == 1  # the preview adds nothing
    assert dialog.add_button.isEnabled() and "2" in dialog.add_button.text()
    assert dialog.summary.text() == "2 to add, 3 skipped."
    with qtbot.waitSignal(dialog.added, timeout=WAIT) as added:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    urls = {p.id: p.url for p in app.list_products()}
    assert [urls[i] for i in added.args[0]] == [
        "https://shop.example/p/kettle",
        "https://other.example/item/9",
    ]
    assert [o.status for o in dialog.outcomes()] == ["added", "skipped", "skipped", "skipped", "added"]
    assert not dialog.add_button.isEnabled()
    qtbot.waitUntil(lambda: window.product_model.rowCount() == 3, timeout=WAIT)
    dialog.reject()


def test_editing_the_text_holds_the_add_button_until_the_preview_catches_up(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    dialog = window.add_many.open("https://shop.example/p/1")
    wait_preview(qtbot, dialog, 1)
    assert dialog.add_button.isEnabled()
    dialog.text.appendPlainText("https://shop.example/p/1")  # now listed twice: the preview must say so
    assert not dialog.add_button.isEnabled()
    wait_preview(qtbot, dialog, 2)
    assert [o.status for o in dialog.outcomes()] == ["new", "skipped"]
    dialog.reject()


def test_links_dropped_from_a_browser_open_the_preview_with_their_titles(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl("https://shop.example/p/kettle"), QUrl("https://shop.example/p/toaster?fbclid=1")])
    moz = "https://shop.example/p/kettle\nKettle \N{EN DASH} 1,7 l\nhttps://shop.example/p/toaster?fbclid=1\nToaster"
    mime.setData("text/x-moz-url", QByteArray(moz.encode("utf-16-le")))
    assert drop(window, mime)
    dialog = window.findChild(AddManyDialog)
    assert dialog is not None
    outcomes = wait_preview(qtbot, dialog, 2)
    assert [(o.status, o.url, o.title) for o in outcomes] == [
        ("new", "https://shop.example/p/kettle", "Kettle \N{EN DASH} 1,7 l"),
        ("new", "https://shop.example/p/toaster", "Toaster"),
    ]
    with qtbot.waitSignal(dialog.added, timeout=WAIT):
        dialog.add_button.click()
    assert {p.url: p.title for p in app.list_products()} == {
        "https://shop.example/p/kettle": "Kettle \N{EN DASH} 1,7 l",
        "https://shop.example/p/toaster": "Toaster",
    }
    dialog.reject()


def test_dropped_plain_text_is_read_as_a_list(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    mime = QMimeData()
    mime.setText("Deals: https://shop.example/a and\nhttps://shop.example/b")
    assert drop(window, mime)
    dialog = window.findChild(AddManyDialog)
    assert dialog is not None
    assert [o.url for o in wait_preview(qtbot, dialog, 2)] == [
        "https://shop.example/a",
        "https://shop.example/b",
    ]
    dialog.reject()


def test_a_dropped_bookmarks_file_is_previewed_entry_by_entry(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], tmp_path: Path
) -> None:
    app.add_product("https://shop.example/p/already-tracked")
    file = tmp_path / "bookmarks.html"
    shutil.copy(BOOKMARKS, file)
    window = make_window()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(file))])
    assert drop(window, mime)
    dialog = window.findChild(AddManyDialog)
    assert dialog is not None
    outcomes = wait_preview(qtbot, dialog, 12)
    assert [o.status for o in outcomes].count("new") == 5
    skips = {o.url: o.skip for o in outcomes if o.status == "skipped"}
    assert skips["https://shop.example/p/already-tracked/"] == "already_tracked"
    assert skips["https://laden.example/produkte/wasserkocher-1-7l"] == "listed_twice"
    assert skips["chrome://settings/"] == "not_web_address" and skips["http://[::1"] == "invalid"
    with qtbot.waitSignal(dialog.added, timeout=WAIT) as added:
        dialog.add_button.click()
    assert len(added.args[0]) == 5
    titles = {p.url: p.title for p in app.list_products()}
    assert (
        titles["https://www.kahve.example/urun/t%C3%BCrk-kahvesi-250g"]
        == "Türk Kahvesi 250 g \N{EN DASH} Öğütülmüş"
    )
    dialog.reject()


def test_other_files_are_not_taken(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    export = tmp_path / "pricewatch-export.json"
    export.write_text("{}", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(export))])
    assert not drop(window, mime)
    assert window.findChild(AddManyDialog) is None


def test_closing_the_dialog_while_it_adds_loses_nothing(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    dialog = window.add_many.open("\n".join(f"https://shop.example/p/{i}" for i in range(50)))
    wait_preview(qtbot, dialog, 50)
    dialog.add_button.click()
    dialog.reject()  # before the answer comes back
    qtbot.waitUntil(lambda: len(app.list_products()) == 50, timeout=WAIT)
    window.work.wait(WAIT)
    qtbot.waitUntil(lambda: window.product_model.rowCount() == 50, timeout=WAIT)  # through the data watch


def test_ctrl_v_with_a_list_in_the_clipboard_opens_the_preview(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    QGuiApplication.clipboard().setText("My list:\nhttps://shop.example/a\nhttps://shop.example/b, cheap\n")
    window.commands.paste.trigger()
    dialog = window.findChild(AddManyDialog)
    assert dialog is not None
    assert [o.url for o in wait_preview(qtbot, dialog, 3) if o.status == "new"] == [
        "https://shop.example/a", "https://shop.example/b"
    ]  # fmt: skip
    dialog.reject()
    # One address (with words around it) stays the add dialog's (tests/gui/test_add.py).
    assert not holds_many("Look: https://shop.example/c, great deal!\nReally.")
