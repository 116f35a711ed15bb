"""Icons and other files shipped in the repository's ``resources/`` folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

RESOURCES = Path(__file__).resolve().parents[3] / "resources"


def app_icon() -> QIcon:
    icon = QIcon()
    for name in ("pricewatch.svg", "pricewatch.png"):
        path = RESOURCES / name
        if path.exists():
            icon.addFile(str(path))
    return icon if not icon.isNull() else QIcon.fromTheme("emblem-money")
