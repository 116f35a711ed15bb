"""Edit Selected…: one change to every selected product (tags, check interval, a rule, pause), applied by
the facade as one operation, all or nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from pricewatch.errors import BadInputError
from pricewatch.models import AlertKind, AlertRule
from pricewatch.organising import MAX_INTERVAL_MINUTES, BulkEdit
from pricewatch.tagging import tag_names

# The rule kinds offered, and which value each needs ("amount", "percent" or none).
_RULES = (
    (AlertKind.TARGET_PRICE, "amount"),
    (AlertKind.DROP_PERCENT, "percent"),
    (AlertKind.DROP_AMOUNT, "amount"),
    (AlertKind.ANY_DROP, None),
    (AlertKind.PRICE_INCREASE, None),
    (AlertKind.BACK_IN_STOCK, None),
    (AlertKind.OUT_OF_STOCK, None),
    (AlertKind.LOWEST_IN_DAYS, "days"),
)


def split_tags(text: str) -> list[str]:
    """Comma-separated names as typed ("gift, kitchen"); empty pieces are skipped."""
    return [part for part in text.split(",") if part.strip()]


class BulkEditDialog(QDialog):
    """The edit for ``count`` products; :attr:`edit` holds it once accepted."""

    def __init__(self, count: int, tags: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkEditDialog")
        self.setWindowTitle(self.tr("Edit Selected Products (%n)", "", count))
        hint = ", ".join(tags[:8]) + (" …" if len(tags) > 8 else "")
        self.add_tags = QLineEdit(self)
        self.add_tags.setPlaceholderText(
            self.tr("tags, separated by commas") + (f"  ({hint})" if hint else "")
        )
        self.remove_tags = QLineEdit(self)
        self.remove_tags.setPlaceholderText(self.tr("tags, separated by commas"))
        self.set_interval = QCheckBox(self.tr("Set to"), self)
        self.interval = QSpinBox(self)
        self.interval.setRange(1, MAX_INTERVAL_MINUTES)
        self.interval.setValue(60)
        self.interval.setSuffix(self.tr(" min"))
        self.interval.setEnabled(False)
        self.set_interval.toggled.connect(self.interval.setEnabled)
        interval_row = QHBoxLayout()
        interval_row.addWidget(self.set_interval)
        interval_row.addWidget(self.interval, 1)
        self.rule = QComboBox(self)
        self.rule.addItem(self.tr("No new rule"), None)
        names = {
            AlertKind.TARGET_PRICE: self.tr("Price at or below…"),
            AlertKind.DROP_PERCENT: self.tr("Drop of at least … %"),
            AlertKind.DROP_AMOUNT: self.tr("Drop of at least … (amount)"),
            AlertKind.ANY_DROP: self.tr("Any price drop"),
            AlertKind.PRICE_INCREASE: self.tr("Any price increase"),
            AlertKind.BACK_IN_STOCK: self.tr("Back in stock"),
            AlertKind.OUT_OF_STOCK: self.tr("Out of stock"),
            AlertKind.LOWEST_IN_DAYS: self.tr("Lowest price of the last … days"),
        }
        for kind, _field in _RULES:
            self.rule.addItem(names[kind], kind)
        self.rule_value = QLineEdit(self)
        self.rule_value.setPlaceholderText(self.tr("value"))
        self.rule_value.setEnabled(False)
        self.rule.currentIndexChanged.connect(self._rule_changed)
        rule_row = QHBoxLayout()
        rule_row.addWidget(self.rule, 1)
        rule_row.addWidget(self.rule_value)
        self.pause = QComboBox(self)
        self.pause.addItem(self.tr("Leave as it is"), None)
        self.pause.addItem(self.tr("Pause checks"), True)
        self.pause.addItem(self.tr("Resume checks"), False)
        self.error = QLabel(self)
        self.error.setObjectName("bulkError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&Add tags:"), self.add_tags)
        form.addRow(self.tr("&Remove tags:"), self.remove_tags)
        form.addRow(self.tr("Check &interval:"), interval_row)
        form.addRow(self.tr("Add a r&ule:"), rule_row)
        form.addRow(self.tr("&Checks:"), self.pause)
        form.addRow(self.error)
        form.addRow(buttons)
        self.edit = BulkEdit()

    def _rule_changed(self) -> None:
        kind = self.rule.currentData()
        self.rule_value.setEnabled(kind is not None and dict(_RULES)[kind] is not None)

    def _new_rule(self) -> AlertRule | None:
        kind = self.rule.currentData()
        if kind is None:
            return None
        field = dict(_RULES)[kind]
        if field is None:
            return AlertRule(0, kind)
        text = self.rule_value.text().strip().replace(",", ".")
        if field == "days":
            if not text.isdigit() or int(text) < 1:
                raise BadInputError(self.tr("The rule needs a number of days, such as 30."))
            return AlertRule(0, kind, window_days=int(text))
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise BadInputError(self.tr("The rule needs a number, such as 10.")) from None
        if not value.is_finite() or value <= 0:
            raise BadInputError(self.tr("The rule needs a number above zero."))
        return AlertRule(0, kind, amount=value) if field == "amount" else AlertRule(0, kind, percent=value)

    def accept(self) -> None:
        """Checked here: a bad tag or value keeps the dialog open with the reason, and nothing changes."""
        try:
            edit = BulkEdit(
                add_tags=tag_names(split_tags(self.add_tags.text())),
                remove_tags=tag_names(split_tags(self.remove_tags.text())),
                check_interval_minutes=self.interval.value() if self.set_interval.isChecked() else None,
                add_rule=self._new_rule(),
                paused=self.pause.currentData(),
            )
            if edit.empty:
                raise BadInputError(self.tr("Choose something to change."))
        except (BadInputError, ValueError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.edit = edit
        super().accept()
