"""Availability: schema.org values and out-of-stock phrases in the languages of Europe and Turkey."""

from __future__ import annotations

import json

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


def _ld(availability: str, *offers: str) -> str:
    items = offers or (availability,)
    data = {"@context": "https://schema.org", "@type": "Product", "name": "Lamp",
            "offers": [{"@type": "Offer", "price": "19.99", "priceCurrency": "EUR", "availability": a}
                       for a in items]}  # fmt: skip
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_visible_in_stock_overrules_structured_out_of_stock_and_both_are_kept() -> None:
    html = f"""<html lang="de"><head>{_ld("OutOfStock")}</head><body><div class="pdp"><h1>Lamp</h1>
      <span class="price">19,99 €</span><div class="availability"><p>Online auf Lager</p></div>
      <button>In den Warenkorb</button></div></body></html>"""
    result = extract(html)
    assert result.availability is Availability.IN_STOCK
    assert result.structured_availability is Availability.OUT_OF_STOCK
    assert result.methods["availability"] == "visible"


def test_structured_out_of_stock_stays_without_a_visible_in_stock_message() -> None:
    html = f"""<html lang="de"><head>{_ld("OutOfStock")}</head><body><div class="pdp"><h1>Lamp</h1>
      <span class="price">19,99 €</span><button>In den Warenkorb</button></div></body></html>"""
    assert extract(html).availability is Availability.OUT_OF_STOCK


def test_variants_at_one_price_are_in_stock_when_any_is() -> None:
    html = f"<html><head>{_ld('', 'OutOfStock', 'OutOfStock', 'InStock')}</head><body></body></html>"
    assert extract(html).availability is Availability.IN_STOCK


@pytest.mark.parametrize(
    "text",
    ["Image not available for Color:", "Bild nicht verfügbar", "Pickup not available",
     "Diese Größe ist leider nicht verfügbar", "This product is currently unavailable to pick up at stores."],
)  # fmt: skip
def test_messages_about_one_aspect_are_not_the_product(text: str) -> None:
    assert from_phrase(text) is Availability.UNKNOWN


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Online auf Lager", Availability.IN_STOCK), ("En stock", Availability.IN_STOCK),
     ("Op voorraad", Availability.IN_STOCK), ("Stokta var", Availability.IN_STOCK),
     ("Email me when back in stock", Availability.OUT_OF_STOCK), ("Not in stock", Availability.OUT_OF_STOCK),
     ("Available in 3 colours", Availability.UNKNOWN), ("Verfügbar ab 12.08.", Availability.UNKNOWN),
     ("Disponible en 3 couleurs", Availability.UNKNOWN)],
)  # fmt: skip
def test_in_stock_phrases(text: str, expected: Availability) -> None:
    assert from_phrase(text, in_stock=True) is expected


def test_disabled_buy_button_is_no_sign_of_stock() -> None:
    html = "<html><body><h1>Lamp</h1><span class='price'>19,99 €</span><button disabled>Add to cart</button>"
    assert extract(html).availability is Availability.UNKNOWN


@pytest.mark.parametrize(
    "text",
    [
        "품절",
        "재입고 알림 신청",
        "ソールドアウト",
        "已售完",
        "หมดแล้ว",
        "Đã bán hết",
        "نفدت الكمية",
        "אזל במלאי",
    ],
)
def test_sold_out_beyond_the_latin_script(text: str) -> None:
    assert from_phrase(text, in_stock=True) is Availability.OUT_OF_STOCK


@pytest.mark.parametrize(
    "text", ["품절임박", "即将售罄", "売り切れ間近", "Almost sold out!", "Fast ausverkauft"]
)
def test_almost_sold_out_can_still_be_bought(text: str) -> None:
    assert from_phrase(text, in_stock=True) is Availability.IN_STOCK
    assert from_phrase(text) is Availability.UNKNOWN
