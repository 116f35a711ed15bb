"""Restoring the window from the tray keeps its state: maximised stays maximised, minimised is shown."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from pricewatch.gui.notifications.tray import TrayIcon


def _window_and_tray(qtbot: QtBot) -> tuple[QMainWindow, TrayIcon]:
    window = QMainWindow()
    qtbot.addWidget(window)
    tray = TrayIcon(window, QAction("Check"), QAction("Pause"), QAction("Quit"))
    return window, tray


def test_a_maximised_window_comes_back_maximised(qtbot: QtBot) -> None:
    window, tray = _window_and_tray(qtbot)
    window.showMaximized()
    qtbot.waitExposed(window)
    tray.toggle_window()  # the tray click that hides it
    assert not window.isVisible()
    tray.toggle_window()  # and the one that brings it back
    qtbot.waitExposed(window)
    assert window.isMaximized()


def test_a_minimised_window_is_shown_again(qtbot: QtBot) -> None:
    window, tray = _window_and_tray(qtbot)
    window.show()
    qtbot.waitExposed(window)
    window.showMinimized()
    tray.toggle_window()
    assert window.isVisible() and not window.isMinimized()
