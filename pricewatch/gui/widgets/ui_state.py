"""Window geometry and table layouts, kept in an INI file beside the settings (PRICEWATCH_HOME isolates)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QHeaderView, QMainWindow


class UiState:
    """Saves and restores Qt's opaque state blobs (geometry, dock layout, header sections)."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / "gui-state.ini"
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)

    def restore_window(self, window: QMainWindow) -> bool:
        geometry = self._settings.value("window/geometry")
        state = self._settings.value("window/state")
        restored = isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            window.restoreState(state)
        return bool(restored)

    def save_window(self, window: QMainWindow) -> None:
        self._settings.setValue("window/geometry", window.saveGeometry())
        self._settings.setValue("window/state", window.saveState())

    def restore_header(self, name: str, header: QHeaderView) -> None:
        state = self._settings.value(f"headers/{name}")
        if isinstance(state, QByteArray):
            header.restoreState(state)

    def save_header(self, name: str, header: QHeaderView) -> None:
        self._settings.setValue(f"headers/{name}", header.saveState())

    def value(self, key: str, default: object = None) -> object:
        return self._settings.value(key, default)

    def set_value(self, key: str, value: object) -> None:
        self._settings.setValue(key, value)

    def sync(self) -> None:
        self._settings.sync()
