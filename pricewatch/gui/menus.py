"""The main window's menu bar, toolbar and product context menu, built from its :class:`Actions`."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QToolBar

from pricewatch.gui.actions import Actions


def build_menus(window: QMainWindow, a: Actions, docks: list[QDockWidget]) -> QAction:
    """File, Product, View, Help; returns the tasks dock's toggle action (it carries the Ctrl+T shortcut)."""
    bar = window.menuBar()
    file_menu = bar.addMenu(QCoreApplication.translate("Menus", "&File"))
    file_menu.addActions([a.add, a.add_many, a.paste])
    file_menu.addSeparator()
    file_menu.addActions([a.import_, a.export])
    file_menu.addSeparator()
    file_menu.addAction(a.settings)
    file_menu.addSeparator()
    file_menu.addAction(a.quit)
    product_menu = bar.addMenu(QCoreApplication.translate("Menus", "&Product"))
    # the window adds the organising actions (gui/products/organise)
    product_menu.setObjectName("productMenu")
    product_menu.addActions([a.details, a.edit, a.open_browser])
    product_menu.addSeparator()
    product_menu.addActions([a.add_shop, a.merge, a.split])
    product_menu.addSeparator()
    product_menu.addActions([a.check, a.check_all, a.pause])
    product_menu.addSeparator()
    product_menu.addAction(a.delete)
    view_menu = bar.addMenu(QCoreApplication.translate("Menus", "&View"))
    view_menu.addActions([a.find, a.reload])
    view_menu.addSeparator()
    toggles = [dock.toggleViewAction() for dock in docks]
    # the dock's own toggle action replaces the placeholder, so the menu check mark follows the dock
    toggles[0].setShortcut(a.show_tasks.shortcut())
    window.removeAction(a.show_tasks)
    view_menu.addActions(toggles)
    help_menu = bar.addMenu(QCoreApplication.translate("Menus", "&Help"))
    help_menu.addAction(a.about)
    return toggles[0]


def product_context_menu(window: QMainWindow, a: Actions) -> QMenu:
    menu = QMenu(window)
    menu.addActions([a.details, a.edit, a.open_browser, a.check])
    menu.addSeparator()
    menu.addActions([a.add_shop, a.merge, a.split])
    menu.addSeparator()
    menu.addAction(a.delete)
    return menu


def build_toolbar(window: QMainWindow, a: Actions) -> QToolBar:
    toolbar = QToolBar(QCoreApplication.translate("Menus", "Main toolbar"), window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.addActions([a.add, a.check, a.check_all])
    toolbar.addSeparator()
    toolbar.addActions([a.details, a.edit, a.delete])
    window.addToolBar(toolbar)
    return toolbar
