"""Prices as the shopper sees them: price-like elements near the title and the buy button.

Each candidate is a short element whose class, id or itemprop names a price (in the shops' languages) or whose
text carries a currency; it is scored by those names, by sale-vs-list hints (strike-through, "old", "was",
"UVP"), and by its distance in document order from the product title and the buy button. Prices inside
related-product lists, menus, carts, instalment offers and hidden templates score low.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from lxml.html import HtmlElement

from pricewatch.scraping.extract.document import Page
from pricewatch.scraping.money import find_currency, parse_money

_PRICE_WORDS = re.compile(
    r"price|preis|prix|prezzo|precio|prijs|cena|preco|preço|fiyat|amount|cost|pvp|betrag", re.IGNORECASE
)
_LIST_WORDS = re.compile(
    r"old|was|strike|before|regular|list|original|rrp|uvp|cross|compare|prev|statt|"
    r"barr|normal|retail|msrp|instead|alt|reference|ref-|oud|eski|anterior|vorher|"
    r"non-?sale|full-?price|initial|base-?price|save|saving|discount-?amount|tachado",
    re.IGNORECASE,
)
_SALE_WORDS = re.compile(
    r"sale|special|final|current|now|offer|promo|actual|selling|our-?price|deal|"
    r"discounted|reduced|new-?price|nuevo|nouveau|sconto|indirim|main|primary|big",
    re.IGNORECASE,
)
_AVOID_WORDS = re.compile(
    r"related|recommend|similar|carousel|slider|recent|upsell|cross-?sell|also|bundle|"
    r"accessor|review|mini-?cart|minicart|basket-|cart-|menu|breadcrumb|shipping|delivery|"
    r"install?ment|financ|monthly|klarna|footer|header|nav|sidebar|widget|teaser|"
    r"suggest|sponsor|compar|tile|product-?list|listing|grid|swiper|owl-|banner|"
    r"frequently|others|customers|promo-?bar|cookie|modal|popup|unit-?price|"
    r"base-?price|grundpreis|per-?unit|variant|swatch|option",
    re.IGNORECASE,
)
_AVOID_TAGS = frozenset(
    {
        "nav",
        "footer",
        "header",
        "aside",
        "select",
        "option",
        "script",
        "style",
        "noscript",
        "template",
        "button",
        "label",
        "textarea",
        "del",
        "s",
        "strike",
    }
)
_LIST_TAGS = frozenset({"del", "s", "strike"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDDEN_CLASS = re.compile(
    r"(?:^|\s)(?:hidden|d-none|hide|is-hidden|visually-hidden|sr-only|invisible)(?:\s|$)"
)
_STRIKE_STYLE = re.compile(r"line-through", re.IGNORECASE)
_NOT_A_PRICE = re.compile(
    r"/\s*(?:mo|month|mes|mois|monat|mese|maand|ay|kg|l|m|100\s?g|st)\b|per month|al mes|par mois|im monat|"
    r"\bx\s*\d|\d\s*x\b|cuotas|taksit|rate\b|raten|ratenzahlung|versand|shipping|envío|livraison|spedizione|"
    r"kargo|verzending|delivery|save|spar|économ|risparmi|ahorra|\d\s?%|stars?\b|review|bewertung|avis",
    re.IGNORECASE,
)
BUY_WORDS = re.compile(
    r"add[\s_-]?to[\s_-]?(?:cart|basket|bag|trolley)|addtocart|add-to-cart|buy[\s_-]?now|buy[\s_-]?button|"
    r"in den warenkorb|warenkorb|ajouter au panier|aggiungi al carrello|añadir al carrito|añadir a la cesta|"
    r"in winkelwagen|in de winkelwagen|do koszyka|adicionar ao carrinho|sepete ekle|comprar|acheter|kaufen|"
    r"kopen|acquista|sat\u0131n al|kup teraz|bestellen",
    re.IGNORECASE,
)
_MAX_CANDIDATES = 400
_MAX_TEXT = 60


@dataclass(slots=True)
class Candidate:
    """A visible price-like element and its score (higher is more likely the price to pay)."""

    amount: Decimal
    currency: str | None
    score: float
    is_list: bool
    position: int
    text: str


def _attrs(el: HtmlElement) -> str:
    return f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')} {el.get('data-testid', '')}"


def anchors(page: Page, order: dict[HtmlElement, int], title: str | None) -> tuple[int | None, int | None]:
    """Document positions of the product title (h1) and the first buy button."""
    title_pos = None
    for h1 in page.root.iter("h1"):
        if not hidden(h1) and h1.text_content().strip():
            title_pos = order.get(h1)
            break
    buy_pos = None
    for el in page.root.xpath(
        "//button|//input[@type='submit' or @type='button']|//a[@class]|//form[@action]"
    ):
        label = f"{_attrs(el)} {el.get('value', '')} {el.get('action', '')} {el.text_content()[:80]}"
        if BUY_WORDS.search(label) and not avoided(el):
            buy_pos = order.get(el)
            break
    return title_pos, buy_pos


def hidden(el: HtmlElement) -> bool:
    for node in (el, *el.iterancestors()):
        if node.get("hidden") is not None or node.get("aria-hidden") == "true":
            return True
        if _HIDDEN_STYLE.search(node.get("style", "")) or _HIDDEN_CLASS.search(node.get("class", "")):
            return True
    return False


def avoided(el: HtmlElement) -> bool:
    for node in el.iterancestors():
        if node.tag in _AVOID_TAGS and node.tag not in _LIST_TAGS:
            return True
        if _AVOID_WORDS.search(_attrs(node)):
            return True
    return False


def _is_list_price(el: HtmlElement) -> bool:
    for depth, node in enumerate((el, *el.iterancestors())):
        if depth > 3:
            break
        if node.tag in _LIST_TAGS or _STRIKE_STYLE.search(node.get("style", "")):
            return True
        if _LIST_WORDS.search(_attrs(node)) and not _SALE_WORDS.search(_attrs(node)):
            return True
    return False


_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "option", "select", "textarea"})
_DECIMAL_PART = re.compile(r"decimal|fraction|cent|dec\b|minor", re.IGNORECASE)


def price_text(el: HtmlElement) -> str:
    """The element's text as a shopper reads it: "12" + "<sup>99</sup>" becomes "12.99"."""
    parts: list[str] = []
    for node in el.iter():
        if not isinstance(node.tag, str) or node.tag in _SKIP_TAGS:
            continue
        text = node.text or ""
        if node is not el and text.strip().isdigit() and parts and parts[-1].rstrip()[-1:].isdigit():
            if node.tag == "sup" or _DECIMAL_PART.search(node.get("class", "")):
                parts.append("," if "." in "".join(parts).rsplit(" ", 1)[-1] else ".")
        parts.append(text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return " ".join("".join(parts).split())


def candidates(page: Page, order: dict[HtmlElement, int]) -> list[Candidate]:
    """Score every short price-like element of the page."""
    found: list[Candidate] = []
    title_pos, buy_pos = anchors(page, order, None)
    seen: set[HtmlElement] = set()
    for el in order:
        if len(found) >= _MAX_CANDIDATES:
            break
        tag = el.tag
        if tag in ("script", "style", "noscript", "template", "head", "title", "option", "html", "body"):
            continue
        attrs = _attrs(el)
        named = bool(_PRICE_WORDS.search(attrs))
        own = (el.text or "").strip()
        if not named and not (own and any(ch.isdigit() for ch in own) and find_currency(own, page.money)):
            continue
        if any(a in seen for a in el.iterancestors()):
            continue
        text = price_text(el)
        if not text or len(text) > _MAX_TEXT or not any(ch.isdigit() for ch in text):
            continue
        if _NOT_A_PRICE.search(text):
            continue
        money = parse_money(text, page.money)
        if money is None or money.amount <= 0:
            continue
        seen.add(el)
        found.append(
            _score(el, money.amount, money.currency, text, named, order[el], title_pos, buy_pos, page)
        )
    return found


def _score(
    el: HtmlElement,
    amount: Decimal,
    currency: str | None,
    text: str,
    named: bool,
    pos: int,
    title_pos: int | None,
    buy_pos: int | None,
    page: Page,
) -> Candidate:
    score = 0.0
    attrs = _attrs(el)
    if named:
        score += 2
    if el.get("itemprop") == "price":
        score += 2
    if find_currency(text, page.money):
        score += 1.5
    if _SALE_WORDS.search(attrs):
        score += 1
    is_list = _is_list_price(el)
    if is_list:
        score -= 3
    if avoided(el):
        score -= 4
    if hidden(el):
        score -= 4
    for anchor, weight in ((title_pos, 3.0), (buy_pos, 3.0)):
        if anchor is None:
            continue
        distance = abs(pos - anchor)
        score += weight / (1 + distance / 40)
        if title_pos is not None and anchor == title_pos and pos < title_pos:
            score -= 0.5  # prices above the title are more often banners or breadcrumbs
    return Candidate(amount, currency, score, is_list, pos, text)


def best(found: list[Candidate]) -> Candidate | None:
    """The candidate most likely to be the price to pay (list prices excluded when any other exists)."""
    pool = [c for c in found if not c.is_list] or found
    if not pool:
        return None
    return max(pool, key=lambda c: (c.score, -c.position))
