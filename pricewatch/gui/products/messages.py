"""The message boxes about removing products: the confirmation, and "removed elsewhere". Both non-modal."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Product


def confirm_remove(parent: QWidget, products: list[Product]) -> tuple[QMessageBox, QAbstractButton]:
    """The question (not yet open) and its Remove button; Cancel is the default."""
    if len(products) == 1:
        name = fmt.clean_text(products[0].title, 120) or products[0].url[:120]
        text = f"Stop tracking “{name}”?\n\nIts price history is deleted too."
    else:
        text = f"Stop tracking {len(products)} products?\n\nTheir price history is deleted too."
    box = QMessageBox(
        QMessageBox.Icon.Question, "Remove products", text, QMessageBox.StandardButton.Cancel, parent
    )
    box.setObjectName("confirmRemove")
    box.setTextFormat(Qt.TextFormat.PlainText)  # the scraped title, shown literally
    remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box, remove


def removed_elsewhere(parent: QWidget, count: int) -> QMessageBox:
    """Shown (deleted on close) when the user acts on a product that was removed from elsewhere."""
    what = "This product was" if count == 1 else f"{count} of these products were"
    text = (f"{what} removed from PriceWatch elsewhere (the command line, the API or another window), "
            "so there is nothing to check.")  # fmt: skip
    box = QMessageBox(
        QMessageBox.Icon.Information, "Product removed", text, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("productGone")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
