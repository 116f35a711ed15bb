"""The product window's verdict: is the current price a deal, is the page's discount real, and the prices
behind that; with the price per kg, L or piece when the quantity is known."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from pricewatch.deals import Deal
from pricewatch.gui.widgets import deal_text
from pricewatch.units import UnitPrice


class DealPanel(QFrame):
    """A badge with its reason; "Show the prices behind it" opens the rank and the window looked at."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dealPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.badge = QLabel(self)
        self.badge.setObjectName("dealBadge")
        font = self.badge.font()
        font.setBold(True)
        self.badge.setFont(font)
        self.reason = QLabel(self)
        self.reason.setObjectName("dealReason")
        self.reason.setTextFormat(Qt.TextFormat.PlainText)
        self.reason.setWordWrap(True)
        self.unit = QLabel(self)
        self.unit.setObjectName("unitPrice")
        self.unit.setTextFormat(Qt.TextFormat.PlainText)
        self.more = QToolButton(self)
        self.more.setText(self.tr("Show the prices behind it"))
        self.more.setCheckable(True)
        self.more.toggled.connect(self._toggle)
        self.details = QLabel(self)
        self.details.setObjectName("dealEvidence")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.hide()
        top = QHBoxLayout()
        top.addWidget(self.badge)
        top.addWidget(self.reason, 1)
        top.addWidget(self.unit)
        top.addWidget(self.more)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.details)
        self.deal: Deal | None = None

    def show_deal(self, deal: Deal, unit: UnitPrice | None, currency: str | None) -> None:
        self.deal = deal
        text = deal_text.badge(deal)
        colour = deal_text.colour(deal)
        self.badge.setText(text)
        self.badge.setVisible(bool(text))  # a usual price: the reason alone says so
        self.badge.setStyleSheet(f"color: {colour.name()}" if colour is not None else "")
        self.reason.setText(deal_text.reason(deal, currency))
        lines = deal_text.evidence(deal, currency)
        self.details.setText("\n".join(lines))
        self.more.setVisible(bool(lines))
        self.unit.setText("" if unit is None else deal_text.unit_text(unit, currency))

    @Slot(bool)
    def _toggle(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.more.setText(self.tr("Hide the prices") if shown else self.tr("Show the prices behind it"))
