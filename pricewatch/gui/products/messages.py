"""The message boxes about removing products: the confirmation, and "removed elsewhere". Both non-modal."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Product


def confirm_remove(parent: QWidget, products: list[Product]) -> tuple[QMessageBox, QAbstractButton]:
    """The question (not yet open) and its Remove button; Cancel is the default."""
    if len(products) == 1:
        name = fmt.clean_text(products[0].title, 120) or products[0].url[:120]
        text = QCoreApplication.translate(
            "ProductMessages", "Stop tracking “{name}”?\n\nIts price history is deleted too."
        ).format(name=name)
    else:
        text = QCoreApplication.translate(
            "ProductMessages", "Stop tracking {count} products?\n\nTheir price history is deleted too."
        ).format(count=len(products))
    title = QCoreApplication.translate("ProductMessages", "Remove products")
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirmRemove")
    box.setTextFormat(Qt.TextFormat.PlainText)  # the scraped title, shown literally
    remove = box.addButton(
        QCoreApplication.translate("ProductMessages", "Remove"), QMessageBox.ButtonRole.DestructiveRole
    )
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box, remove


def removed_elsewhere(parent: QWidget, count: int) -> QMessageBox:
    """Shown (deleted on close) when the user acts on a product that was removed from elsewhere."""
    if count == 1:
        text = QCoreApplication.translate(
            "ProductMessages",
            "This product was removed from PriceWatch elsewhere (the command line, the API or another "
            "window), so there is nothing to check.",
        )
    else:
        text = QCoreApplication.translate(
            "ProductMessages",
            "{count} of these products were removed from PriceWatch elsewhere (the command line, the API "
            "or another window), so there is nothing to check.",
        ).format(count=count)
    title = QCoreApplication.translate("ProductMessages", "Product removed")
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("productGone")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
