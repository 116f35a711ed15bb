"""Availability: schema.org values and out-of-stock phrases in the languages of Europe and Turkey."""

from __future__ import annotations

import pytest

from pricewatch.models import Availability
from pricewatch.scraping.extract import extract
from pricewatch.scraping.extract.availability import from_phrase, from_schema

OUT_OF_STOCK = [
    ("en", "Out of stock"),
    ("en", "Sold out"),
    ("en", "Currently unavailable."),
    ("de", "Ausverkauft"),
    ("de", "Derzeit nicht verfügbar"),
    ("fr", "Rupture de stock"),
    ("fr", "Épuisé"),
    ("it", "Esaurito"),
    ("it", "Non disponibile"),
    ("es", "Agotado"),
    ("es", "Sin stock"),
    ("nl", "Uitverkocht"),
    ("nl", "Niet op voorraad"),
    ("pl", "Brak w magazynie"),
    ("pl", "Produkt niedostępny"),
    ("pt", "Esgotado"),
    ("pt", "Indisponível"),
    ("tr", "Stokta yok"),
    ("tr", "Tükendi"),
]


@pytest.mark.parametrize(("lang", "phrase"), OUT_OF_STOCK)
def test_out_of_stock_phrase_in_buy_box(lang: str, phrase: str) -> None:
    html = f"""<html lang="{lang}"><body><h1>Lamp</h1><div class="buy">
      <span class="price">19,99 €</span><p class="stock-status">{phrase}</p></div></body></html>"""
    result = extract(html)
    assert result.availability is Availability.OUT_OF_STOCK
    assert result.methods["availability"] == "visible"


@pytest.mark.parametrize(("lang", "phrase"), OUT_OF_STOCK)
def test_phrase_matcher(lang: str, phrase: str) -> None:
    assert from_phrase(f"  {phrase.upper()}  ") is Availability.OUT_OF_STOCK


@pytest.mark.parametrize(
    "text", ["In stock", "Auf Lager", "Sold by Outdoor Ltd", "Notavailableish", "stokta"]
)
def test_phrase_matcher_ignores_other_text(text: str) -> None:
    assert from_phrase(text) is Availability.UNKNOWN


def test_buy_button_means_in_stock() -> None:
    html = """<html><body><h1>Lamp</h1><span class="price">19,99 €</span>
      <button class="btn">Add to cart</button></body></html>"""
    assert extract(html).availability is Availability.IN_STOCK


def test_out_of_stock_phrase_in_related_products_is_ignored() -> None:
    html = """<html><body><h1>Lamp</h1><span class="price">19,99 €</span>
      <button>In den Warenkorb</button>
      <aside class="related"><div>Shade</div><div>Ausverkauft</div></aside></body></html>"""
    assert extract(html).availability is Availability.IN_STOCK


def test_pre_order_phrase() -> None:
    html = "<html><body><h1>Game</h1><span class='price'>$59.99</span><p>Pre-order now</p></body></html>"
    assert extract(html).availability is Availability.PRE_ORDER


def test_nothing_said_is_unknown() -> None:
    assert (
        extract("<html><body><h1>Lamp</h1><p>$19.99</p></body></html>").availability is Availability.UNKNOWN
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://schema.org/InStock", Availability.IN_STOCK),
        ("http://schema.org/OutOfStock/", Availability.OUT_OF_STOCK),
        ("OutOfStock", Availability.OUT_OF_STOCK),
        ("out of stock", Availability.OUT_OF_STOCK),
        ("SoldOut", Availability.OUT_OF_STOCK),
        ("schema:PreOrder", Availability.PRE_ORDER),
        ("https://schema.org/BackOrder", Availability.BACK_ORDER),
        ("LimitedAvailability", Availability.IN_STOCK),
        (["https://schema.org/InStock"], Availability.IN_STOCK),
        ({"@id": "https://schema.org/Discontinued"}, Availability.OUT_OF_STOCK),
        ("maybe", Availability.UNKNOWN),
        (None, Availability.UNKNOWN),
    ],
)
def test_from_schema(value: object, expected: Availability) -> None:
    assert from_schema(value) is expected


def test_structured_out_of_stock_wins_over_buy_button() -> None:
    html = """<html><head><script type="application/ld+json">{"@type": "Product", "name": "Lamp",
      "offers": {"@type": "Offer", "price": "19.99", "availability": "https://schema.org/OutOfStock"}}
      </script></head><body><h1>Lamp</h1><button>Add to cart</button></body></html>"""
    assert extract(html).availability is Availability.OUT_OF_STOCK
