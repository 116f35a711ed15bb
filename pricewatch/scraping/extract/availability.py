"""Availability from schema.org values and from what the page says in words, in the languages shops use."""

from __future__ import annotations

import re
import unicodedata

from pricewatch.models import Availability

_SCHEMA = {
    "instock": Availability.IN_STOCK,
    "instoreonly": Availability.IN_STOCK,
    "onlineonly": Availability.IN_STOCK,
    "limitedavailability": Availability.IN_STOCK,
    "available": Availability.IN_STOCK,
    "in stock": Availability.IN_STOCK,
    "outofstock": Availability.OUT_OF_STOCK,
    "soldout": Availability.OUT_OF_STOCK,
    "discontinued": Availability.OUT_OF_STOCK,
    "oos": Availability.OUT_OF_STOCK,
    "out of stock": Availability.OUT_OF_STOCK,
    "unavailable": Availability.OUT_OF_STOCK,
    "preorder": Availability.PRE_ORDER,
    "presale": Availability.PRE_ORDER,
    "pre-order": Availability.PRE_ORDER,
    "backorder": Availability.BACK_ORDER,
}

# Phrases a shop shows when the product cannot be bought; matched on lower-cased, accent-kept text.
OUT_OF_STOCK_PHRASES = {
    "en": [
        "out of stock",
        "not in stock",
        "sold out",
        "currently unavailable",
        "no longer available",
        "temporarily unavailable",
        "not available",
        "notify me when available",
        "email me when available",
        "back in stock",
    ],
    "de": [
        "ausverkauft",
        "nicht verfügbar",
        "nicht lieferbar",
        "nicht auf lager",
        "nicht vorrätig",
        "wieder verfügbar",
        "nicht mehr verfügbar",
        "vergriffen",
        "derzeit nicht verfügbar",
        "zurzeit nicht verfügbar",
        "online nicht verfügbar",
    ],
    "fr": [
        "rupture de stock",
        "épuisé",
        "indisponible",
        "en rupture",
        "pas en stock",
        "pas disponible",
        "plus disponible",
        "actuellement indisponible",
        "victime de son succès",
    ],
    "it": [
        "esaurito",
        "non disponibile",
        "non più disponibile",
        "momentaneamente non disponibile",
        "prodotto esaurito",
    ],
    "es": ["agotado", "sin stock", "no disponible", "fuera de stock", "sin existencias", "producto agotado"],
    "nl": [
        "uitverkocht",
        "niet op voorraad",
        "niet leverbaar",
        "niet beschikbaar",
        "tijdelijk uitverkocht",
        "niet meer leverbaar",
    ],
    "pl": [
        "brak w magazynie",
        "niedostępny",
        "wyprzedany",
        "brak towaru",
        "produkt niedostępny",
        "chwilowo niedostępny",
        "wyprzedane",
    ],
    "pt": ["esgotado", "indisponível", "não disponível", "sem estoque", "fora de estoque", "sem stock"],
    "tr": [
        "stokta yok",
        "tükendi",
        "sat\u0131şta değil",
        "stok yok",
        "temin edilemiyor",
        "stoklarda yok",
        "geçici olarak temin edilemiyor",
    ],
}
PRE_ORDER_PHRASES = [
    "pre-order",
    "preorder",
    "vorbestellen",
    "précommande",
    "pre-ordina",
    "reserva ya",
    "ön sipariş",
    "przedsprzedaż",
    "pré-venda",
]

# What a shop shows when the product can be bought; trusted only at the start of a short text (from_phrase).
IN_STOCK_PHRASES = [
    *("in stock", "left in stock", "ready to ship", "available to ship"),
    *("auf lager", "lieferbar", "sofort lieferbar", "verfügbar", "vorrätig"),
    *("en stock", "disponible", "disponibile", "in magazzino", "op voorraad", "leverbaar"),
    *("dostępny", "w magazynie", "em estoque", "em stock", "disponível", "stokta", "stokta var"),
]

_ALL_OOS = sorted({p for phrases in OUT_OF_STOCK_PHRASES.values() for p in phrases}, key=len, reverse=True)
OUT_OF_STOCK_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in _ALL_OOS) + r")(?!\w)")
# At most two words before the phrase ("Online auf Lager", "Disponible"), so "Email me when back in stock"
# and "Available in 3 colours" do not count; negations are caught first by OUT_OF_STOCK_RE.
IN_STOCK_RE = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:"
    + "|".join(re.escape(p) for p in sorted(IN_STOCK_PHRASES, key=len, reverse=True))
    + r")(?!\w)(?!\W+(?:ab|from|à partir|a partir|dal|desde|vanaf|od|itibaren|em breve|soon|bald)(?!\w))"
)  # "Verfügbar ab 12.08." is a date to come, not stock
# A message about one aspect (the picture, store pickup, one size or colour) is not about the product.
ASPECT_RE = re.compile(
    r"(?<!\w)(?:image|picture|photo|bild|foto|imagen|immagine|afbeelding|zdjęcie|resim|görsel|video|pickup|"
    r"retrait|abholung|ritiro|recogida|afhalen|odbiór|retirada|mağazadan|in-store|stores?|tienda|magasin|"
    r"filiale|negozio|winkel|sklep|loja|size|colou?r|größe|grösse|farbe|taille|"
    r"couleur|talla|taglia|colore|maat|kleur|rozmiar|kolor|tamanho|beden|renk)"
)
PRE_ORDER_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in PRE_ORDER_PHRASES) + r")(?!\w)")


def from_schema(value: object) -> Availability:
    """Map "https://schema.org/InStock", "InStock", "in stock", "oos" and the like; UNKNOWN otherwise."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id") or value.get("name")
    if not isinstance(value, str):
        return Availability.UNKNOWN
    text = value.strip().rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].rsplit(":", 1)[-1].lower()
    text = text.replace("_", " ").strip()
    found = _SCHEMA.get(text) or _SCHEMA.get(text.replace(" ", "").replace("-", ""))
    return found or Availability.UNKNOWN


def normalise(text: str) -> str:
    """Lower case, blanks folded, Unicode composed (so "e" + accent matches "é")."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def from_phrase(text: str, in_stock: bool = False) -> Availability:
    """OUT_OF_STOCK or PRE_ORDER when a short text says so (IN_STOCK too if ``in_stock``), else UNKNOWN."""
    norm = normalise(text)
    if ASPECT_RE.search(norm):
        return Availability.UNKNOWN
    if OUT_OF_STOCK_RE.search(norm):
        return Availability.OUT_OF_STOCK
    if PRE_ORDER_RE.search(norm):
        return Availability.PRE_ORDER
    if in_stock and IN_STOCK_RE.search(norm):
        return Availability.IN_STOCK
    return Availability.UNKNOWN
