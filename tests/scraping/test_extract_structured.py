"""Structured-data stages: JSON-LD variants, microdata, RDFa and product meta tags, on small pages."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pricewatch.models import Availability
from pricewatch.scraping.extract import extract


def page(*blocks: Any, body: str = "", head: str = "", lang: str = "en") -> str:
    scripts = "".join(
        f'<script type="application/ld+json">{b if isinstance(b, str) else json.dumps(b)}</script>'
        for b in blocks
    )
    return f'<html lang="{lang}"><head>{head}{scripts}</head><body>{body}</body></html>'


def product(**fields: Any) -> dict[str, Any]:
    return {"@context": "https://schema.org", "@type": "Product", "name": "Lamp", **fields}


def test_jsonld_product_with_offer() -> None:
    html = page(
        product(
            sku="L-1",
            brand={"@type": "Brand", "name": "Lux"},
            image="/img/lamp.jpg",
            offers={
                "@type": "Offer",
                "price": "1299.00",
                "priceCurrency": "TRY",
                "availability": "https://schema.org/InStock",
            },
        )
    )
    result = extract(html, "https://shop.example.com.tr/p/lamp")
    assert (result.price, result.currency, result.availability) == (
        Decimal("1299.00"),
        "TRY",
        Availability.IN_STOCK,
    )
    assert (result.title, result.sku, result.brand) == ("Lamp", "L-1", "Lux")
    assert result.image_url == "https://shop.example.com.tr/img/lamp.jpg"
    assert result.methods["price"] == "jsonld"
    assert result.methods["availability"] == "jsonld"


def test_jsonld_graph_and_number_price() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Shop"},
            {"@type": "BreadcrumbList", "itemListElement": []},
            product(
                offers=[
                    {
                        "@type": "Offer",
                        "price": 49.9,
                        "priceCurrency": "EUR",
                        "availability": "http://schema.org/OutOfStock",
                    }
                ]
            ),
        ],
    }
    result = extract(page(graph))
    assert result.price == Decimal("49.9")
    assert result.currency == "EUR"
    assert result.availability is Availability.OUT_OF_STOCK


def test_jsonld_top_level_array() -> None:
    blocks = [
        {"@type": "Organization", "name": "Shop"},
        product(offers={"@type": "Offer", "price": "15", "priceCurrency": "GBP"}),
    ]
    result = extract(page(blocks))
    assert (result.price, result.currency) == (Decimal("15"), "GBP")


def test_jsonld_aggregate_offer_uses_low_price() -> None:
    html = page(
        product(
            offers={
                "@type": "AggregateOffer",
                "lowPrice": "19.99",
                "highPrice": "39.99",
                "priceCurrency": "USD",
                "offerCount": 3,
            }
        )
    )
    result = extract(html)
    assert (result.price, result.currency) == (Decimal("19.99"), "USD")


def test_jsonld_aggregate_offer_with_nested_offers_lists_them() -> None:
    offers = [
        {"@type": "Offer", "price": p, "priceCurrency": "EUR", "seller": {"name": s}}
        for p, s in (("10.00", "A"), ("12.00", "B"))
    ]
    html = page(product(offers={"@type": "AggregateOffer", "lowPrice": "10.00", "offers": offers}))
    result = extract(html)
    assert [o.price for o in result.offers] == [Decimal("10.00"), Decimal("12.00")]
    assert result.price == Decimal("10.00")


def test_jsonld_product_group_with_variants_offers_each() -> None:
    group = {
        "@context": "https://schema.org",
        "@type": "ProductGroup",
        "name": "Shirt",
        "hasVariant": [
            {
                "@type": "Product",
                "name": "Shirt S",
                "sku": "S-S",
                "offers": {
                    "@type": "Offer",
                    "price": "20.00",
                    "priceCurrency": "EUR",
                    "availability": "OutOfStock",
                },
            },
            {
                "@type": "Product",
                "name": "Shirt M",
                "sku": "S-M",
                "offers": {
                    "@type": "Offer",
                    "price": "22.00",
                    "priceCurrency": "EUR",
                    "availability": "InStock",
                },
            },
        ],
    }
    result = extract(page(group))
    assert [o.sku for o in result.offers] == ["S-S", "S-M"]
    # Nothing visible to settle it: the first offer that can be bought.
    assert (result.price, result.availability) == (Decimal("22.00"), Availability.IN_STOCK)
    chosen = result.pick("sku:S-S")
    assert (chosen.price, chosen.availability, chosen.sku) == (
        Decimal("20.00"),
        Availability.OUT_OF_STOCK,
        "S-S",
    )
    assert chosen.methods["price"] == "offer:jsonld"
    assert result.pick("sku:unknown") is result


def test_jsonld_variant_in_url_is_chosen() -> None:
    html = page(
        product(
            offers=[
                {
                    "@type": "Offer",
                    "price": "20.00",
                    "priceCurrency": "EUR",
                    "sku": "A1",
                    "url": "https://s.example/p?v=A1",
                },
                {
                    "@type": "Offer",
                    "price": "25.00",
                    "priceCurrency": "EUR",
                    "sku": "B2",
                    "url": "https://s.example/p?v=B2",
                },
            ]
        )
    )
    assert extract(html, "https://s.example/p?v=B2").price == Decimal("25.00")


def test_jsonld_price_specification_skips_list_price() -> None:
    html = page(
        product(
            offers={
                "@type": "Offer",
                "priceCurrency": "EUR",
                "priceSpecification": [
                    {
                        "@type": "UnitPriceSpecification",
                        "priceType": "https://schema.org/ListPrice",
                        "price": "99.00",
                    },
                    {"@type": "UnitPriceSpecification", "price": "79.00", "priceCurrency": "EUR"},
                ],
            }
        )
    )
    assert extract(html).price == Decimal("79.00")


def test_jsonld_shop_formatted_price_string() -> None:
    html = page(product(offers={"@type": "Offer", "price": "1.299,00 TL", "priceCurrency": "TRY"}), lang="tr")
    assert extract(html).price == Decimal("1299.00")


def test_jsonld_tolerates_trailing_commas_and_comments() -> None:
    raw = '<!-- {"@type": "Product", "name": "Cup", "offers": {"@type": "Offer", "price": "5.50",},} -->'
    assert extract(page(raw)).price == Decimal("5.50")


def test_jsonld_broken_block_does_not_hide_the_next() -> None:
    html = page("{not json", product(offers={"@type": "Offer", "price": "7", "priceCurrency": "EUR"}))
    assert extract(html).price == Decimal("7")


def test_jsonld_related_products_do_not_win() -> None:
    main = product(
        name="Main",
        offers={"@type": "Offer", "price": "100", "priceCurrency": "EUR"},
        isRelatedTo=[product(name="Other", offers={"@type": "Offer", "price": "5"})],
    )
    result = extract(page(main))
    assert result.price == Decimal("100")
    assert result.title == "Main"


def test_jsonld_zero_price_means_no_price() -> None:
    result = extract(page(product(offers={"@type": "Offer", "price": "0", "priceCurrency": "EUR"})))
    assert result.price is None
    assert result.reason


MICRODATA = """
<div itemscope itemtype="https://schema.org/Product">
  <h1 itemprop="name">Kettle</h1>
  <img itemprop="image" src="/k.jpg">
  <span itemprop="sku">K-9</span>
  <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
    <meta itemprop="priceCurrency" content="EUR">
    <span itemprop="price" content="34.90">34,90 €</span>
    <link itemprop="availability" href="https://schema.org/OutOfStock">
  </div>
  <div itemprop="isRelatedTo" itemscope itemtype="https://schema.org/Product">
    <span itemprop="name">Cup</span>
    <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
      <span itemprop="price" content="3.00">3,00 €</span>
    </div>
  </div>
</div>
"""


def test_microdata_product() -> None:
    result = extract(page(body=MICRODATA, lang="de"), "https://shop.example.de/kettle")
    assert (result.price, result.currency, result.availability) == (
        Decimal("34.90"),
        "EUR",
        Availability.OUT_OF_STOCK,
    )
    assert (result.title, result.sku, result.image_url) == ("Kettle", "K-9", "https://shop.example.de/k.jpg")
    assert result.methods["price"] == "microdata"


def test_rdfa_product() -> None:
    body = """<div vocab="https://schema.org/" typeof="Product"><h1 property="name">Drill</h1>
      <div property="offers" typeof="Offer"><span property="price" content="89.00">89,00</span>
      <meta property="priceCurrency" content="PLN"></div></div>"""
    result = extract(page(body=body, lang="pl"))
    assert (result.price, result.currency) == (Decimal("89.00"), "PLN")


def test_meta_tags() -> None:
    head = """<meta property="og:title" content="Chair">
      <meta property="og:image" content="https://cdn.example/chair.jpg">
      <meta property="product:price:amount" content="1199">
      <meta property="product:price:currency" content="TRY">
      <meta property="product:availability" content="out of stock">"""
    result = extract(page(head=head, body="<h1>Chair</h1>", lang="tr"))
    assert (result.price, result.currency, result.availability) == (
        Decimal("1199"),
        "TRY",
        Availability.OUT_OF_STOCK,
    )
    assert (result.title, result.image_url) == ("Chair", "https://cdn.example/chair.jpg")
    assert result.methods["price"] == "meta"
    assert result.methods["availability"] == "meta"


def test_jsonld_wins_over_meta_but_meta_fills_gaps() -> None:
    head = (
        '<meta property="og:image" content="https://cdn.example/x.jpg">'
        '<meta property="product:price:amount" content="50">'
    )
    html = page(product(offers={"@type": "Offer", "price": "45", "priceCurrency": "EUR"}), head=head)
    result = extract(html)
    assert result.price == Decimal("45")
    assert result.image_url == "https://cdn.example/x.jpg"
    assert result.methods["image_url"] == "meta"


def test_to_json_is_plain_strings() -> None:
    html = page(product(offers={"@type": "Offer", "price": "9.99", "priceCurrency": "USD", "sku": "Z"}))
    data = extract(html).to_json()
    json.dumps(data)
    assert data["price"] == "9.99"
    assert data["offers"][0]["key"] == "sku:Z"
    assert data["availability"] == "Unknown"


def test_several_top_level_products_the_one_named_like_the_heading_wins() -> None:
    other = product(name="Matching Shade", offers={"@type": "Offer", "price": "12", "priceCurrency": "EUR"})
    main = product(name="Desk Lamp Pro", offers={"@type": "Offer", "price": "89", "priceCurrency": "EUR"})
    result = extract(page(other, main, body="<h1>Desk Lamp Pro</h1>"))
    assert (result.price, result.title) == (Decimal("89"), "Desk Lamp Pro")


def test_jsonld_type_with_parameters_and_several_values_in_one_block() -> None:
    first = json.dumps({"@type": "Organization", "name": "Shop"})
    second = json.dumps(product(offers={"@type": "Offer", "price": "31.50", "priceCurrency": "EUR"}))
    script = f'<script type="application/ld+json; charset=utf-8">{first}\n{second}</script>'
    html = f"<html><head>{script}</head></html>"
    assert extract(html).price == Decimal("31.50")


def test_old_data_vocabulary_microdata() -> None:
    body = """<div itemscope itemtype="http://data-vocabulary.org/Product"><h1 itemprop="name">Mixer</h1>
      <span itemprop="offerDetails" itemscope itemtype="http://data-vocabulary.org/Offer">
      <meta itemprop="currency" content="EUR"><span itemprop="price">79,90</span></span></div>"""
    result = extract(page(body=body, lang="de"))
    assert (result.price, result.currency, result.title) == (Decimal("79.90"), "EUR", "Mixer")


def test_meta_sale_price_wins_over_regular_price() -> None:
    head = """<meta property="product:price:amount" content="59.00">
      <meta property="product:sale_price:amount" content="39.00">
      <meta property="product:price:currency" content="EUR">"""
    assert extract(page(head=head, body="<h1>Chair</h1>")).price == Decimal("39.00")


def test_entities_in_jsonld_and_meta_names_are_decoded_once() -> None:
    offer = {"@type": "Offer", "price": "499", "priceCurrency": "EUR"}
    html = page(product(name="Cama Elo&iacute;sa &amp;amp; &lt;b&gt;", brand="M&amp;M", offers=offer))
    result = extract(html, "https://shop.example/cama")
    assert result.title == "Cama Eloísa &amp; <b>"  # once: "&amp;amp;" was an ampersand written as "&amp;"
    assert result.brand == "M&M"
    meta = '<meta property="og:title" content="Sof&amp;aacute; &amp; Co">'  # double-encoded by the shop
    result = extract(page(head=meta), "https://shop.example/sofa")
    assert result.title == "Sofá & Co"
    text = "<title>Tom &amp;amp; Jerry</title>"  # decoded by the parser already: not again
    assert extract(page(head=text), "https://shop.example/tj").title == "Tom &amp; Jerry"
