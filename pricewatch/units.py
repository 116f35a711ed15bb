"""How much of a thing a listing sells, read from its title or structured data, and its price per unit.

"Cola 6 x 1.5 L" is 9 L, "Kaffee 500 g" 0.5 kg, "pack of 10" 10 pieces; US units become metric (1 oz =
28.349523125 g, 1 fl oz = 29.5735295625 ml, 1 lb = 453.59237 g). A price divided by that is the price per kg,
per L or per piece, which is how two listings of different sizes compare. Storage sizes ("256 GB"), versions
("USB 3.0") and network names ("5G") are not quantities. Pure Python, no Qt; money stays Decimal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

MASS, VOLUME, COUNT = "mass", "volume", "count"

# unit spelling -> (dimension, grams / millilitres / pieces per unit)
_UNITS: dict[str, tuple[str, Decimal]] = {
    "mg": (MASS, Decimal("0.001")),
    "g": (MASS, Decimal(1)),
    "gr": (MASS, Decimal(1)),
    "grams": (MASS, Decimal(1)),
    "gram": (MASS, Decimal(1)),
    "gramm": (MASS, Decimal(1)),
    "kg": (MASS, Decimal(1000)),
    "kilo": (MASS, Decimal(1000)),
    "kilogram": (MASS, Decimal(1000)),
    "oz": (MASS, Decimal("28.349523125")),
    "lb": (MASS, Decimal("453.59237")),
    "lbs": (MASS, Decimal("453.59237")),
    "ml": (VOLUME, Decimal(1)),
    "cl": (VOLUME, Decimal(10)),
    "dl": (VOLUME, Decimal(100)),
    "l": (VOLUME, Decimal(1000)),
    "lt": (VOLUME, Decimal(1000)),
    "ltr": (VOLUME, Decimal(1000)),
    "liter": (VOLUME, Decimal(1000)),
    "litre": (VOLUME, Decimal(1000)),
    "litres": (VOLUME, Decimal(1000)),
    "liters": (VOLUME, Decimal(1000)),
    "fl oz": (VOLUME, Decimal("29.5735295625")),
    "floz": (VOLUME, Decimal("29.5735295625")),
}
# UN/CEFACT common codes schema.org's QuantitativeValue.unitCode uses
_UNIT_CODES = {
    "GRM": "g", "KGM": "kg", "MGM": "mg", "ONZ": "oz", "LBR": "lb",
    "MLT": "ml", "CLT": "cl", "DLT": "dl", "LTR": "l", "OZA": "fl oz", "OZI": "fl oz",
    "H87": "pcs", "C62": "pcs", "EA": "pcs", "PCE": "pcs",
}  # fmt: skip

_NUMBER = r"(\d{1,6}(?:[.,]\d{1,3})?)"
# longest spellings first, so "fl oz" wins over "oz" and "kg" over "g"
_UNIT = (
    "("
    + "|".join(re.escape(u).replace(r"\ ", r"\.?\s?") for u in sorted(_UNITS, key=len, reverse=True))
    + ")"
)
_AFTER = r"(?![\w])"  # "256 GB", "5 lbsx" are not units
_BEFORE = r"(?<![\w.,/])"  # "v3.0", "A1", "€/100 g" are not quantities
_TIMES = r"\s*[xX*]\s*"
_MULTIPACK = re.compile(_BEFORE + r"(\d{1,3})" + _TIMES + _NUMBER + r"\s?" + _UNIT + _AFTER, re.I)
_PACK_AFTER = re.compile(_BEFORE + _NUMBER + r"\s?" + _UNIT + _TIMES + r"(\d{1,3})" + _AFTER, re.I)
_SINGLE = re.compile(_BEFORE + _NUMBER + r"\s?" + _UNIT + _AFTER, re.I)
# a pack of N holds N of the size the title states; N items with a size ("40 tabs 720 g") weigh that together
_PACKS = re.compile(
    r"(?:\bpack\s+of\s+(\d{1,4})\b|"
    + _BEFORE
    + r"(\d{1,4})\s?(?:-|er\s?)?(?:pack|packs|pk|paket)"
    + _AFTER
    + ")",
    re.I,
)
_ITEMS = re.compile(
    _BEFORE + r"(\d{1,4})\s?(?:pcs|pc|pieces|piece|stück|stk|st\.|adet|count|ct|tabs|tablets|capsules|kapseln"
    r"|rolls|rollen|sheets|bags|beutel)(?![\w])",
    re.I,
)
# "per 100 g", "/100 g", "100 g için": the basis of a unit price the page prints, not the listing's size
_PER = re.compile(r"(?:\bper|/|\bje|\bpro)\s*$", re.I)
_TIMES_SIGN = "\N{MULTIPLICATION SIGN}"
_ASCII_FOLD = str.maketrans({_TIMES_SIGN: "x"})


@dataclass(frozen=True, slots=True)
class Quantity:
    """How much one listing holds: ``packs`` of ``each`` (in g, ml or pieces)."""

    dimension: str  # MASS, VOLUME or COUNT
    each: Decimal  # grams, millilitres or pieces in one pack
    packs: int = 1

    @property
    def total(self) -> Decimal:
        """Grams, millilitres or pieces in the listing."""
        return self.each * self.packs

    @property
    def unit(self) -> str:
        """The unit a price is given per: kg, L or piece."""
        return {MASS: "kg", VOLUME: "L", COUNT: "piece"}[self.dimension]

    def text(self) -> str:
        """As a shop would write it, metric: "6 x 1.5 L" (with the times sign), "500 g", "10 pcs"."""
        one = _amount_text(self.dimension, self.each)
        return one if self.packs == 1 else f"{self.packs} {_TIMES_SIGN} {one}"

    def to_json(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "each": _plain(self.each),
            "packs": self.packs,
            "text": self.text(),
        }


@dataclass(frozen=True, slots=True)
class UnitPrice:
    """A price per kg, per L or per piece; ``quantity`` is what it was worked out from."""

    amount: Decimal
    unit: str
    quantity: Quantity

    def to_json(self) -> dict[str, Any]:
        return {"amount": str(self.amount), "unit": self.unit, "quantity": self.quantity.text()}


def unit_price(price: Decimal | None, quantity: Quantity | None) -> UnitPrice | None:
    """``price`` per kg, L or piece of ``quantity`` (4 places: a cheap piece costs a fraction of a cent)."""
    if price is None or quantity is None or quantity.total <= 0:
        return None
    per = Decimal(1000) if quantity.dimension in (MASS, VOLUME) else Decimal(1)
    return UnitPrice(
        (price * per / quantity.total).quantize(Decimal("0.0001"), ROUND_HALF_UP), quantity.unit, quantity
    )


def listing_quantity(quantity: str | None, title: str | None) -> Quantity | None:
    """A listing's quantity: the one stored for it (from the page's structured data or the user), else the
    one its title states."""
    return parse_quantity(quantity) or parse_quantity(title)


def checked_quantity(text: str | None) -> str | None:
    """A quantity the user typed, tidied ("" or None: none); raises ValueError when it names no quantity."""
    cleaned = " ".join(str(text or "").split())[:100]
    if not cleaned:
        return None
    if parse_quantity(cleaned) is None:
        raise ValueError(f"{cleaned!r} is not a quantity (for example 500 g, 1.5 L, 6 x 330 ml, 10 pcs)")
    return cleaned


def comparable(a: UnitPrice | None, b: UnitPrice | None) -> bool:
    """Two unit prices of the same unit (per kg against per kg), so comparing them means something."""
    return a is not None and b is not None and a.unit == b.unit


def parse_quantity(text: str | None) -> Quantity | None:
    """The quantity a title or a size field states ("Cola 6 x 1,5 L", "Kaffee 500g", "pack of 10"), or None.

    A multipack ("6 x 1.5 L", "1.5 L x 6", "330 ml, pack of 6") counts every pack; when a title states
    several sizes the first multipack, else the first size wins.
    """
    if not text:
        return None
    text = text[:500].translate(_ASCII_FOLD)
    for pattern, count_group, number_group, unit_group in ((_MULTIPACK, 1, 2, 3), (_PACK_AFTER, 3, 1, 2)):
        for match in pattern.finditer(text):
            if _is_per(text, match.start()):
                continue
            measure = _measure(match.group(number_group), match.group(unit_group))
            count = int(match.group(count_group))
            if measure is not None and count > 0:
                return Quantity(measure[0], measure[1], count)
    packs = _count(_PACKS, text)
    for match in _SINGLE.finditer(text):
        if _is_per(text, match.start()) or _network_generation(match):
            continue
        measure = _measure(match.group(1), match.group(2))
        if measure is not None and match.group(2).lower() == "mg" and _count(_ITEMS, text):
            break  # "500 mg, 60 tablets": the strength of each tablet; the listing is 60 pieces
        if measure is not None:
            return Quantity(measure[0], measure[1], packs or 1)
    pieces = _count(_ITEMS, text) or packs
    return Quantity(COUNT, Decimal(pieces)) if pieces else None


def quantity_from_structured(value: Any) -> str | None:
    """A schema.org size as text ("500 g") from a QuantitativeValue (value + unitCode/unitText) or a string.

    The text goes through :func:`parse_quantity` like a title; None when it names no known unit."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        number = value.get("value")
        unit = value.get("unitText") or _UNIT_CODES.get(str(value.get("unitCode") or "").upper())
        if number is None or not unit:
            return None
        text = f"{number} {unit}"
    elif isinstance(value, str | int | Decimal) and not isinstance(value, bool):
        text = str(value)
    else:
        return None
    text = " ".join(text.split())[:100]
    return text if parse_quantity(text) is not None else None


def _measure(number: str, unit: str) -> tuple[str, Decimal] | None:
    key = re.sub(r"[.\s]+", " ", unit.lower()).strip()
    key = "fl oz" if key.replace(" ", "") == "floz" else key
    if key not in _UNITS:
        return None
    dimension, factor = _UNITS[key]
    value = _number(number, thousands=factor <= 1)
    if value is None or value <= 0:
        return None
    return dimension, value * factor


def _number(text: str, *, thousands: bool) -> Decimal | None:
    """ "1,5" and "1.5" are 1.5; "1.000 g" is a thousand grams (three digits after the mark, a small unit)."""
    whole, _, fraction = text.replace(",", ".").partition(".")
    if fraction and thousands and len(fraction) == 3:
        text = whole + fraction
    else:
        text = f"{whole}.{fraction}" if fraction else whole
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _count(pattern: re.Pattern[str], text: str) -> int | None:
    for match in pattern.finditer(text):
        value = int(next(g for g in match.groups() if g))
        if value > 0:
            return value
    return None


def _is_per(text: str, start: int) -> bool:
    return bool(_PER.search(text[max(0, start - 6) : start]))


def _network_generation(match: re.Match[str]) -> bool:
    """ "5G", "4G LTE": a phone's network, not five grams (written without a space, capital G)."""
    return match.group(2) == "G" and match.group(1) in ("2", "3", "4", "5", "6") and " " not in match.group(0)


def _amount_text(dimension: str, value: Decimal) -> str:
    if dimension == MASS:
        return f"{_plain(value / 1000)} kg" if value >= 1000 else f"{_plain(value)} g"
    if dimension == VOLUME:
        return f"{_plain(value / 1000)} L" if value >= 1000 else f"{_plain(value)} ml"
    return f"{_plain(value)} pcs"


def _plain(value: Decimal) -> str:
    """Up to two decimals, no exponent, no trailing zeros ("1.5", "28.35", "500")."""
    rounded = value.quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()
    return f"{rounded:f}"
