"""Prices as the shopper sees them: price-like elements near the product title and the buy button.

A candidate is a short element whose class, id or itemprop names a price (in the shops' languages) or whose
own text carries a currency next to a number. It is scored by those names, by sale-vs-list hints
(strike-through, "old", "was", "UVP") and by its distance in document order from the title and the buy
button; prices inside related-product lists, menus, carts, instalment offers and hidden templates score low.
One pass over the scanned part of the tree (the buy box when structured data already gave prices, else the
whole page) finds the candidates and the short texts the availability stage reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import islice

from lxml import etree

from pricewatch.scraping.extract import tiles
from pricewatch.scraping.extract.document import Element, Page, text_start
from pricewatch.scraping.extract.kinds import MEMBER_PRICE, kind_of
from pricewatch.scraping.extract.labels import Label, label_before, text_before
from pricewatch.scraping.extract.layout import Layout
from pricewatch.scraping.extract.words import names as names_of
from pricewatch.scraping.money import (
    NUMBER_RE,
    Money,
    MoneyContext,
    ascii_digits,
    find_currency,
    parse_money,
    sign_as_decimal,
)

# Matched against lower-cased text: re.IGNORECASE makes these alternations ten times slower.
_PRICE_WORDS = re.compile(
    r"price|preis|prix|prezzo|precio|prijs|cena|preco|preço|fiyat|prc|amount|cost|pvp|betrag|pris|hinta|"
    r"kaina|cijena"
)
_DIGIT = re.compile(r"\d")
_NOT_A_PRICE = re.compile(
    r"/\s*(?:mo|month|mes|mês|mois|monat|mese|maand|mies|ay|kg|l|m|100\s?g|st)\b|per month|al mes|par mois|"
    r"im monat|monatlich|mtl\.|al mese|per maand|miesięcznie|por mês|ayl\u0131k|"
    r"\bx\s*\d|\d\s*x\b|cuotas|taksit|rate\b|raten|ratenzahlung|versand|shipping|envío|livraison|spedizione|"
    r"kargo|verzending|delivery|save|spar|économ|risparmi|ahorra|\d\s?%|stars?\b|review|bewertung|avis|"
    r"\bsku\b|\bean\b|\bgtin|art\.?-?nr|item\s?#|\bisbn|\*\s*\*|^\W*\(\s*\d+\s*\)\W*$"
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "option", "html", "body",
                        "meta", "link", "select", "textarea", "svg", "path"})  # fmt: skip
_TEXT_SKIP = frozenset({"script", "style", "noscript", "template", "option", "select", "textarea"})
_NOT_PRICE_PART = re.compile(
    r"shipping|delivery|versand|tax|vat|mwst|base|unit[-_]?price|price[-_]{0,2}unit(?!s)|per[-_]?unit|info|note|hint"
)
_DECIMAL_PART = re.compile(r"decimal|fraction|cent|dec\b|minor")
_MAX_CANDIDATES = 400
_PAIR_DISTANCE = 8  # elements between two prices of one price box
_LONELY_DISTANCE = 30  # elements around a list price where its sale price would be
_LONELY_MIN_SCORE = 3.0  # ... a list price this strong (named a price, near the title and buy button)
_MIN_SALE_RATIO = Decimal("0.3")  # a sale price below 30 % of the other is more likely an instalment
_MAX_TEXT = 60
MAX_PHRASE = 80
_BOX_MAX_ELEMENTS = 8  # a split price's box: the whole part, separator, cents, currency, a label
KIND_PENALTY = 5.0  # an instalment, unit, shipping or member price is shown as strongly as the price
TILE_PENALTY = 4.0
_HOPELESS = -2.0
_FRACTION_ONLY = re.compile(r"^\s*[.,]\s?\d{1,2}(?!\d)")
_DASHES = frozenset({"-", "\u2013", "\u2014"})
PRICE_RANGE = "price range"
COUNT = "count"
# A word and a bare whole number, no currency: a quantity tier ("bis 4", "up to 9") or a count in a cell or
# box the shop names for prices, not an amount of money.
_LABELLED_COUNT = re.compile(r"^\s*[^\W\d_][^\d]*\s\d{1,3}\s*$")
# An element that is an amount: it starts (or ends) with the number, give or take a currency sign or code.
_AMOUNT_FIRST = re.compile(r"^\s*(?:[^\W\d]{1,3}\.?\s?)?\W{0,3}\s*\d")
_AMOUNT_LAST = re.compile(r"\d\s*\W{0,3}\s*(?:[^\W\d]{1,3}\.?)?\s*$")
_RANGE_JOINERS = _DASHES | {"~", "\uff5e", "\u301c", "to", "bis", "à", "a", "até", "tot", "till", "do", "до"}
# A note in brackets after the amount: "29,900원 (9,100원 할인)", "$19.99 ($0.50 / oz)".
_BRACKET_NOTE = re.compile(r"\s*[(\[\uff08][^()\[\]]*\d[^()\[\]]*[)\]\uff09]\s*$")


@dataclass(slots=True)
class Candidate:
    """A visible price-like element and its score (higher is more likely the price to pay)."""

    amount: Decimal
    currency: str | None
    score: float
    is_list: bool
    position: int
    text: str
    element: Element | None = None
    sale: bool = False  # named or labelled as the price to pay now
    kind: str | None = None  # what it is when not the price: "instalment", "unit price"... (see kinds)
    tiled: bool = False  # in one of several boxes alike: a product tile, another seller's offer (see tiles)


@dataclass(slots=True)
class Scan:
    """What one pass over (part of) the page found: price candidates, anchor positions, short texts."""

    candidates: list[Candidate] = field(default_factory=list)
    title_pos: int | None = None
    buy_pos: int | None = None
    texts: list[tuple[int, Element]] = field(default_factory=list)  # elements with a short own text


def price_text(el: Element, limit: int = 400) -> str:
    """The element's text as a shopper reads it: "12" + "<sup>99</sup>" becomes "12.99"; a part inside it
    that is marked as shipping or tax information ("zzgl. Versand") is left out. Reading stops after
    ``limit`` nodes (a price is short; a big box named "price-page" is not one)."""
    parts: list[str] = []
    budget = [limit]

    def read(node: Element, top: bool) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            return
        if not isinstance(node.tag, str):  # a comment: "-<!-- -->47<!-- -->%" reads "-47%"
            return
        if not top and (node.tag in _TEXT_SKIP or _is_note(node.get("class", ""))):
            return
        text = node.text or ""
        if not top and text.strip() in _DASHES and parts and parts[-1].rstrip()[-1:].isdigit():
            text = ",-"  # "12<sup>-</sup>": a whole amount, written the Dutch and Nordic way ("12,-")
        elif (
            not top
            and text.strip().isdigit()
            and parts
            and parts[-1].rstrip()[-1:].isdigit()
            and (node.tag == "sup" or _DECIMAL_PART.search(node.get("class", "").lower()))
        ):
            parts[-1] = parts[-1].rstrip()  # "40\n  <sup>99</sup>" is 40.99, not "40 .99"
            parts.append("," if "." in "".join(parts).rsplit(" ", 1)[-1] else ".")
        parts.append(text)
        for child in node:
            read(child, False)
            if child.tail:  # a child's tail follows the child and everything inside it
                parts.append(child.tail)

    read(el, True)
    return sign_as_decimal(" ".join("".join(parts).split()))


@lru_cache(maxsize=4096)
def _is_note(classes: str) -> bool:
    """Whether a part's class marks shipping, tax or unit-price information ("price-tax", "tax-label"). A
    bare "tax" among other classes is a flag on the price itself (Magento's "price-container tax weee"); the
    utility class "text-base" (Tailwind's font size, "md:text-base") is no base price."""
    tokens = [c for c in classes.lower().split() if c.rsplit(":", 1)[-1] != "text-base"]
    names = " ".join(c for c in tokens if c not in ("tax", "weee")) if len(tokens) > 1 else " ".join(tokens)
    return _NOT_PRICE_PART.search(names) is not None


@lru_cache(maxsize=8192)
def _names_price(name: str) -> bool:
    """Whether a class, id or itemprop names a price (cached: pages repeat their class strings)."""
    return _PRICE_WORDS.search(name.lower()) is not None


def _inside(node: Element, part: Element, top: Element) -> bool:
    for parent in node.iterancestors():
        if parent is part:
            return True
        if parent is top:
            return False
    return False


def scan(page: Page, layout: Layout, container: Element | None = None) -> Scan:
    """Find and score the price-like elements under ``container`` (the whole page by default)."""
    root = page.root if container is None else container
    result = Scan()
    hits: list[tuple[int, Element, bool]] = []
    title, buy = layout.title, layout.buy
    texts = result.texts
    context = page.money
    for pos, el in enumerate(root.iter(etree.Element)):
        if el is title:
            result.title_pos = pos
        elif el is buy:
            result.buy_pos = pos
        if el.tag in _SKIP_TAGS:
            continue
        text = el.text
        if text is not None:
            size = len(text)
            if size > MAX_PHRASE or text.isspace():
                text = None
            else:
                texts.append((pos, el))
        get = el.get
        name = get("class")
        named = name is not None and _names_price(name)
        if not named:
            name = get("id")
            named = name is not None and _names_price(name)
            if not named:
                name = get("itemprop")
                named = name is not None and _names_price(name)
        if named or (
            text is not None
            and _DIGIT.search(text)
            and (find_currency(text, context) or _currency_follows(el, context))
        ):
            hits.append((pos, el, named))
    inside_until = -1  # hits inside an accepted candidate (its descendants follow it) are parts of it
    taken: set[Element] = set()  # elements read as part of a price assembled from its parent
    for pos, el, named in hits:
        if len(result.candidates) >= _MAX_CANDIDATES:
            break
        if pos <= inside_until or el in taken:
            continue
        text = ascii_digits(price_text(el))
        own_text, own = text, parse_money(text, page.money) if text else None
        box = _split_price_box(el, text, own, page)
        if box is not None:
            el, text = box
            named = named or _names_price(names_of(el))
            taken.update(el.iter(etree.Element))
        if not text or len(text) > _MAX_TEXT or not _DIGIT.search(text) or _NOT_A_PRICE.search(text.lower()):
            continue
        if len(NUMBER_RE.findall(text)) > 1:
            # "-9,49 € 4,99 €": a box around several amounts, not one price; but an amount followed by a
            # note in brackets is the amount when the element writes it itself ("29,900원 <span>(9,100원
            # 할인)</span>"); a big box around it (title, price, notes) is still no price.
            text = _BRACKET_NOTE.sub("", text) if el.text and _DIGIT.search(el.text) else text
            if len(NUMBER_RE.findall(text)) != 1:
                continue
        # The element's own reading, unless the box or a bracket note changed its text.
        money = own if text == own_text else parse_money(text, page.money)
        if money is None or money.amount <= 0:
            continue
        inside_until = pos + sum(1 for _ in el.iter(etree.Element)) - 1
        result.candidates.append(
            _score(el, money.amount, money.currency, text, named, pos, result, layout, page)
        )
    _mark_tiles(result.candidates, layout)
    _pair_old_prices(result.candidates)
    _lonely_list_prices(result.candidates, layout)
    _only_member_prices(result.candidates)
    return result


def _lonely_list_prices(found: list[Candidate], layout: Layout) -> None:
    """A price only named like a list price ("regular-price", "price--normal"), not crossed out nor
    labelled "was", with no lower price to pay beside it (a member price is none), is the price: shops call
    the non-member or non-sale price "regular" too."""
    for cand in found:
        el = cand.element
        if (
            not cand.is_list
            or cand.tiled
            or cand.score < _LONELY_MIN_SCORE
            or el is None
            or cand.currency is None
        ):
            continue
        if layout.crossed_out(el) or _amount_crossed_out(el, layout):
            continue
        if label_before(el, cand.text) is Label.LIST:
            continue
        sale = any(
            abs(c.position - cand.position) <= _LONELY_DISTANCE
            and c.amount < cand.amount
            and not c.is_list
            and not c.tiled
            and c.kind is None
            and c.score > 0
            for c in found
        )
        if not sale:
            cand.is_list = False
            cand.score += 3


def _only_member_prices(found: list[Candidate]) -> None:
    """A member or coupon price is the price when the page shows no other: the visitor is a member (logged
    in), or the shop sells only that way."""
    if any(c.kind is None and not c.is_list and c.score > 0 for c in found):
        return
    for cand in found:
        if cand.kind == MEMBER_PRICE:
            cand.kind = None
            cand.score += KIND_PENALTY


def _mark_tiles(found: list[Candidate], layout: Layout) -> None:
    # Prices already far out of the running (in menus, related-product lists, hidden) need no second look.
    # An amount already read as no price (net of tax, shipping) beside the price is no other offer either.
    live = [c for c in found if c.score > _HOPELESS and c.kind is None]
    if len(live) < 2:
        return
    for cand, tiled in zip(live, tiles.repeated(live, layout.title), strict=True):
        if tiled:
            cand.tiled = True
            cand.score -= TILE_PENALTY


_INLINE = frozenset(
    {"span", "b", "strong", "i", "em", "small", "sup", "sub", "bdi", "font", "abbr", "data", "ins", "u", "s"}
)


def _currency_follows(el: Element, context: MoneyContext) -> bool:
    """Whether the element's digits go on in what follows them: "<b>34</b>,99 €", "<b>34</b><sup>99</sup> €",
    "<p>7,678<span>円</span></p>"."""
    text = el.text or ""
    if not text.strip()[-1:].isdigit() or len(text) > 12:
        return False
    first = el[0] if len(el) else None
    if first is not None and isinstance(first.tag, str) and first.tag in _INLINE:
        # The digits go on in the element's first child: "<p>7,678<span>円</span></p>".
        after = (first.text or "")[:12]
    else:
        after = (el.tail or "")[:12]
    if not after.strip():
        # Only an inline sibling goes on with the same amount; a paragraph or a block after a heading
        # ("<h1>Item 3</h1><p>45.67 EUR</p>") starts something new.
        nxt = el.getnext()
        inline = nxt is not None and isinstance(nxt.tag, str) and nxt.tag in _INLINE
        after = (nxt.text or "")[:12] if nxt is not None and inline else ""
    # Read with the last digit before it: a unit written right after the digits ("<b>39,900</b>원") is
    # matched only there.
    return bool(after.strip()) and find_currency(text.strip()[-1:] + after, context) is not None


def _split_price_box(el: Element, text: str, own: Money | None, page: Page) -> tuple[Element, str] | None:
    """The small box around ``el`` when the price is split over it and its siblings (the whole part here,
    the cents, the separator or the currency there): "<span>189</span><span>.99</span>", "<b>34</b>,99 €".

    The box is taken only when it reads as one amount that completes this one: the same whole part with
    cents added, a currency this element lacks, or the whole part when this element holds only the fraction
    ("<span>,99 €</span>"). ``own`` is ``text`` read as money.
    """
    fraction_only = bool(_FRACTION_ONLY.match(text))
    if own is not None and own.currency is not None and own.amount != own.amount.to_integral_value():
        return None  # already a whole price with cents and currency
    if own is None and not fraction_only:
        return None
    node = el
    for _ in range(2):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html") or _larger_than(parent, _BOX_MAX_ELEMENTS):
            return None
        box_text = ascii_digits(price_text(parent, limit=_BOX_MAX_ELEMENTS + 4))
        if len(box_text) > _MAX_TEXT or len(NUMBER_RE.findall(box_text)) != 1:
            return None
        whole = parse_money(box_text, page.money)
        if whole is not None and whole.amount > 0:
            if own is None or (own.currency is None and whole.currency is not None):
                return parent, box_text
            completes = whole.amount != own.amount and whole.amount.to_integral_value(
                rounding="ROUND_FLOOR"
            ) == own.amount.to_integral_value(rounding="ROUND_FLOOR")
            if completes or (whole.amount == own.amount and own.currency is None and whole.currency):
                return parent, box_text
        node = parent
    return None


def _larger_than(el: Element, size: int) -> bool:
    """Whether the element and its descendants are more than ``size`` elements (without counting them all)."""
    return next(islice(el.iter(etree.Element), size, None), None) is not None


def _pair_old_prices(found: list[Candidate]) -> None:
    """Two unmarked prices side by side in one price box: the higher is the old price.

    Shops name the crossed-out price in many ways ("prc-org", "cena-stara"); its place beside a lower price
    of the same currency, within a plausible discount (at most 70 %), gives it away all the same.
    """
    plain = [c for c in found if not c.is_list and c.kind is None and c.element is not None]
    read: set[int] = set()
    for i, first in enumerate(plain):
        for second in plain[i + 1 :]:
            if second.position - first.position > _PAIR_DISTANCE:
                break
            if first.currency != second.currency or first.amount == second.amount:
                continue
            high, low = (first, second) if first.amount > second.amount else (second, first)
            if high.sale:
                continue  # named the price to pay: a lower amount beside it is something else
            if low.amount < high.amount * _MIN_SALE_RATIO or not _same_box(first, second):
                continue
            if _has_kind(first, read) or _has_kind(second, read):
                continue
            high.is_list = True
            high.score -= 3


def _has_kind(cand: Candidate, read: set[int]) -> bool:
    """Whether the candidate is an instalment, tax-excluded or other non-price amount. Weak candidates were
    not read for their kind when scored; they are read here, once, when they would pair ("Ex Tax" beside
    the price is no sale price)."""
    if cand.kind is None and cand.score <= 0 and id(cand) not in read and cand.element is not None:
        read.add(id(cand))
        cand.kind = kind_of(text_before(cand.element, cand.text), _text_after(cand.element, cand.text))
    return cand.kind is not None


def _same_box(first: Candidate, second: Candidate) -> bool:
    """Whether the two share their parent or grandparent."""
    if first.element is None or second.element is None:
        return False
    above = [first.element.getparent()]
    if above[0] is not None:
        above.append(above[0].getparent())
    parent = second.element.getparent()
    grand = parent.getparent() if parent is not None else None
    return any(node is not None and (node is parent or node is grand) for node in above)


def _score(el: Element, amount: Decimal, currency: str | None, text: str, named: bool, pos: int, found: Scan,
           layout: Layout, page: Page) -> Candidate:  # fmt: skip
    score = 2.0 if named else 0.0
    if el.get("itemprop") == "price":
        score += 2
    if currency or find_currency(text, page.money):
        score += 1.5
    if layout.is_sale_price(el):
        score += 1
    is_list = layout.is_list_price(el) or _amount_crossed_out(el, layout)
    label = label_before(el, text)
    if label is Label.LIST:
        is_list = True
    elif label is Label.SALE:
        score += 1
    if is_list:
        score -= 3
    if layout.avoided(el, price=True):
        score -= 4
    if layout.hidden(el):
        score -= 4
    for anchor in (found.title_pos, found.buy_pos):
        if anchor is not None:
            score += 3.0 / (1 + abs(pos - anchor) / 40)
    if found.title_pos is not None and pos < found.title_pos:
        score -= 0.5  # prices above the title are more often banners or breadcrumbs
    sale = label is Label.SALE or layout.is_sale_price(el)
    # Only a candidate that could win needs reading as an instalment, unit or member price.
    kind = kind_of(text_before(el, text), _text_after(el, text)) if score > 0 else None
    if kind is None and score > 0:
        if _range_bound(el):
            kind = PRICE_RANGE
        elif label is Label.NONE and _LABELLED_COUNT.match(text) and not find_currency(text, page.money):
            kind = COUNT
    if kind is not None:
        score -= KIND_PENALTY
    return Candidate(amount, currency, score, is_list, pos, text, el, sale, kind)


def _range_bound(el: Element) -> bool:
    """Whether the amount is one end of a range ("€1,199.00 - €1,399.00", "¥800〜¥1,200"): a dash or
    "to" joins it to another amount beside it, as variable products show the span of their variants."""
    nxt = el.getnext()
    if el.tail and el.tail.strip().lower() in _RANGE_JOINERS and nxt is not None:
        return _AMOUNT_FIRST.match(text_start(nxt, _MAX_TEXT)) is not None
    prev = el.getprevious()
    if prev is not None and prev.tail and prev.tail.strip().lower() in _RANGE_JOINERS:
        return _AMOUNT_LAST.search(text_start(prev, _MAX_TEXT)) is not None
    return False


def _amount_crossed_out(el: Element, layout: Layout) -> bool:
    """Whether the amount inside ``el`` is struck through below it: a row "Price <s>39,000</s>" read whole
    carries its label, but the strike on its amount makes it the old price all the same."""
    if el.text and _DIGIT.search(el.text):
        return False
    for node in el.iterdescendants(etree.Element):
        if node.text and _DIGIT.search(node.text):
            return layout.crossed_out(node)
    return False


def _text_after(el: Element, text: str) -> str:
    """What follows the amount: the rest of the element's own text, the notes inside it that the price text
    leaves out ("<span class="tax">(tax excl.)</span>") and the text right after it."""
    last = max((i for i, ch in enumerate(text) if ch.isdigit()), default=len(text) - 1)
    notes = [text_start(n, 30) for n in el.iterdescendants(etree.Element) if _is_note(n.get("class", ""))][:2]
    tail = (el.tail or "")[:30]
    if not tail.strip():
        # The unit in an element of its own: "<span>24,90 €</span><span>pro kg</span>"; an element with
        # digits is another amount with its own label ("M.R.P.: ₹1,39,900"), unless it starts as a unit.
        nxt = el.getnext()
        tail = text_start(nxt, 30) if nxt is not None and isinstance(nxt.tag, str) else ""
        if _DIGIT.search(tail) and not tail.lstrip().startswith("/"):
            tail = ""
    return " ".join([text[last + 1 :], *notes, tail])


def best(found: list[Candidate]) -> Candidate | None:
    """The candidate most likely to be the price to pay (list prices excluded when any other exists); never
    an instalment, unit, shipping or member price; a range's low end only when nothing else is shown."""
    usable = [c for c in found if c.kind is None]
    pool = [c for c in usable if not c.is_list] or usable
    if not pool:
        # Only a range of the variants' prices: its low end, as the price the shopper starts from (the
        # confidence marks it a guess).
        ends = [c for c in found if c.kind == PRICE_RANGE and not c.tiled]
        return min(ends, key=lambda c: (c.amount, c.position)) if ends else None
    return max(pool, key=lambda c: (c.score, -c.position))
