"""Fuzzed pages and price strings never make extraction raise; a page without a price says why."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricewatch.scraping.extract import Extraction, extract
from pricewatch.scraping.money import MoneyContext, parse_amount, parse_money
from pricewatch.scraping.pool import extraction_from_json

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TAGS = [*("div", "span", "sup", "sub", "small", "b", "s", "del"), *("p", "h1", "button", "li", "ul", "a")]
_CLASSES = [
    *("price", "old-price", "price__cents", "decimals", "fraction", "related", "buy-box", "sale"),
    *("add-to-cart", "sizes", "amount", "line-through", "currency", "hidden", "other-sellers", ""),
]
_WORDS = [
    *("€", "$", "₩", "원", "円", "¥", "₹", "฿", "₫", "zł", "Kč", "kr", "lei", "R$", "TL", "₺", "ر.س", "NT$"),
    # Eastern Arabic, Devanagari and full-width digits with their separators
    *("\u0661\u066c\u0662\u0669\u0669\u066b\u0660\u0660", "\u0967,\u096a\u096f\u096f"),
    "\uff11\uff12\uff0c\uff18\uff10\uff10",
    *("1.299,00", "34", ",99", ".", "99", "Was", "Sold out", "品切れ", "Only 2 left", "Add to cart", "UVP"),
    *("SKU 123456", "-", "+", "\u200f", "&amp;", "<", "0", "1e309"),
]

texts = st.one_of(st.sampled_from(_WORDS), st.text(max_size=12))


@st.composite
def fragments(draw: st.DrawFn, depth: int = 0) -> str:
    """A random HTML fragment of price-like pieces, nested a few levels, sometimes malformed."""
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(_TAGS))
            cls = draw(st.sampled_from(_CLASSES))
            inner = draw(fragments(depth + 1))
            close = "" if draw(st.integers(0, 9)) == 0 else f"</{tag}>"
            parts.append(f'<{tag} class="{cls}">{inner}{close}')
        else:
            parts.append(draw(texts).replace("<", "&lt;") if draw(st.booleans()) else draw(texts))
    return " ".join(parts)


@st.composite
def pages(draw: st.DrawFn) -> str:
    lang = draw(st.sampled_from(["en", "de", "ko", "ja", "ar-SA", "zh-Hant-TW", "tr", "hi", "", "x-\u0000"]))
    head = ""
    if draw(st.booleans()):
        offer = {
            "@type": "Offer",
            "price": draw(st.one_of(texts, st.integers(-5, 10**13), st.none())),
            "priceCurrency": draw(texts),
            "priceValidUntil": draw(texts),
            "priceSpecification": {"priceType": "https://schema.org/ListPrice", "price": draw(texts)},
        }
        data = {"@context": "https://schema.org", "@type": "Product", "name": draw(texts), "offers": offer}
        head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    body = f"<h1>{draw(texts)}</h1>{draw(fragments())}"
    return f'<html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def _check(result: Extraction) -> None:
    assert isinstance(result, Extraction)
    assert 0.0 <= result.confidence <= 1.0
    if result.price is None:
        assert result.reason, "a page without a price says why"
        assert not result.unsure
    else:
        assert result.price.is_finite() and result.price > 0
        assert result.unsure == (result.confidence < 0.6)
    assert extraction_from_json(json.loads(json.dumps(result.to_json()))) == result


@FUZZ
@given(pages())
def test_fuzzed_pages_never_raise(html: str) -> None:
    _check(extract(html, "https://shop.example/p/1"))
    _check(extract(html.encode("utf-8", "surrogatepass")))


@FUZZ
@given(fragments(), st.sampled_from([None, "div", "span.price", "[", "h1 + *", "*:nth-of-type(2)"]))
def test_fuzzed_fragments_with_a_selector_never_raise(fragment: str, selector: str | None) -> None:
    _check(extract(f"<div>{fragment}</div>", selector=selector))


@FUZZ
@given(st.text(max_size=60), st.sampled_from([None, "de", "ar-EG", "ja", "hi-IN", "zh-cn", "sv"]))
def test_price_strings_never_raise(text: str, lang: str | None) -> None:
    ctx = MoneyContext(lang=lang) if lang else None
    money = parse_money(text, ctx)
    if money is not None:
        assert isinstance(money.amount, Decimal) and money.amount.is_finite()
    for token in text.split():
        amount = parse_amount(token, ctx)
        assert amount is None or amount.is_finite()


@FUZZ
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=5))
def test_price_pieces_in_any_order_never_raise(pieces: list[str]) -> None:
    html = "<html><body><h1>Thing</h1><div class='price'>" + "<span>".join(pieces) + "</div></body></html>"
    _check(extract(html))


def test_a_page_without_a_product_says_no_price_with_the_reason() -> None:
    result = extract("<html><body><h1>About us</h1><p>We are a small shop.</p></body></html>")
    assert result.price is None and result.reason == "no price found on the page"
    assert (result.confidence, result.unsure, result.candidates) == (0.0, False, [])
