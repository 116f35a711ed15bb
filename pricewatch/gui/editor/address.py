"""The address field: a product address picked out of pasted text, and typed addresses without a scheme."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLineEdit, QWidget

from pricewatch.urls import assume_https, find_url


def address_in(text: str) -> str:
    """The product address in pasted text ("Check this: https://shop.example/p great deal"), else the text's
    first word (a bare "shop.example/p"), else ""."""
    found = find_url(text or "")
    if found:
        return found
    words = (text or "").split()
    return words[0] if words else ""


def http_fallback(typed: str) -> str | None:
    """For an address typed without a scheme, the http:// form to try when https:// fails; else None."""
    secure = assume_https(typed)
    if secure == typed:
        return None
    return "http://" + secure.removeprefix("https://")


class AddressEdit(QLineEdit):
    """A line edit that keeps only the address when a sentence holding one is pasted or dropped into it."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setPlaceholderText(
            self.tr("https://shop.example/product-page (or paste a message that holds it)")
        )
        self.textEdited.connect(self._edited)

    @Slot(str)
    def _edited(self, text: str) -> None:
        # Only a sentence (words around the address): while an address is typed, "https://shop.example:"
        # must keep its colon, which find_url would take for punctuation.
        if len(text.strip().split()) < 2:
            return
        found = find_url(text)
        if found:
            self.setText(found)
