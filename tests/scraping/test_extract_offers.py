"""Amounts that are not the price (instalments, unit, member, "from" prices), other sellers' and other
products' boxes, listing pages, and how sure the extractor says it is about them."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pricewatch.scraping import money
from pricewatch.scraping.extract import extract
from pricewatch.scraping.extract.kinds import kind_of


def page(body: str, lang: str = "en", head: str = "") -> str:
    return (
        f'<html lang="{lang}"><head>{head}</head><body><header><a href="/cart">Cart $0.00</a></header>'
        f"<main>{body}</main></body></html>"
    )


def product(box: str, after: str = "", lang: str = "en", title: str = "Kettle 1.7 L") -> str:
    button = '<button class="add-to-cart">Add to cart</button>'
    return page(f'<div class="pdp"><h1>{title}</h1>{box}{button}</div>{after}', lang)


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        ("12 cuotas sin interés de", "", "instalment"),
        ("Paga in 3 rate da", "", "instalment"),
        ("or 4 interest-free payments of", "", "instalment"),
        ("Clubpreis für Mitglieder:", "", "member or coupon price"),
        ("Price with coupon:", "", "member or coupon price"),
        ("Other sizes from £", "", "from price"),
        ("desde R$", "", "from price"),
        ("Netto:", "", "price without tax"),
        ("Ex Tax:", "", "price without tax"),
        ("Verzendkosten", "", "shipping cost"),
        ("10 or more", "", "quantity price"),
        ("od 5 szt.", "", "quantity price"),
        ("You save", "", "saving"),
        ("", " € / kg", "unit price or instalment"),
        ("", " kr/mån", "unit price or instalment"),
        ("", " le litre", "unit price or instalment"),
        ("", " senza interessi", "unit price or instalment"),
        ("Kaina be PVM:", "", "price without tax"),
        ("Cena bez PVN:", "", "price without tax"),
        ("税抜", "", "price without tax"),
        ("クーポン利用で", "", "member or coupon price"),
        ("쿠폰적용가", "", "member or coupon price"),
        ("The highest price is $", "", "price filter"),
        ("", " / Fl Oz)", "unit price or instalment"),
        ("", " ja rohkem", "unit price or instalment"),
        ("", " and up", "unit price or instalment"),
        ("Inhalt:", " Kilogramm", "quantity"),
        ("", " ml", "quantity"),
        ("", " Kč bez DPH", "price without tax"),
        ("", " ex VAT", "price without tax"),
        ("", " € HT", "price without tax"),
        ("", "円 \uff08税抜\uff09", "price without tax"),
        ("", " / 1 Liter", "unit price or instalment"),
        ("", " / 0,5 kg", "unit price or instalment"),
        ("Klubbpris", "", "member or coupon price"),
        ("會員價 NT$", "", "member or coupon price"),
        ("Ledenprijs €", "", "member or coupon price"),
        ("Preço sócio R$", "", "member or coupon price"),
        ("Medlemspris", "", "member or coupon price"),
        ("Cena dla członków klubu:", "", "member or coupon price"),
        ("Üyelere özel", "", "member or coupon price"),
        ("מחיר לחברי מועדון", "", "member or coupon price"),
        ("Ušetříte", "", "saving"),
        ("Du sparar", "", "saving"),
        # the label nearest the amount names it, not the tax note of the amount before
        ("2 884,30 Kč bez DPH Ušetříte", "", "saving"),
        ("Fri frakt över", "", "shipping cost"),
        ("Δωρεάν μεταφορικά για αγορές άνω των", "", "shipping cost"),  # noqa: RUF001 (Greek)
        ("Μεταφορικά:", "", "shipping cost"),
    ],
)
def test_labels_and_units_name_what_an_amount_is(before: str, after: str, kind: str) -> None:
    assert kind_of(before, after) == kind


@pytest.mark.parametrize(
    "before",
    ["Free shipping", "Price:", "Sale price", "Was:", "Precio Internet", "", "2,000円\uff08税抜\uff09 税込"],
)
def test_price_labels_are_not_other_kinds(before: str) -> None:
    assert kind_of(before, " inkl. MwSt.") is None


@pytest.mark.parametrize(
    ("box", "lang", "want"),
    [
        ('<p>Paga in 3 rate da <b>66,63 €</b></p><p class="prezzo">199,90 €</p>', "it", "199.90"),
        (
            '<div>12 cuotas de <span class="monto">$ 74.999</span></div><div class="precio">$ 899.988</div>',
            "es-AR",
            "899988",
        ),
        (
            '<p class="club">Clubpreis für Mitglieder: <b>107,99 €</b></p><p class="preis">119,99 €</p>',
            "de",
            "119.99",
        ),
        ('<div class="price">$49.99</div><div>Price with coupon: $39.99</div>', "en", "49.99"),
        ('<p>Sizes from £45.00</p><div class="amount">£52.00</div>', "en-GB", "52.00"),
        ('<div class="netto">Netto: 207,50 €</div><div class="brutto">249,00 €</div>', "de-AT", "249.00"),
        ('<span>19,90 € / 1 l</span><span class="preis">9,95 €</span>', "de", "9.95"),
        ('<div class="finance">From 417 kr/mån</div><div class="pris">14 995 kr</div>', "sv", "14995"),
    ],
)
def test_other_kinds_of_amount_are_never_the_price(box: str, lang: str, want: str) -> None:
    result = extract(product(box, lang=lang))
    assert result.price == Decimal(want), result.evidence
    assert result.list_price is None  # a member or coupon price does not make the price a crossed-out one


SELLERS = """<section class="more"><h3>More offers</h3>
<div class="offer"><b>$119.00</b> KitchenDepot <button>Add to cart</button></div>
<div class="offer"><b>$124.50</b> BlendersRUs <button>Add to cart</button></div></section>"""


def test_other_sellers_boxes_lose_to_the_main_buy_box() -> None:
    result = extract(product('<div class="buybox"><span class="p">$129.99</span></div>', SELLERS))
    assert result.price == Decimal("129.99")
    chosen = next(c for c in result.candidates if c.chosen)
    assert chosen.source == "visible"


def test_a_structured_lowest_offer_is_not_the_buy_box_price() -> None:
    offer = {"@type": "AggregateOffer", "lowPrice": "119.00", "highPrice": "139.00", "priceCurrency": "USD"}
    data = {"@context": "https://schema.org", "@type": "Product", "name": "Kettle 1.7 L", "offers": offer}
    html = product('<div class="buybox"><span class="p">$129.99</span></div>', SELLERS).replace(
        "<head></head>", f'<head><script type="application/ld+json">{json.dumps(data)}</script></head>'
    )
    assert extract(html).price == Decimal("129.99")


def test_a_price_range_is_one_price_not_two_tiles() -> None:
    box = (
        '<div class="price"><span class="range"><span><span class="sales">$3.499</span></span> - '
        '<span><span class="sales">$4.059</span></span></span></div>'
    )
    assert extract(product(box, lang="es-AR")).price in (Decimal("3499"), Decimal("4059"))


def tiles(n: int) -> str:
    return "".join(
        f'<div class="card"><a href="/p/{i}"><img src="/i/{i}.jpg" alt=""><h3>Mug {i}</h3></a>'
        f'<span class="price">${10 + i}.00</span><button>Add to cart</button></div>'
        for i in range(n)
    )


def test_a_listing_page_has_no_price_and_says_why() -> None:
    result = extract(page(f'<h1>Mugs</h1><p>Showing 6 of 31</p><div class="grid">{tiles(6)}</div>'))
    assert result.price is None
    assert result.reason and "lists several products" in result.reason
    assert (result.confidence, result.unsure) == (0.0, False)


def test_several_structured_products_none_the_page_s_make_a_listing() -> None:
    head = "".join(
        '<script type="application/ld+json">'
        + json.dumps({"@type": "Product", "name": name, "offers": {"price": price, "priceCurrency": "EUR"}})
        + "</script>"
        for name, price in [("Pot A", "9.95"), ("Pot B", "19.90"), ("Pot C", "12.50")]
    )
    assert extract(page("<h1>Pots</h1>" + tiles(3), head=head)).price is None


def test_a_price_set_apart_only_as_a_tile_is_less_sure() -> None:
    """The same buy box, once alone and once beside other products' tiles as strong as it: the price is the
    same, and the second reading is less sure and says why."""
    box = '<div class="buybox"><span class="p">$129.99</span></div>'
    alone = extract(product(box))
    listed = extract(product(box + f'<div class="grid">{tiles(4)}</div>'))
    assert alone.price == listed.price == Decimal("129.99")
    assert listed.confidence < alone.confidence
    assert any("repeated for other products" in note for note in listed.evidence)


def test_warm_builds_the_currency_matcher_once() -> None:
    money.warm()
    assert money._symbol_re.cache_info().currsize == 1
    assert money.find_currency("12 zł") == "PLN"


def test_a_member_price_shown_alone_is_the_visitor_s_price() -> None:
    """Logged in, a member sees only the member price: that is the price to track."""
    result = extract(product('<p>Member price: <span class="member">39,00 €</span></p>', lang="de"))
    assert result.price == Decimal("39.00")


@pytest.mark.parametrize("label", ["Free shipping", "Versandkostenfrei", "Fri frakt", "Δωρεάν μεταφορικά"])
def test_a_free_shipping_badge_before_the_price_is_no_shipping_cost(label: str) -> None:
    assert kind_of(label) is None
