"""The editor's choice fields: how often to check and how to read the page (fetch mode)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QWidget

from pricewatch.translation import QT_TRANSLATE_NOOP

INTERVALS = (
    (15, QT_TRANSLATE_NOOP("EditorFields", "Every 15 minutes")),
    (30, QT_TRANSLATE_NOOP("EditorFields", "Every 30 minutes")),
    (60, QT_TRANSLATE_NOOP("EditorFields", "Every hour")),
    (120, QT_TRANSLATE_NOOP("EditorFields", "Every 2 hours")),
    (240, QT_TRANSLATE_NOOP("EditorFields", "Every 4 hours")),
    (360, QT_TRANSLATE_NOOP("EditorFields", "Every 6 hours")),
    (720, QT_TRANSLATE_NOOP("EditorFields", "Every 12 hours")),
    (1440, QT_TRANSLATE_NOOP("EditorFields", "Once a day")),
    (10080, QT_TRANSLATE_NOOP("EditorFields", "Once a week")),
)
FETCH_MODES = (
    (
        "auto",
        QT_TRANSLATE_NOOP("EditorFields", "Automatic (the PriceWatch browser only when the page needs it)"),
    ),
    (
        "plain",
        QT_TRANSLATE_NOOP("EditorFields", "Without a browser (fast; pages that need scripts show no price)"),
    ),
    (
        "browser",
        QT_TRANSLATE_NOOP(
            "EditorFields", "Always in the PriceWatch browser (for pages that need scripts or a login)"
        ),
    ),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("EditorFields", text)


def interval_text(minutes: int) -> str:
    for value, text in INTERVALS:
        if value == minutes:
            return _tr(text)
    if minutes % 60 == 0:
        return QCoreApplication.translate("EditorFields", "Every {hours} hours").format(hours=minutes // 60)
    return QCoreApplication.translate("EditorFields", "Every {minutes} minutes").format(minutes=minutes)


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
        combo.addItem(_tr(text), value)
    combo.setCurrentIndex(max(0, combo.findData(mode)))
    return combo
