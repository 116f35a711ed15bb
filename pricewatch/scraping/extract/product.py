"""The shape every structured-data reader returns: products with their offers, before one is chosen."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pricewatch.scraping.extract.result import Offer
from pricewatch.scraping.money import MoneyContext, parse_money
from pricewatch.text import clean_line

_MAX_TEXT = 500


@dataclass(slots=True)
class ProductData:
    """A product found in structured data (JSON-LD or microdata)."""

    method: str
    name: str | None = None
    image: str | None = None
    sku: str | None = None
    brand: str | None = None
    url: str | None = None
    offers: list[Offer] = field(default_factory=list)
    nested: bool = False  # found inside another entity (a related product, a list item)
    quantity: str | None = None  # its size or weight as text ("500 g"), see units.quantity_from_structured

    @property
    def priced_offers(self) -> list[Offer]:
        return [offer for offer in self.offers if offer.price is not None]


def clean_text(value: object) -> str | None:
    """A short single-line string from an untrusted value, or None."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | int) and str(v).strip()), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = clean_line(value)  # escape sequences, controls, bidi: the shared cleaner
    return text[:_MAX_TEXT] or None


def clean_name(value: object) -> str | None:
    """Like :func:`clean_text`, for a name read from JSON-LD or a meta tag's content: shops write HTML
    entities there ("Elo&iacute;sa", "&lt;b&gt;") that no HTML parser decodes (script text is raw; an
    attribute is decoded once, so a double-encoded one still carries them). Decoded once, never twice."""
    text = clean_text(value)
    return clean_text(html.unescape(text)) if text and "&" in text else text


def structured_amount(value: object, ctx: MoneyContext) -> Decimal | None:
    """A price from a structured field: a number, "1299.00", or a shop's "1.299,00 TL" written there."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 60:
            return None
        parsed: Decimal | None
        try:
            parsed = Decimal(text) if _plain_decimal(text) else None
        except InvalidOperation:
            parsed = None
        if parsed is None:
            money = parse_money(text, ctx)
            parsed = money.amount if money else None
        if parsed is None:
            return None
        amount = parsed
    else:
        return None
    if not amount.is_finite() or amount < 0 or amount > Decimal("1e12"):
        return None
    return amount


def _plain_decimal(text: str) -> bool:
    """ "1299", "1299.5" and "1299.00" follow schema.org's format; "1.299" (three decimals) is not trusted."""
    head, dot, tail = text.partition(".")
    if not head.isdigit() or (dot and not tail.isdigit()):
        return False
    return not (dot and len(tail) == 3 and head != "0")
