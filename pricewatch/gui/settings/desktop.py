"""The settings' desktop switches: PriceWatch in the applications menu, and started (in the tray) at login.

They show what is on disk (the desktop entries, :mod:`pricewatch.desktop.entries`), not a setting: an entry
written by ``pricewatch install-desktop`` shows as on, and a removed one as off.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QWidget

from pricewatch.desktop import entries

SUPPORTED = not sys.platform.startswith(("win32", "darwin"))  # freedesktop.org desktops


class DesktopSwitches:
    def __init__(self, form: QFormLayout, page: QWidget) -> None:
        form.addRow(QLabel("<b>" + QCoreApplication.translate("DesktopSwitches", "Desktop") + "</b>", page))
        self.menu = QCheckBox(
            QCoreApplication.translate("DesktopSwitches", "Add PriceWatch to the applications menu"), page
        )
        self.menu.setObjectName("desktop.menu")
        self.autostart = QCheckBox(
            QCoreApplication.translate("DesktopSwitches", "Start PriceWatch at login (in the tray)"), page
        )
        self.autostart.setObjectName("desktop.autostart")
        self.menu.setChecked(entries.menu_entry_installed())
        self.autostart.setChecked(entries.autostart_enabled())
        for box in (self.menu, self.autostart):
            box.setEnabled(SUPPORTED)
            form.addRow("", box)

    def apply(self) -> str | None:
        """Write or remove the entries the switches changed; a problem as text (None: all done)."""
        try:
            if self.menu.isChecked() != entries.menu_entry_installed():
                if self.menu.isChecked():
                    entries.install_menu_entry()
                else:
                    entries.remove_menu_entry()
            if self.autostart.isChecked() != entries.autostart_enabled():
                entries.set_autostart(self.autostart.isChecked())
        except OSError as exc:
            return QCoreApplication.translate(
                "DesktopSwitches", "The desktop entry could not be written: {error}"
            ).format(error=exc.strerror or exc)
        return None
