"""The system tray icon: its menu, close-to-tray, and tray messages for the notifier."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.resources import app_icon

MESSAGE_MS = 8000


class TrayIcon(QObject):
    """Owns the QSystemTrayIcon; ``notify`` may be called from any thread (it is the notifier's tray channel).

    Signals:
        message_requested(str, str): title and text (emitted on any thread, handled on the GUI thread).
        fallback_message(str): the text when there is no tray (the window shows it in its status bar).
        warning(str): a problem the user must see (emitted on the GUI thread; the window's status bar shows
            it as well, since the tray balloon may go unnoticed).
    """

    message_requested = Signal(str, str)
    fallback_message = Signal(str)
    warning = Signal(str)
    _warning_requested = Signal(str)

    def __init__(self, window: QMainWindow, check_all: QAction, pause: QAction, quit_action: QAction) -> None:
        super().__init__(window)
        self.window = window
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setToolTip("PriceWatch")
        self.menu = QMenu(window)
        self.toggle_action = QAction(self.tr("&Hide PriceWatch"), self)
        self.toggle_action.triggered.connect(self.toggle_window)
        self.menu.addAction(self.toggle_action)
        self.menu.addSeparator()
        self.menu.addActions([check_all, pause])
        self.menu.addSeparator()
        self.menu.addAction(quit_action)
        self.menu.aboutToShow.connect(self._update_toggle)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.message_requested.connect(self._show_message)
        self._warning_requested.connect(self._show_warning)
        if self.available:
            self.icon.show()

    def notify(self, title: str, message: str) -> None:
        """The notifier's tray channel (called on worker threads): hand over to the GUI thread."""
        self.message_requested.emit(fmt.clean_text(title, 120), fmt.clean_text(message, 400))

    @Slot(str, str)
    def _show_message(self, title: str, message: str) -> None:
        if self.available and self.icon.isVisible():
            self.icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)
        else:
            self.fallback_message.emit(f"{title}: {message}")

    def warn(self, message: str) -> None:
        """A warning from any thread (a scheduled run that could not start): tray balloon and status bar."""
        self._warning_requested.emit(fmt.clean_text(message, 400))

    @Slot(str)
    def _show_warning(self, message: str) -> None:
        if self.available and self.icon.isVisible():
            self.icon.showMessage("PriceWatch", message, QSystemTrayIcon.MessageIcon.Warning, MESSAGE_MS)
        self.warning.emit(message)

    @Slot()
    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.show_window()

    def show_window(self) -> None:
        # Keep the state it was hidden in (maximised stays maximised); only un-minimise. showNormal() would
        # also un-maximise it.
        self.window.setWindowState(self.window.windowState() & ~Qt.WindowState.WindowMinimized)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    @Slot()
    def _update_toggle(self) -> None:
        shown = self.window.isVisible() and not self.window.isMinimized()
        self.toggle_action.setText(self.tr("&Hide PriceWatch") if shown else self.tr("&Show PriceWatch"))

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.toggle_window()

    def hide(self) -> None:
        self.icon.hide()
