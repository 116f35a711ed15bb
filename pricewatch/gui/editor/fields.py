"""The editor's choice fields: how often to check and how to read the page (fetch mode)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

INTERVALS = (
    (15, "Every 15 minutes"), (30, "Every 30 minutes"), (60, "Every hour"), (120, "Every 2 hours"),
    (240, "Every 4 hours"), (360, "Every 6 hours"), (720, "Every 12 hours"), (1440, "Once a day"),
    (10080, "Once a week"),
)  # fmt: skip
FETCH_MODES = (
    ("auto", "Automatic (the PriceWatch browser only when the page needs it)"),
    ("plain", "Without a browser (fast; pages that need scripts show no price)"),
    ("browser", "Always in the PriceWatch browser (for pages that need scripts or a login)"),
)


def interval_text(minutes: int) -> str:
    for value, text in INTERVALS:
        if value == minutes:
            return text
    if minutes % 60 == 0:
        return f"Every {minutes // 60} hours"
    return f"Every {minutes} minutes"


def interval_combo(minutes: int, parent: QWidget | None = None) -> QComboBox:
    """How often to check; a value set elsewhere (the CLI, the API) is offered as it is."""
    combo = QComboBox(parent)
    combo.setObjectName("checkInterval")
    values = [value for value, _text in INTERVALS]
    if minutes not in values:
        values = sorted([*values, minutes])
    for value in values:
        combo.addItem(interval_text(value), value)
    combo.setCurrentIndex(combo.findData(minutes))
    return combo


def fetch_mode_combo(mode: str, parent: QWidget | None = None) -> QComboBox:
    combo = QComboBox(parent)
    combo.setObjectName("fetchMode")
    for value, text in FETCH_MODES:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(mode)))
    return combo
