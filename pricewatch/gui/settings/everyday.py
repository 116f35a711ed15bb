"""Everyday settings that need more than one field editor: quiet hours behind a switch, and the alert
rules new products get as check boxes."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from pricewatch.config import DEFAULT_RULE_KINDS

RULE_TEXT = {
    "any_drop": "The price drops",
    "price_increase": "The price rises",
    "back_in_stock": "It is back in stock",
    "out_of_stock": "It runs out of stock",
    "lowest_in_days": "It is the lowest price in 30 days",
}
QUIET_DEFAULTS = ("22:00", "07:00")


class QuietHours(QWidget):
    """A switch that turns quiet hours on, and the two times (usable only while it is on).

    Off stores no times (no quiet hours); typing a time turns the switch on.
    """

    def __init__(self, start: QLineEdit, end: QLineEdit, parent: QWidget) -> None:
        super().__init__(parent)
        self.start, self.end = start, end
        self.switch = QCheckBox("Hold notifications back during quiet hours", self)
        self.switch.setObjectName("quietHoursSwitch")
        self.switch.setChecked(bool(start.text().strip() or end.text().strip()))
        times = QHBoxLayout()
        times.setContentsMargins(24, 0, 0, 0)
        times.addWidget(QLabel("from", self))
        times.addWidget(start)
        times.addWidget(QLabel("until", self))
        times.addWidget(end)
        times.addStretch(1)
        for editor in (start, end):
            editor.setMaximumWidth(80)
            editor.textEdited.connect(self._typed)
            editor.textChanged.connect(self._typed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.switch)
        layout.addLayout(times)
        self.switch.toggled.connect(self._switched)
        self._switched(self.switch.isChecked())

    @Slot(bool)
    def _switched(self, on: bool) -> None:
        for editor, default in zip((self.start, self.end), QUIET_DEFAULTS, strict=True):
            editor.setEnabled(on)
            if on and not editor.text().strip():
                editor.setText(default)

    @Slot(str)
    def _typed(self, text: str) -> None:
        if text.strip() and not self.switch.isChecked():
            self.switch.setChecked(True)

    def times(self) -> tuple[str, str]:
        """(start, end) as saved: empty while the switch is off."""
        if not self.switch.isChecked():
            return ("", "")
        return (self.start.text().strip(), self.end.text().strip())


class RuleChoice(QWidget):
    """The alert rules new products get, as check boxes (the editor of notify.default_rules)."""

    def __init__(self, chosen: list[str], parent: QWidget) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(QLabel("Tell me when", self))
        self.boxes: dict[str, QCheckBox] = {}
        for kind in DEFAULT_RULE_KINDS:
            box = QCheckBox(RULE_TEXT.get(kind, kind), self)
            box.setObjectName(f"rule.{kind}")
            box.setChecked(kind in chosen)
            layout.addWidget(box)
            self.boxes[kind] = box

    def settings_value(self) -> list[str]:
        return [kind for kind, box in self.boxes.items() if box.isChecked()]
