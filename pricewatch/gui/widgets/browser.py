"""Opening a product page in the desktop's web browser, and saying so when that is not possible."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget


def open_in_browser(parent: QWidget, url: str) -> QMessageBox | None:
    """Ask the desktop to open ``url``; when it cannot (no browser, xdg-open failed) show a message.

    Returns the (non-modal) message box, or None when the desktop took the address.
    """
    if QDesktopServices.openUrl(QUrl(url)):
        return None
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        QCoreApplication.translate("Browser", "Could not open a web browser"),
        QCoreApplication.translate(
            "Browser",
            "PriceWatch could not start a web browser for this page. Copy the address and open it yourself:",
        )
        + f"\n\n{url}",
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the address is untrusted text
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.show()
    return box
