"""Why this price: split prices, structured data against the buy box, candidates and their selectors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pricewatch.scraping.extract import UNSURE_BELOW, extract
from pricewatch.scraping.extract.labels import classify_label
from tests.support.pages import product_page


def page(body: str, offer: dict[str, object] | None = None, lang: str = "en") -> str:
    head = ""
    if offer is not None:
        data = {"@context": "https://schema.org", "@type": "Product", "name": "Kettle", "offers": offer}
        head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return (
        f'<html lang="{lang}"><head>{head}</head><body><header><a href="/cart">Cart</a></header>'
        f'<main><div class="pdp"><h1>Kettle</h1>{body}<button class="add-to-cart">Add to cart</button>'
        "</div></main></body></html>"
    )


@pytest.mark.parametrize(
    "body",
    [
        '<div class="box"><span class="price">$189</span><span class="cents">99</span></div>',
        '<div class="box"><span class="price">$189</span><span class="price-decimals">.99</span></div>',
        '<div class="box"><span class="amount">189</span><span class="sep">.</span>'
        '<span class="dec">99</span> $</div>',
        '<div><span class="value">189</span><span class="fraction">99</span>'
        '<span class="currency">$</span></div>',
        '<div class="p"><b>189</b><span>.99 $</span></div>',
        "<p>Price: <strong>189</strong>.<small>99</small> USD</p>",
        '<span class="promo-price">$189\n  <sup class="promo-price__fraction">99</sup></span>',
    ],
)
def test_split_price_markup_reads_whole_and_cents(body: str) -> None:
    result = extract(page(body))
    assert (result.price, result.currency) == (Decimal("189.99"), "USD")


def test_structured_list_price_yields_to_the_sale_price_the_page_shows() -> None:
    body = (
        '<div class="prices"><span class="old-price">1.999 TL</span><span class="now">1.599 TL</span></div>'
    )
    result = extract(page(body, {"@type": "Offer", "price": "1999", "priceCurrency": "TRY"}, "tr"))
    assert (result.price, result.list_price, result.methods["price"]) == (
        Decimal(1599),
        Decimal(1999),
        "visible",
    )
    assert not result.unsure and any("crosses out 1999" in line for line in result.evidence)


def test_expired_price_valid_until_lets_the_buy_box_win() -> None:
    body = '<div class="product-price"><span class="price">$59.00</span></div>'
    offer = {"@type": "Offer", "price": "79.00", "priceCurrency": "USD", "priceValidUntil": "2020-06-30"}
    result = extract(page(body, offer))
    assert (result.price, result.list_price) == (Decimal("59.00"), Decimal("79.00"))
    assert any("priceValidUntil (2020-06-30) has passed" in line for line in result.evidence)


def test_strikethrough_price_specification_is_the_list_price() -> None:
    offer = {
        "@type": "Offer",
        "priceCurrency": "USD",
        "priceSpecification": [
            {
                "@type": "UnitPriceSpecification",
                "priceType": "https://schema.org/StrikethroughPrice",
                "price": 34.99,
            },
            {"@type": "UnitPriceSpecification", "price": 24.99},
        ],
    }
    result = extract(page('<span class="price">$24.99</span>', offer))
    assert (result.price, result.list_price) == (Decimal("24.99"), Decimal("34.99"))


def test_structured_and_visible_agreeing_is_sure() -> None:
    result = extract(page('<span class="price">$24.99</span>', {"@type": "Offer", "price": "24.99"}))
    assert result.confidence >= 0.9 and not result.unsure


def test_offers_the_page_does_not_tell_apart_are_unsure() -> None:
    offers = [{"@type": "Offer", "price": "10.00", "priceCurrency": "USD"},
              {"@type": "Offer", "price": "12.00", "priceCurrency": "USD"}]  # fmt: skip
    result = extract(page("<p>Choose an option</p>", offers))
    assert result.price is not None and result.unsure and result.confidence < UNSURE_BELOW
    assert len([c for c in result.candidates if c.source == "jsonld"]) == 2


def test_bundle_offer_is_not_the_main_one() -> None:
    offers = [{"@type": "Offer", "name": "Kettle + Mug set", "price": "49.00", "priceCurrency": "USD"},
              {"@type": "Offer", "price": "39.00", "priceCurrency": "USD"}]  # fmt: skip
    assert extract(page("<p>Choose</p>", offers)).price == Decimal("39.00")


def test_each_visible_candidate_has_a_selector_that_reads_it_back() -> None:
    body = (
        '<div class="prices"><s class="was">$44.99</s> <span class="sale-price">$34.99</span></div>'
        '<section class="related"><span class="price">$9.99</span></section>'
    )
    html = page(body)
    result = extract(html)
    assert result.price == Decimal("34.99")
    chosen = [c for c in result.candidates if c.chosen]
    assert len(chosen) == 1 and chosen[0].context
    for cand in result.candidates:
        if cand.selector:
            assert extract(html, selector=cand.selector).price == cand.price, cand
    assert result.price_selector and extract(html, selector=result.price_selector).price == Decimal("34.99")


def test_picking_an_offer_makes_the_reading_sure() -> None:
    offers = [
        {"@type": "Offer", "price": "10.00", "sku": "A-100"},
        {"@type": "Offer", "price": "12.00", "sku": "B-200"},
    ]
    result = extract(page("<p>Choose</p>", offers))
    picked = result.pick("sku:B-200")
    assert (picked.price, picked.unsure, picked.confidence) == (Decimal("12.00"), False, 1.0)
    assert [c.chosen for c in picked.candidates if c.source == "jsonld"] == [False, True]


def test_a_unit_word_after_the_number_element_makes_it_a_price() -> None:
    body = '<dl><dt>판매가</dt><dd class="sell"><strong>39,900</strong>원</dd></dl>'
    result = extract(page(body, lang="ko"))
    assert (result.price, result.currency) == (Decimal(39900), "KRW")


def test_a_number_at_the_end_of_the_title_is_not_the_start_of_the_price() -> None:
    """ "<h1>Item 3</h1><p>45.67 EUR</p>": the paragraph starts a new amount; "3" is not a price."""
    page = product_page("Item 3", "45.67")
    result = extract(page)
    assert result.price == Decimal("45.67") and not result.unsure
    assert all(c.text != "Item 3" for c in result.candidates)


@pytest.mark.parametrize(
    ("body", "doubt"),
    [
        # An amount in brackets is a note or a unit price more often than the price.
        ('<span class="price">(€12.99 each)</span>', "brackets"),
        # A word the rules do not know stands before the amount.
        ('<span class="price">Treuekarte 12,99 €</span>', "unexplained label"),
        # A whole amount where the page's other prices show cents: the cents sat in an element missed.
        ('<span class="price">€129</span> <del class="old-price">149,99 €</del>', "without cents"),
    ],
)
def test_a_doubtful_visible_price_is_unsure(body: str, doubt: str) -> None:
    result = extract(page(body))
    assert result.price is not None and result.unsure, result.evidence
    assert any(doubt in note for note in result.evidence)


@pytest.mark.parametrize(
    "body",
    [
        '<span class="price">12,99 €</span> <del class="old-price">14,99 €</del>',
        '<span class="price">189,- €</span> <del class="old-price">219,99 €</del>',  # ",-": no cents, said so
        '<span class="price">¥3,300(税込)</span>',  # a tax note in brackets after the amount
        '<span class="price">판매가 18,500원</span>',
    ],
)
def test_a_plain_visible_price_is_not_doubted(body: str) -> None:
    result = extract(page(body))
    assert result.price is not None and not result.unsure, result.evidence


def test_overruling_the_structured_price_with_a_far_amount_is_unsure() -> None:
    offer = {"@type": "Offer", "price": "399.00", "priceCurrency": "EUR"}
    body = '<del class="price">399,00 €</del> <span class="price sale">9,90 €</span>'
    result = extract(page(body, offer))
    assert result.price == Decimal("9.90") and result.unsure


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("List price R", "list"),
        ("statt CHF", "list"),
        ("原價NT$", "list"),
        ("Ursprünglicher Preis war:", "list"),
        ("Current price is:", "sale"),
        ("Le prix actuel est :", "sale"),
        ("Per stuk", "sale"),
        ("Preis ab", "none"),  # "ab" is no filler: a "from" price stays unlabelled
        ("Item", "none"),
    ],
)
def test_a_label_is_read_through_a_currency_or_verb_at_its_end(label: str, kind: str) -> None:
    assert classify_label(label).name.lower() == kind


def test_the_selected_variant_wins_over_the_low_end_of_a_range() -> None:
    offer = {"@type": "AggregateOffer", "lowPrice": "39.00", "highPrice": "89.00", "priceCurrency": "GBP"}
    body = '<div class="price-box"><span class="price">£59.00</span></div><p>Single from £39.00</p>'
    result = extract(page(body, offer))
    assert result.price == Decimal("59.00") and not result.unsure, result.evidence


def test_a_price_shown_only_as_a_range_end_is_unsure() -> None:
    offer = {"@type": "Offer", "price": "20.00", "priceCurrency": "USD"}
    body = (
        '<div class="pdp__price"><span class="money">$20.00</span> to <span class="money">$35.00</span></div>'
    )
    result = extract(page(body, offer))
    assert result.price == Decimal("20.00") and result.unsure, result.evidence


def test_a_range_beside_the_chosen_variant_is_no_price() -> None:
    offer = {"@type": "Offer", "price": "1199.00", "priceCurrency": "EUR"}
    body = (
        '<p class="price"><span class="amount">€1,199.00</span> &ndash; '
        '<span class="amount">€1,399.00</span></p>'
        '<div class="single_variation"><span class="price"><span class="amount">€1,399.00</span></span></div>'
    )
    result = extract(page(body, offer))
    assert result.price == Decimal("1399.00") and not result.unsure, result.evidence
