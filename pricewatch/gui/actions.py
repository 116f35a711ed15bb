"""The window's actions (menu items, toolbar buttons, shortcuts), created in one place."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle, QWidget

_FALLBACKS = {  # the style's own pixmaps when the desktop has no icon theme (Xvfb, Windows, macOS)
    "list-add": QStyle.StandardPixmap.SP_FileDialogNewFolder,
    "view-refresh": QStyle.StandardPixmap.SP_BrowserReload,
    "edit-delete": QStyle.StandardPixmap.SP_TrashIcon,
    "document-edit": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "view-statistics": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "document-open": QStyle.StandardPixmap.SP_DialogOpenButton,
    "document-save-as": QStyle.StandardPixmap.SP_DialogSaveButton,
    "internet-web-browser": QStyle.StandardPixmap.SP_DirLinkIcon,
    "media-playback-pause": QStyle.StandardPixmap.SP_MediaPause,
    "application-exit": QStyle.StandardPixmap.SP_DialogCloseButton,
    "help-about": QStyle.StandardPixmap.SP_MessageBoxInformation,
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Actions", text)


def _icon(*names: str) -> QIcon:
    for name in names:
        icon = QIcon.fromTheme(name)
        if not icon.isNull():
            return icon
    for name in names:
        if name in _FALLBACKS:
            return QApplication.style().standardIcon(_FALLBACKS[name])
    return QIcon()


class Actions:
    """Every user-visible action of the main window; the window connects them to its slots."""

    def __init__(self, parent: QWidget) -> None:
        def make(text: str, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                 icon: tuple[str, ...] = (),
                 tip: str = "") -> QAction:  # fmt: skip
            action = QAction(_icon(*icon), text, parent)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            if tip:
                action.setStatusTip(tip)
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                action.setToolTip(f"{tip} ({keys})" if keys else tip)
            parent.addAction(action)
            return action

        self.add = make(
            "&Add Product…", QKeySequence.StandardKey.New, ("list-add",), "Track a new product page"
        )
        self.paste = make("Add from &Clipboard", QKeySequence.StandardKey.Paste, ("edit-paste",),
                          "Track the product page whose address is in the clipboard")  # fmt: skip
        self.edit = make("&Edit Product…", "F2", ("document-edit", "document-properties"),
                         "Change the target price, selector and alert rules")  # fmt: skip
        self.delete = make("&Remove Product…", QKeySequence.StandardKey.Delete,
                           ("edit-delete", "list-remove"), "Stop tracking the selected products")  # fmt: skip
        self.details = make("Price &History…", "Ctrl+I", ("view-statistics", "office-chart-line"),
                            "Show the price history of the selected product")  # fmt: skip
        self.check = make("&Check Now", "Ctrl+R", ("view-refresh",), "Check the selected products now")
        self.check_all = make("Check &All Now", "Ctrl+Shift+R", ("view-refresh",), "Check every product now")
        self.open_browser = make("&Open in Browser", "Ctrl+B",
                                 ("internet-web-browser", "applications-internet"),
                                 "Open the product page in the web browser")  # fmt: skip
        # F5 only: the platform's Refresh binding may include Ctrl+R, which is Check Now here
        self.reload = make("&Reload", "F5", ("view-refresh",),
                           "Read products, tasks and notifications again from the database")  # fmt: skip
        self.find = make("&Find", QKeySequence.StandardKey.Find, ("edit-find",), "Search the products")
        self.import_ = make("&Import…", "Ctrl+Shift+I", ("document-import", "document-open"),
                            "Import products and history from a JSON or CSV export")  # fmt: skip
        self.export = make("&Export…", "Ctrl+Shift+E", ("document-export", "document-save-as"),
                           "Export products and history to JSON or CSV")  # fmt: skip
        self.settings = make("&Settings…", QKeySequence.StandardKey.Preferences, ("preferences-system",),
                             "Checks, notifications, API and more")  # fmt: skip
        if self.settings.shortcut().isEmpty():
            self.settings.setShortcut(QKeySequence("Ctrl+,"))
        self.pause = make("&Pause Scheduled Checks", None, ("media-playback-pause",),
                          "Stop the hourly checks until resumed")  # fmt: skip
        self.pause.setCheckable(True)
        self.show_tasks = make("&Tasks", "Ctrl+T", ("view-list-details",), "Show or hide the live task table")
        self.quit = make("&Quit", QKeySequence.StandardKey.Quit, ("application-exit",), "Quit PriceWatch")
        self.about = make("&About PriceWatch", None, ("help-about",))
        self.show_window = QAction("&Show PriceWatch", parent)
        self.add_shop = make(_tr("Add Another &Shop…"), None, ("list-add",),
                             _tr("Track the same item in another shop as part of this product"))  # fmt: skip
        self.merge = make(_tr("&Merge With…"), None, (), _tr("Make this product and another one product"))
        self.split = make(_tr("S&plit From Product"), None, (),
                          _tr("Make this shop's listing a product of its own again"))  # fmt: skip
        for action in (self.edit, self.delete, self.details, self.check, self.open_browser, self.add_shop,
                       self.merge, self.split):  # fmt: skip
            action.setEnabled(False)  # until a product is selected
