"""Save Filter…: a name and the conditions (tag, shop, below target, in stock, dropped this week, unsure)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from pricewatch.errors import BadInputError
from pricewatch.product_filters import ProductQuery, filter_name


class SaveFilterDialog(QDialog):
    """Asks for a name and conditions; :attr:`result_name` and :attr:`result_query` once accepted."""

    def __init__(
        self, query: ProductQuery | None, tags: list[str], name: str = "", parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Save Filter"))
        self.setObjectName("saveFilterDialog")
        query = query or ProductQuery()
        self.name = QLineEdit(name, self)
        self.name.setPlaceholderText(self.tr("e.g. Kitchen deals"))
        self.tag = QComboBox(self)
        self.tag.setEditable(True)
        self.tag.addItem("")
        self.tag.addItems(tags)
        self.tag.setCurrentText(query.tag or "")
        self.shop = QLineEdit(query.shop or "", self)
        self.shop.setPlaceholderText(self.tr("any shop (or e.g. shop.example)"))
        self.below_target = QCheckBox(self.tr("At or below the target price"), self)
        self.in_stock = QCheckBox(self.tr("In stock"), self)
        self.dropped = QCheckBox(self.tr("Price dropped in the last seven days"), self)
        self.unsure = QCheckBox(self.tr("Newest reading is unsure"), self)
        for box, on in ((self.below_target, query.below_target), (self.in_stock, query.in_stock),
                        (self.dropped, query.dropped_this_week), (self.unsure, query.unsure)):  # fmt: skip
            box.setChecked(on)
        self.error = QLabel(self)
        self.error.setObjectName("filterError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Tag:"), self.tag)
        form.addRow(self.tr("S&hop:"), self.shop)
        for box in (self.below_target, self.in_stock, self.dropped, self.unsure):
            form.addRow("", box)
        form.addRow(self.error)
        form.addRow(buttons)
        self.result_name = ""
        self.result_query = ProductQuery()

    def accept(self) -> None:
        """Checked here, so a bad name or condition keeps the dialog open with the reason shown."""
        doc = {
            "tag": self.tag.currentText().strip() or None,
            "shop": self.shop.text().strip() or None,
            "below_target": self.below_target.isChecked(),
            "in_stock": self.in_stock.isChecked(),
            "dropped_this_week": self.dropped.isChecked(),
            "unsure": self.unsure.isChecked(),
        }
        try:
            name = filter_name(self.name.text())
            query = ProductQuery.from_json(doc)
            if query.empty:
                raise BadInputError(self.tr("Choose at least one condition."))
        except BadInputError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.result_name, self.result_query = name, query
        super().accept()
