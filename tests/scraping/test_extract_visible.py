"""The visible-page stage: prices near the title and buy button, sale vs list price, formats, the user's
selector, and structured data that disagrees with what the shopper sees."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from lxml import etree

from pricewatch.scraping.extract import extract
from pricewatch.scraping.extract.labels import label_before


def shop_page(buy_box: str, *, lang: str = "en", extra: str = "", head: str = "") -> str:
    """A product page with a menu, the buy box and a list of related products with their own prices."""
    return f"""<html lang="{lang}"><head><title>Shop</title>{head}</head><body>
      <header><nav><a href="/cart">Cart (1 item: 9,99 €)</a></nav></header>
      <main><div class="product"><h1>Garden hose 25 m</h1><div class="buy-box">{buy_box}
        <button class="add-to-cart">Add to cart</button></div></div>
      <section class="related-products"><h2>You may also like</h2>
        <div class="product-tile"><a href="/x">Nozzle</a><span class="price">4,99 €</span></div>
        <div class="product-tile"><a href="/y">Reel</a><span class="price">59,00 €</span></div>
      </section>{extra}</main>
      <footer>Free shipping from 50,00 €</footer></body></html>"""


@pytest.mark.parametrize(
    ("buy_box", "lang", "amount", "currency"),
    [
        ('<span class="price">1.299,00 TL</span>', "tr", "1299.00", "TRY"),
        ('<span class="price">1.199 TL</span>', "tr", "1199", "TRY"),
        ('<div class="preis">199,- €</div>', "de", "199", "EUR"),
        ('<p class="product-price">R$ 1.759,99</p>', "pt-BR", "1759.99", "BRL"),
        ('<span class="price">Rs 23,450</span>', "en-PK", "23450", "PKR"),
        ('<span class="prix">24,99 €</span>', "fr", "24.99", "EUR"),
        ('<span class="amount">£34.99</span>', "en-GB", "34.99", "GBP"),
        ("<span>Price: <b>$1,299.99</b></span>", "en-US", "1299.99", "USD"),
        ('<span class="price">12<sup>99</sup> zł</span>', "pl", "12.99", "PLN"),
    ],
)
def test_visible_price_formats(buy_box: str, lang: str, amount: str, currency: str) -> None:
    result = extract(shop_page(buy_box, lang=lang))
    assert (result.price, result.currency) == (Decimal(amount), currency)
    assert result.methods["price"] == "visible"


@pytest.mark.parametrize(
    "buy_box",
    [
        '<del class="price">129,00 €</del> <span class="price">99,00 €</span>',
        '<span class="price old-price">129,00 €</span><span class="price special-price">99,00 €</span>',
        '<span class="price" style="text-decoration: line-through">129,00 €</span>\n'
        '<span class="price">99,00 €</span>',
        '<span class="was-price">Was 129,00 €</span><span class="now-price">99,00 €</span>',
        '<span class="price">99,00 €</span><s>129,00 €</s>',
        '<span class="uvp">UVP 129,00 €</span><span class="preis">99,00 €</span>',
    ],
)
def test_sale_price_beats_list_price(buy_box: str) -> None:
    result = extract(shop_page(buy_box, lang="de"))
    assert result.price == Decimal("99.00")


def test_instalments_and_shipping_are_not_the_price() -> None:
    box = (
        '<span class="price">599,00 €</span><div class="financing">or 6 x 99,83 € / month</div>'
        "<div>Shipping 4,95 €</div>"
    )
    assert extract(shop_page(box, lang="de")).price == Decimal("599.00")


def test_hidden_price_template_is_not_the_price() -> None:
    box = '<span class="price" style="display:none">0,01 €</span><span class="price">45,00 €</span>'
    assert extract(shop_page(box, lang="de")).price == Decimal("45.00")


def test_page_without_any_price_says_why() -> None:
    result = extract("<html><body><h1>About us</h1><p>We love gardens.</p></body></html>")
    assert result.price is None
    assert result.reason == "no price found on the page"


def test_structured_and_visible_disagree_visible_wins_both_recorded() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Garden hose 25 m",
        "offers": {"@type": "Offer", "price": "39.99", "priceCurrency": "EUR"},
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    box = '<span class="price" itemprop="price">34,99 €</span>'
    result = extract(shop_page(box, lang="de", head=head))
    assert result.price == Decimal("34.99")
    assert result.methods["price"] == "visible"
    assert (result.structured_price, result.visible_price) == (Decimal("39.99"), Decimal("34.99"))
    assert [(o.price, o.method) for o in result.offers] == [
        (Decimal("39.99"), "jsonld"),
        (Decimal("34.99"), "visible"),
    ]


def test_structured_price_shown_on_page_is_kept() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Garden hose 25 m",
        "offers": {"@type": "Offer", "price": "39.99", "priceCurrency": "EUR"},
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    result = extract(shop_page('<span class="price">39,99 €</span>', lang="de", head=head))
    assert result.price == Decimal("39.99")
    assert result.methods["price"] == "jsonld"


def test_multi_offer_page_lists_offers_and_shown_one_wins() -> None:
    offers = [
        {"@type": "Offer", "price": p, "priceCurrency": "EUR", "sku": s}
        for p, s in (("19.00", "S"), ("24.00", "M"), ("29.00", "L"))
    ]
    ld = {"@context": "https://schema.org", "@type": "Product", "name": "Garden hose", "offers": offers}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    result = extract(shop_page('<span class="price">24,00 €</span>', lang="de", head=head))
    assert len(result.offers) == 3
    assert result.price == Decimal("24.00")
    assert result.pick("sku:L").price == Decimal("29.00")


def test_user_selector_wins() -> None:
    box = '<span class="price">99,00 €</span><span id="member">Members: 89,00 €</span>'
    result = extract(shop_page(box, lang="de"), selector="#member")
    assert result.price == Decimal("89.00")
    assert result.methods["price"] == "selector"


@pytest.mark.parametrize(
    ("selector", "reason"),
    [
        ("#nothing", "the CSS selector matched nothing"),
        (".related-products h2", "the CSS selector matched no price"),
        ("[[[", "invalid CSS selector"),
    ],
)
def test_user_selector_failures_keep_detection_and_explain(selector: str, reason: str) -> None:
    result = extract(shop_page('<span class="price">99,00 €</span>', lang="de"), selector=selector)
    assert result.price == Decimal("99.00")
    assert result.reason is not None and result.reason.startswith(reason)


def test_currency_from_page_context_when_price_has_no_symbol() -> None:
    head = '<meta property="product:price:currency" content="PLN">'
    result = extract(shop_page('<span class="price">149,99</span>', lang="pl", head=head))
    assert (result.price, result.currency) == (Decimal("149.99"), "PLN")


# Buy boxes shaped like the common shop systems' markup (written here, no third-party content).
WOOCOMMERCE = """
<html lang="de-DE"><body><div class="product type-product"><div class="summary entry-summary">
<h1 class="product_title entry-title">Gartenschlauch</h1><p class="price"><del
aria-hidden="true"><span class="woocommerce-Price-amount amount"><bdi>29,00&nbsp;<span
class="woocommerce-Price-currencySymbol">&euro; </span></bdi></span></del> <ins><span
class="woocommerce-Price-amount amount"><bdi>19,00&nbsp;<span
class="woocommerce-Price-currencySymbol">&euro;</span></bdi></span></ins></p><form
class="cart"><button type="submit" class="single_add_to_cart_button button alt">In den
Warenkorb</button></form></div></div> <section class="related products"><ul class="products"><li
class="product"><span class="price">9,00&nbsp;&euro; </span></li></ul></section></body></html>
"""
MAGENTO = """
<html lang="fr"><body><div class="product-info-main"><h1 class="page-title"><span
class="base">Lampe </span></h1><div class="price-box price-final_price"><span
class="special-price"><span class="price-label">Prix Spécial</span><span data-price-amount="49"
class="price-wrapper"><span class="price">49,00 €</span></span> </span><span
class="old-price"><span class="price-label">Prix normal</span><span data-price-amount="69"
class="price-wrapper"><span class="price">69,00 €</span></span></span></div><div class="stock
available"> <span>En stock</span></div><button type="submit" title="Ajouter au panier"
class="action primary tocart"> <span>Ajouter au panier</span></button></div></body></html>
"""
SHOPIFY = """
<html lang="en"><body><main><div class="product__info-wrapper"><h1 class="product__title">Canvas
Tote </h1><div class="price price--on-sale"><div class="price__sale"><span
class="visually-hidden">Regular price </span><span><s class="price-item
price-item--regular">$40.00</s></span><span class="visually-hidden">Sale price</span><span
class="price-item price-item--sale price-item--last">$32.00</span></div></div><button
type="submit" name="add" class="product-form__submit button">Add to cart</button></div></main>
<div class="product-recommendations"><span class="price-item">$12.00</span></div></body></html>
"""
DUTCH = """
<html lang="nl"><body><h1>Fiets</h1><div class="prijs"><span class="van-prijs">€ 899,-</span>
<span class="voor-prijs">€ 749,-</span></div><div>Niet op voorraad</div></body></html>
"""
TURKISH = """
<html lang="tr"><body><h1>Kahve Makinesi</h1><div class="urun-fiyat"><span class="eski">2.499,00
TL </span><span class="indirimli">1.999,00 TL</span></div><button>Sepete
Ekle</button></body></html>
"""


@pytest.mark.parametrize(
    ("html", "amount", "currency"),
    [
        (WOOCOMMERCE, "19.00", "EUR"),
        (MAGENTO, "49.00", "EUR"),
        (SHOPIFY, "32.00", "USD"),
        (DUTCH, "749", "EUR"),
        (TURKISH, "1999.00", "TRY"),
    ],
    ids=["woocommerce", "magento", "shopify", "dutch-van-voor", "turkish-eski"],
)
def test_shop_system_buy_boxes(html: str, amount: str, currency: str) -> None:
    result = extract(html)
    assert (result.price, result.currency) == (Decimal(amount), currency)


def test_structured_price_shown_only_crossed_out_yields_to_the_sale_price() -> None:
    ld = {"@context": "https://schema.org", "@type": "Product", "name": "Garden hose 25 m",
          "offers": {"@type": "Offer", "price": "219.99", "priceCurrency": "EUR"}}  # fmt: skip
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    box = (
        '<span class="original-price current-price">EUR219.99</span>'
        '<span class="current-price">EUR110.00</span>'
    )
    result = extract(shop_page(box, head=head))
    assert result.price == Decimal("110.00")
    assert (result.structured_price, result.methods["price"]) == (Decimal("219.99"), "visible")


def test_shipping_note_inside_the_price_box_is_left_out() -> None:
    box = (
        '<span class="product-price">4<span>.<sup>99</sup></span> € '
        '<span class="shipping">zzgl. Versand</span></span>'
    )
    assert extract(shop_page(box, lang="de")).price == Decimal("4.99")


def test_analytics_data_layer_is_the_last_resort() -> None:
    script = """<script>dataLayer.push({"event": "detail", "ecommerce": {"currencyCode": "EUR", "detail":
      {"products": [{"name": "Plancha", "id": "302667", "price": 24.99, "brand": "X"}]}}});</script>"""
    html = f"<html lang='es'><head>{script}</head><body><h1>Plancha</h1><p>Cargando...</p></body></html>"
    result = extract(html)
    assert (result.price, result.currency, result.methods["price"]) == (Decimal("24.99"), "EUR", "datalayer")


def test_data_layer_does_not_override_a_visible_price() -> None:
    script = '<script>x = {"ecommerce": {"detail": {"products": [{"price": 1.00}]}}}</script>'
    assert extract(shop_page('<span class="price">99,00 €</span>', lang="de", head=script)).price == Decimal(
        "99.00"
    )


@pytest.mark.parametrize(
    "box",
    [
        # A label before the old price, the sale price without one (eBay-like markup).
        '<div><div class="lbl">Was:</div><div><span class="notranslate">C $79.99</span></div></div>'
        '<div><span class="notranslate">C $61.99</span></div>',
        # Screen-reader labels say which is which.
        '<span class="sr-only">Regular price</span><span><span class="amount">$79.99</span></span>'
        '<span class="sr-only">Sale price</span><span class="amount">$61.99</span>',
        # The label inside the price text.
        '<span class="price">UVP $79.99</span> <span class="price">$61.99</span>',
    ],
    ids=["was-label", "screen-reader-labels", "label-in-text"],
)
def test_labels_before_a_price_tell_list_from_sale(box: str) -> None:
    assert extract(shop_page(box, lang="en-CA")).price == Decimal("61.99")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Was:", "LIST"), ("UVP", "LIST"), ("statt", "LIST"), ("Prix barré", "LIST"), ("Eski fiyat", "LIST"),
     ("Now", "SALE"), ("Jetzt nur", "SALE"), ("Price:", "SALE"), ("Free shipping on all orders over", "NONE"),
     ("à partir de", "NONE"), ("List:", "LIST"), ("Běžná cena", "LIST"), ("Ord. pris", "LIST"),
     ("通常価格", "LIST"), ("原价", "LIST"), ("정가", "LIST"), ("ราคาปกติ", "LIST"), ("Giá gốc", "LIST"),
     ("מחיר קודם", "LIST"), ("M.R.P.:", "LIST"), ("Старая цена", "LIST")],
)  # fmt: skip
def test_label_words(text: str, expected: str) -> None:
    price = etree.fromstring(f"<p>{text} <b>9</b></p>").find("b")
    assert price is not None
    assert label_before(price, "9").name == expected


def test_a_weak_visible_guess_is_not_reported_as_the_price() -> None:
    html = """<html><body><p>Welcome</p><div class="related-products"><div class="product-tile">
      <span>$5.00</span></div></div></body></html>"""
    result = extract(html)
    assert result.price is None
    assert result.reason is not None and "best guess '$5.00'" in result.reason


@pytest.mark.parametrize(
    ("html", "amount", "currency"),
    [
        ('<html lang="it"><body><h1>Borsa</h1><div class="product-price"><span class="currency">€</span>'
         '<span class="whole">12</span><span class="decimal">,</span><span class="fraction">99</span></div>'
         "<button>Aggiungi al carrello</button></body></html>", "12.99", "EUR"),
        ('<html lang="en-us"><body><h1>Mug</h1><span class="a-price"><span class="a-offscreen">$29.99</span>'
         '<span aria-hidden="true"><span class="a-price-symbol">$</span><span class="a-price-whole">29<span '
         'class="a-price-decimal">.</span></span><span class="a-price-fraction">99</span></span></span>'
         '<input type="submit" value="Add to Cart"></body></html>', "29.99", "USD"),
        ('<html lang="pt-BR"><body><h1>Tênis</h1><div class="preco"><span class="de">De R$ 399,90</span> '
         '<span class="por">Por R$ 299,90</span></div><button>Comprar</button></body></html>',
         "299.90", "BRL"),
        ('<html lang="es"><body><h1>Sofá</h1><div class="precio"><span class="antes">1.299,00 €</span>'
         '<span class="ahora">999,00 €</span></div></body></html>', "999.00", "EUR"),
        ("<html lang=\"de-CH\"><body><h1>Uhr</h1><span class=\"price\">CHF 1'299.\u2013</span></body></html>",
         "1299", "CHF"),
        ('<html lang="ja"><body><h1>Teapot</h1><span class="price">¥3,980</span></body></html>',
         "3980", "JPY"),
    ],
    ids=["split-digits", "offscreen-copy", "de-por", "antes-ahora", "swiss-dash", "yen"],
)  # fmt: skip
def test_more_visible_shapes(html: str, amount: str, currency: str) -> None:
    result = extract(html)
    assert (result.price, result.currency) == (Decimal(amount), currency)


def test_two_unmarked_prices_in_one_box_the_higher_is_the_old_one() -> None:
    box = '<div class="pr-bx"><span class="prc-org">1.299 TL</span><span class="prc-slg">999 TL</span></div>'
    assert extract(shop_page(box, lang="tr")).price == Decimal("999")


def test_an_instalment_beside_the_price_is_not_a_sale_price() -> None:
    box = (
        '<div class="box"><span class="amount">1.299,00 €</span>'
        '<span class="rate">ab 54,12 € monatlich</span></div>'
    )
    assert extract(shop_page(box, lang="de")).price == Decimal("1299.00")


def test_country_from_the_pages_own_address_settles_dollar_and_default_currency() -> None:
    head = '<link rel="canonical" href="/p/1"><meta property="og:url" content="https://www.shop.com.ar/p/1">'
    result = extract(shop_page('<span class="price">$ 3.499</span>', head=head))
    assert (result.price, result.currency) == (Decimal("3499"), "ARS")
    plain = extract('<html><head><link rel="canonical" href="https://tienda.example.es/p"></head><body>'
                    '<h1>Mesa</h1><span class="precio">49,90</span></body></html>')  # fmt: skip
    assert (plain.price, plain.currency) == (Decimal("49.90"), "EUR")


def test_the_heading_named_like_the_page_title_is_the_product_title() -> None:
    html = """<html><head><title>Desk Lamp Pro 40 W: Shop</title></head><body><h1>15% off today</h1>
      <div><h1>Desk Lamp Pro 40 W</h1><span class="price">£34.99</span></div></body></html>"""
    result = extract(html)
    assert (result.title, result.price) == ("Desk Lamp Pro 40 W", Decimal("34.99"))
