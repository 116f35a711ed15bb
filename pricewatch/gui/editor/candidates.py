"""When the extraction is unsure: the prices the page shows, with their context, for the user to pick from.

The pick is remembered as the product's CSS selector (the candidate's own), so later checks read that element.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from pricewatch.gui.editor.wording import method_text
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.translation import QT_TRANSLATE_NOOP

SelectorRole = Qt.ItemDataRole.UserRole + 1
PriceRole = Qt.ItemDataRole.UserRole + 2
MAX_SHOWN = 8
_ROLE_TEXT = {
    "list": QT_TRANSLATE_NOOP("Candidates", "crossed out or list price"),
    "other": QT_TRANSLATE_NOOP("Candidates", "near the product, not in its buy box"),
}


def candidate_text(candidate: dict[str, Any], currency: str | None) -> str:
    """ "€12.90 — “Cushion 12,90 €” (the price shown on the page)" for one candidate."""
    try:
        amount = fmt.money(Decimal(str(candidate.get("price"))), candidate.get("currency") or currency)
    except InvalidOperation:
        amount = fmt.DASH
    context = fmt.clean_text(candidate.get("context") or candidate.get("text"), 100)
    where = method_text(candidate.get("source"))
    role_key = str(candidate.get("role"))
    role = QCoreApplication.translate("Candidates", _ROLE_TEXT[role_key]) if role_key in _ROLE_TEXT else None
    text = f"{amount} — “{context}”" if context else amount
    return f"{text}  ({where}{'; ' + role if role else ''})"


class CandidateList(QWidget):
    """The unsure extraction's candidates; the chosen one selected at first.

    Signals:
        picked(str, str): the selector of the picked candidate ("" when it has none) and its price.
    """

    picked = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(
            self.tr(
                "PriceWatch is not sure which of these is the product's price. Pick the one to track; "
                "PriceWatch remembers where it is on the page."
            ),
            self,
        )
        self.label.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("candidatesList")
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.list, 1)

    def show_candidates(self, result: dict[str, Any]) -> bool:
        """Fill the list from an unsure result; returns whether there is anything to pick from."""
        self.list.clear()
        candidates = [c for c in result.get("candidates") or [] if isinstance(c, dict)]
        if not result.get("unsure") or len(candidates) < 2:
            self.hide()
            return False
        for candidate in candidates[:MAX_SHOWN]:
            item = QListWidgetItem(candidate_text(candidate, result.get("currency")), self.list)
            item.setData(SelectorRole, candidate.get("selector") or "")
            item.setData(PriceRole, str(candidate.get("price") or ""))
            item.setToolTip(fmt.plain_tooltip(fmt.clean_text(candidate.get("selector"), 300)) or "")
            if candidate.get("chosen"):
                self.list.setCurrentItem(item)
        self.show()
        return True

    def pick(self, row: int) -> None:
        """Pick the candidate in ``row`` (as a click does)."""
        item = self.list.item(row)
        if item is not None:
            self.list.setCurrentItem(item)
            self._clicked(item)

    @Slot(QListWidgetItem)
    def _clicked(self, item: QListWidgetItem) -> None:
        self.picked.emit(str(item.data(SelectorRole) or ""), str(item.data(PriceRole) or ""))
