"""The application icon, from the files the package ships (:mod:`pricewatch.resources`)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from pricewatch import resources


def app_icon() -> QIcon:
    icon = QIcon()
    for name in (resources.ICON_SVG, resources.ICON_PNG):
        icon.addFile(str(resources.path(name)))
    return icon if not icon.isNull() else QIcon.fromTheme("emblem-money")
