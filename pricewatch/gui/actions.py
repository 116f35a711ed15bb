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
        def make(
            text: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            icon: tuple[str, ...] = (),
            tip: str = "",
        ) -> QAction:
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
            QCoreApplication.translate("Actions", "&Add Product…"),
            QKeySequence.StandardKey.New,
            ("list-add",),
            QCoreApplication.translate("Actions", "Track a new product page"),
        )
        self.paste = make(
            QCoreApplication.translate("Actions", "Add from &Clipboard"),
            QKeySequence.StandardKey.Paste,
            ("edit-paste",),
            QCoreApplication.translate("Actions", "Track the product page whose address is in the clipboard"),
        )
        self.add_many = make(
            QCoreApplication.translate("Actions", "Add &Many…"),
            "Ctrl+Shift+N",
            ("list-add",),
            QCoreApplication.translate("Actions", "Track many product pages at once: paste their addresses"),
        )
        self.edit = make(
            QCoreApplication.translate("Actions", "&Edit Product…"),
            "F2",
            ("document-edit", "document-properties"),
            QCoreApplication.translate("Actions", "Change the target price, selector and alert rules"),
        )
        self.delete = make(
            QCoreApplication.translate("Actions", "&Remove Product…"),
            QKeySequence.StandardKey.Delete,
            ("edit-delete", "list-remove"),
            QCoreApplication.translate("Actions", "Stop tracking the selected products"),
        )
        self.details = make(
            QCoreApplication.translate("Actions", "Price &History…"),
            "Ctrl+I",
            ("view-statistics", "office-chart-line"),
            QCoreApplication.translate("Actions", "Show the price history of the selected product"),
        )
        self.check = make(
            QCoreApplication.translate("Actions", "&Check Now"),
            "Ctrl+R",
            ("view-refresh",),
            QCoreApplication.translate("Actions", "Check the selected products now"),
        )
        self.check_all = make(
            QCoreApplication.translate("Actions", "Check &All Now"),
            "Ctrl+Shift+R",
            ("view-refresh",),
            QCoreApplication.translate("Actions", "Check every product now"),
        )
        self.open_browser = make(
            QCoreApplication.translate("Actions", "&Open in Browser"),
            "Ctrl+B",
            ("internet-web-browser", "applications-internet"),
            QCoreApplication.translate("Actions", "Open the product page in the web browser"),
        )
        # F5 only: the platform's Refresh binding may include Ctrl+R, which is Check Now here
        self.reload = make(
            QCoreApplication.translate("Actions", "&Reload"),
            "F5",
            ("view-refresh",),
            QCoreApplication.translate(
                "Actions", "Read products, tasks and notifications again from the database"
            ),
        )
        self.find = make(
            QCoreApplication.translate("Actions", "&Find"),
            QKeySequence.StandardKey.Find,
            ("edit-find",),
            QCoreApplication.translate("Actions", "Search the products"),
        )
        self.import_ = make(
            QCoreApplication.translate("Actions", "&Import…"),
            "Ctrl+Shift+I",
            ("document-import", "document-open"),
            QCoreApplication.translate("Actions", "Import products and history from a JSON or CSV export"),
        )
        self.export = make(
            QCoreApplication.translate("Actions", "&Export…"),
            "Ctrl+Shift+E",
            ("document-export", "document-save-as"),
            QCoreApplication.translate("Actions", "Export products and history to JSON or CSV"),
        )
        self.settings = make(
            QCoreApplication.translate("Actions", "&Settings…"),
            QKeySequence.StandardKey.Preferences,
            ("preferences-system",),
            QCoreApplication.translate("Actions", "Checks, notifications, API and more"),
        )
        if self.settings.shortcut().isEmpty():
            self.settings.setShortcut(QKeySequence("Ctrl+,"))
        self.pause = make(
            QCoreApplication.translate("Actions", "&Pause Scheduled Checks"),
            None,
            ("media-playback-pause",),
            QCoreApplication.translate("Actions", "Stop the hourly checks until resumed"),
        )
        self.pause.setCheckable(True)
        self.show_tasks = make(
            QCoreApplication.translate("Actions", "&Tasks"),
            "Ctrl+T",
            ("view-list-details",),
            QCoreApplication.translate("Actions", "Show or hide the live task table"),
        )
        self.quit = make(
            QCoreApplication.translate("Actions", "&Quit"),
            QKeySequence.StandardKey.Quit,
            ("application-exit",),
            QCoreApplication.translate("Actions", "Quit PriceWatch"),
        )
        self.about = make(QCoreApplication.translate("Actions", "&About PriceWatch"), None, ("help-about",))
        self.show_window = QAction(QCoreApplication.translate("Actions", "&Show PriceWatch"), parent)
        self.add_shop = make(
            QCoreApplication.translate("Actions", "Add Another &Shop…"),
            None,
            ("list-add",),
            QCoreApplication.translate(
                "Actions", "Track the same item in another shop as part of this product"
            ),
        )
        self.merge = make(
            QCoreApplication.translate("Actions", "&Merge With…"),
            None,
            (),
            QCoreApplication.translate("Actions", "Make this product and another one product"),
        )
        self.split = make(
            QCoreApplication.translate("Actions", "S&plit From Product"),
            None,
            (),
            QCoreApplication.translate("Actions", "Make this shop's listing a product of its own again"),
        )
        for action in (self.edit, self.delete, self.details, self.check, self.open_browser, self.add_shop,
                       self.merge, self.split):  # fmt: skip
            action.setEnabled(False)  # until a product is selected
