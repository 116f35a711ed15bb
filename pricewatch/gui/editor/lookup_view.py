"""What a look-up found: title, price, availability, and the offers to pick from when there are several."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pricewatch.gui.editor.candidates import CandidateList
from pricewatch.gui.editor.wording import (
    availability_text,
    fetcher_text,
    method_text,
    no_price_text,
    selector_outcome,
)
from pricewatch.gui.tasks.rolled_up import returned_value
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Product

OfferKeyRole = Qt.ItemDataRole.UserRole + 1


def _money(value: Any, currency: str | None) -> str:
    try:
        return fmt.money(Decimal(str(value)), currency) if value is not None else fmt.DASH
    except InvalidOperation:
        return fmt.DASH


def variant_text(product: Product) -> str:
    """The tracked variant ("EU 42 / Black"), its identifier when the name is not known, or ""."""
    if not product.offer_key:
        return ""
    if product.offer_name:
        return fmt.clean_text(product.offer_name, 120)
    return fmt.clean_text(product.offer_key.removeprefix("sku:"), 120) if product.offer_key else ""


class LookupView(QStackedWidget):
    """Pages: idle hint, busy, found (with offers, or the candidates of an unsure price), failed.

    Signals:
        offer_changed(str): the key of the offer the user picked ("" for the page's main price).
        stop_requested(): the user pressed "Stop look-up" on the busy page.
        candidate_picked(str, str): the selector and price of the candidate the user picked.
    """

    offer_changed = Signal(str)
    stop_requested = Signal()
    candidate_picked = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = QLabel(self.tr("Enter a product page's address and press <b>Look up</b>."), self)
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)
        busy = QWidget(self)
        self.busy_label = QLabel(self.tr("Looking up the page…"), busy)
        bar = QProgressBar(busy)
        bar.setRange(0, 0)
        bar.setTextVisible(False)
        self.busy_label.setWordWrap(True)
        self.busy_label.setTextFormat(Qt.TextFormat.PlainText)
        self.stop_button = QPushButton(self.tr("&Stop look-up"), busy)
        self.stop_button.setObjectName("stopLookup")
        self.stop_button.setAutoDefault(False)  # Return in a field still means Save/Look up, not Stop
        self.stop_button.clicked.connect(self.stop_requested)
        busy_layout = QVBoxLayout(busy)
        busy_layout.addWidget(self.busy_label)
        busy_layout.addWidget(bar)
        busy_layout.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignLeft)
        busy_layout.addStretch(1)
        self.busy = busy

        found = QWidget(self)
        self.title = QLabel(found)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.price = QLabel(found)
        self.availability = QLabel(found)
        self.method = QLabel(found)
        self.method.setEnabled(False)
        self.method.setWordWrap(True)
        self.variant = QLabel(found)
        self.variant.setObjectName("trackedVariant")
        self.variant.setTextFormat(Qt.TextFormat.PlainText)
        self.variant.setWordWrap(True)
        # Below the form, not a spanning form row: a wrapping label in a form row gets the height of one
        # line and its second line is drawn over the row above.
        self.selector_note = QLabel(found)
        self.selector_note.setObjectName("selectorNote")
        self.selector_note.setWordWrap(True)
        self.selector_note.setTextFormat(Qt.TextFormat.PlainText)
        self.candidates = CandidateList(found)
        self.candidates.hide()
        self.candidates.picked.connect(self._candidate_picked)
        self.offers_label = QLabel(self.tr("This page offers several prices; pick the one to track:"), found)
        self.offers = QListWidget(found)
        self.offers.setObjectName("offersList")
        self.offers.currentItemChanged.connect(self._offer_picked)
        form = QFormLayout()
        form.addRow(self.tr("Price"), self.price)
        form.addRow(self.tr("Availability"), self.availability)
        form.addRow(self.tr("Found by"), self.method)
        form.addRow(self.tr("Tracking"), self.variant)
        self.form = form
        found_layout = QVBoxLayout(found)
        found_layout.setContentsMargins(0, 0, 0, 0)
        found_layout.addWidget(self.title)
        found_layout.addLayout(form)
        found_layout.addWidget(self.selector_note)
        found_layout.addWidget(self.candidates, 1)
        found_layout.addWidget(self.offers_label)
        found_layout.addWidget(self.offers, 1)
        self.found = found

        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        for page in (self.hint, self.busy, self.found, self.error):
            self.addWidget(page)
        self.result: dict[str, Any] | None = None

    def show_busy(self, text: str = "") -> None:
        self.busy_label.setText(text or self.tr("Looking up the page…"))
        self.setCurrentWidget(self.busy)

    def show_error(self, text: str) -> None:
        self.result = None
        self.error.setText(fmt.clean_text(text, 600))
        self.setCurrentWidget(self.error)

    def show_result(self, result: dict[str, Any], offer_key: str | None = None) -> None:
        """Show a look-up task's result (its own value, or the engine's roll-up of it)."""
        result = returned_value(result)
        self.result = result
        currency = result.get("currency")
        self.title.setText(fmt.clean_text(result.get("title"), 200) or self.tr("(No title found)"))
        price = result.get("price")
        found = _money(price, currency) if price is not None else no_price_text(result.get("reason"))
        self.price.setText(found)
        self.availability.setText(availability_text(result.get("availability")))
        method = (result.get("methods") or {}).get("price")
        self.method.setText(fetcher_text(method_text(method) if method else fmt.DASH, result.get("fetcher")))
        self.form.setRowVisible(self.variant, False)
        self.selector_note.hide()
        self.candidates.show_candidates(result)
        offers = [o for o in result.get("offers") or [] if o.get("price") is not None]
        self.offers.blockSignals(True)
        self.offers.clear()
        several = len(offers) > 1
        if several:
            for offer in offers:
                name = fmt.clean_text(offer.get("name") or offer.get("sku") or self.tr("Offer"), 120)
                text = f"{name} — {_money(offer.get('price'), offer.get('currency') or currency)}"
                if offer.get("availability") and offer["availability"] != "Unknown":
                    text += f"  ({availability_text(offer['availability'])})"
                item = QListWidgetItem(text, self.offers)
                item.setData(OfferKeyRole, offer.get("key"))
                if offer.get("key") == offer_key:
                    self.offers.setCurrentItem(item)
            if self.offers.currentItem() is None:
                self.offers.setCurrentRow(0)
        self.offers.blockSignals(False)
        self.offers_label.setVisible(several)
        self.offers.setVisible(several)
        self.setCurrentWidget(self.found)
        self.offer_changed.emit(self.offer_key())

    def show_stored(self, product: Product) -> None:
        """What the last check stored (Edit opens with this: it reads the page only when asked to)."""
        self.result = None
        self.title.setText(fmt.clean_text(product.title, 200) or self.tr("(No title found)"))
        self.price.setText(_money(product.price, product.currency))
        self.availability.setText(availability_text(product.availability))
        checked = fmt.local_time(product.last_checked_at) if product.last_checked_at else None
        self.method.setText(
            self.tr("the check at {time}").format(time=checked) if checked else self.tr("not checked yet")
        )
        self.variant.setText(variant_text(product))
        self.form.setRowVisible(self.variant, bool(product.offer_key))
        self.selector_note.hide()
        self.candidates.hide()
        self.offers.clear()
        self.offers_label.hide()
        self.offers.hide()
        self.setCurrentWidget(self.found)

    def offer_name(self) -> str:
        """The picked offer's name as the page gives it ("" for the page's main price)."""
        key = self.offer_key()
        for offer in (self.result or {}).get("offers") or []:
            if key and offer.get("key") == key:
                return fmt.clean_text(offer.get("name") or offer.get("sku"), 120)
        return ""

    def _candidate_picked(self, selector: str, price: str) -> None:
        currency = (self.result or {}).get("currency")
        self.price.setText(_money(price or None, currency))
        self.candidate_picked.emit(selector, price)

    def show_selector_outcome(self, selector: str) -> None:
        """Under a result looked up with the user's selector: did it find the price, or what did?"""
        self.selector_note.setText(selector_outcome(selector, self.result or {}))
        self.selector_note.show()

    def offer_key(self) -> str:
        item = self.offers.currentItem()
        if item is None or not self.offers.isVisibleTo(self.found):
            return ""
        return str(item.data(OfferKeyRole) or "")

    def pick_offer(self, key: str) -> bool:
        for row in range(self.offers.count()):
            if self.offers.item(row).data(OfferKeyRole) == key:
                self.offers.setCurrentRow(row)
                return True
        return False

    def _offer_picked(self) -> None:
        key = self.offer_key()
        result = self.result or {}
        for offer in result.get("offers") or []:
            if key and offer.get("key") == key:
                self.price.setText(
                    _money(offer.get("price"), offer.get("currency") or result.get("currency"))
                )
        self.offer_changed.emit(key)
