"""How sure an extraction is of its price, from the basis of the choice and what competed with it.

The basis says how the price was chosen (structured data the buy box confirms, structured data alone, the
visible page alone, a conflict between them...); each has a base confidence, lowered when the evidence is thin
(a visible price barely ahead of another amount, structured offers that differ with none shown, no currency)
and when a price read from the page looks like a misreading (see :func:`_doubts`): the wrong prices a rule
misses on an unseen shop have those marks, while right ones rarely do.
Below :data:`~pricewatch.scraping.extract.result.UNSURE_BELOW` the reading is marked unsure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from pricewatch.scraping.extract import evidence, visible
from pricewatch.scraping.extract.document import Page
from pricewatch.scraping.extract.labels import Label, classify_label
from pricewatch.scraping.extract.result import UNSURE_BELOW, Extraction, PriceCandidate
from pricewatch.scraping.extract.visible import Candidate
from pricewatch.scraping.money import symbol_free

NONE = "none"
SELECTOR = "selector"
AGREE = "agree"  # structured price and the buy box's strongest price are the same
SHOWN = "shown"  # the structured price is shown, about as strongly as any other
SHOWN_WEAK = "shown_weak"  # ... but another amount is shown much more strongly
KEPT = "kept"  # the page shows only crossed-out prices beside the structured one
STRUCTURED_UNSEEN = "structured_unseen"  # no price text on the page to check it against
VISIBLE_EVIDENCE = "visible_evidence"  # visible taken: the structured one crossed out, stale, not the sale
VISIBLE_STRONG = "visible_strong"  # visible price taken: strong, and the structured one never shown
CENTS = "cents"  # visible price taken: the structured one is the same amount counted in cents
CONFLICT = "conflict"  # structured kept though the page never shows it and shows another price
VISIBLE = "visible"  # no structured price: the visible page alone
DATALAYER = "datalayer"
STATE = "state"  # no structured or visible price: the app's state script
FALLBACK = "(the first buyable of offers at different prices)"

_BASE = {
    SELECTOR: 0.95,
    AGREE: 0.97,
    SHOWN: 0.85,
    SHOWN_WEAK: 0.55,
    KEPT: 0.8,
    STRUCTURED_UNSEEN: 0.8,
    VISIBLE_EVIDENCE: 0.85,
    VISIBLE_STRONG: 0.65,
    CENTS: 0.9,
    CONFLICT: 0.4,
    DATALAYER: 0.65,
    STATE: 0.65,
}
_SOURCES = {
    "jsonld": "JSON-LD",
    "microdata": "microdata",
    "meta": "the product meta tags",
    "visible": "the page",
}
_FALLBACK_TEXT = {"datalayer": "analytics data layer", "state": "the page's state script"}
_GUESS = 0.5
_DECIDED = 1.0  # a set-aside amount this close to the chosen one before its penalty decided the choice
_LISTING_TILES = 3
_TILE_PENALTY = visible.TILE_PENALTY
_KIND_PENALTY = visible.KIND_PENALTY
_MAX_LIST_DISTANCE = 30  # elements between a price and its crossed-out list price
_MAX_DISCOUNT = Decimal(5)  # a "list price" above five times the price belongs to something else
_DOUBT = 0.3  # a doubt about a price read from the page puts a well-placed one below the unsure threshold
_LABEL_LETTERS = 3
_HOPELESS = -3.0  # amounts this weak (in menus, carts, hidden) say little about the page's format
_MIN_RATIO = Decimal("0.3")  # a sale below 30 % of the structured price is more likely another amount
_MAX_RATIO = Decimal("1.5")
_BELOW_PRICE = frozenset({"saving", "instalment", "shipping cost"})
_WITHOUT_TAX = "price without tax"
# Sales taxes of 4 to 27 %, with room for the net amount's rounding (12 990 Ft gross is 10 228 Ft net).
_TAX_LOW, _TAX_HIGH = Decimal(1) / Decimal("1.28"), Decimal(1) / Decimal("1.04")
_CENTS = re.compile(r"\d[.,]\d{1,2}(?!\d)|\d[.,:][-\u2013]")  # "9,99"; "189,-" and "4 990:-" say "no cents"


def source_name(method: str) -> str:
    return _SOURCES.get(method, method)


def finish(result: Extraction, basis: str, found: list[Candidate], page: Page, buy_box: bool = False) -> None:
    """Fill in the candidates, the list price, the confidence and the unsure flag; ``buy_box`` tells whether
    the page has a buy button of its own (outside lists of other products)."""
    currency = result.currency
    structured = evidence.structured_candidates([o for o in result.offers if o.method != "visible"])
    shown = evidence.visible_candidates(found, page, currency)
    candidates = structured + shown
    chosen_at = _chosen(candidates, result)
    if chosen_at < 0 and result.price is not None:
        # Read by the user's selector or from the data layer: no structured or visible candidate has it.
        method = result.methods.get("price", "")
        text = (
            f"CSS selector {result.price_selector}"
            if method == "selector"
            else _FALLBACK_TEXT.get(method, method)
        )
        candidates.insert(0, PriceCandidate(result.price, result.currency, method, text=text,
                                            selector=result.price_selector))  # fmt: skip
        chosen_at = 0
    result.candidates = [replace(c, chosen=i == chosen_at) for i, c in enumerate(candidates)]
    if result.price is None:
        result.confidence, result.unsure = 0.0, False
        return
    if result.list_price is None:
        result.list_price = _visible_list_price(result, found)
    if result.list_price is not None and result.list_price <= result.price:
        result.list_price = None
    if basis == VISIBLE:
        score: float | None = _visible_confidence(result.price, found, result.evidence, buy_box)
    else:
        score = _BASE.get(basis)
    score = 0.5 if score is None else score
    if basis in (VISIBLE, VISIBLE_EVIDENCE, VISIBLE_STRONG):
        doubts = _doubts(result, found)
        if doubts:
            score -= _DOUBT
            result.evidence.extend(doubts)
    if result.currency is None:
        score -= 0.1
        result.evidence.append("the page does not say the currency")
    # Offers at different prices that the page does not tell apart make the choice a guess, however well
    # the buy box agrees with it.
    if FALLBACK in " ".join(result.evidence):
        score = min(score, _GUESS)
    if _offers_compete(result, found):
        score = min(score, _GUESS)
        result.evidence.append("the page shows the prices of several of its offers; the main one is a guess")
    if _only_range_end(result.price, found):
        score = min(score, _GUESS)
        result.evidence.append("the page shows it only as an end of a price range; the variant is not chosen")
    result.confidence = round(min(1.0, max(0.0, score)), 3)
    result.unsure = result.confidence < UNSURE_BELOW


def _doubts(result: Extraction, found: list[Candidate]) -> list[str]:
    """What makes a price read from the page look like a misreading, in any shop: an unknown word before the
    amount ("Tooteid 5", "coupon price"), an amount in brackets (a unit price or a note), a whole amount
    where the page's other prices show cents (the cents in a split element missed), or an amount far
    from the structured one it overrules."""
    price = result.price
    mine = [c for c in found if c.amount == price and not c.is_list and c.kind is None]
    if price is None or not mine:
        return []
    seen = max(mine, key=lambda c: c.score)
    text = seen.text
    notes = []
    cut = next((i for i, ch in enumerate(text) if ch.isdigit()), len(text))
    words = symbol_free(text[:cut])
    # A label the rules do not know is no doubt when the shop names the element its sale price anyway.
    if (
        not seen.sale
        and sum(ch.isalpha() for ch in words) >= _LABEL_LETTERS
        and classify_label(words) is not Label.SALE
    ):
        notes.append(f"an unexplained label stands before the amount ({text[:cut].strip()!r})")
    if "(" in text[:cut]:
        notes.append("the amount is written in brackets, as notes and unit prices are")
    # Only other prices show the page's format: amounts worked out from the price (without tax, per
    # unit, per instalment) have cents whatever the shop writes.
    if not _CENTS.search(text) and any(
        c is not seen and c.kind is None and c.currency == seen.currency and _CENTS.search(c.text)
        and c.score > _HOPELESS
        for c in found
    ):  # fmt: skip
        notes.append("it is written without cents while the page's other prices show them (a split price?)")
    structured = result.structured_price
    ranged = any(o.spans(price) for o in result.offers)
    if structured and not ranged and (price < structured * _MIN_RATIO or price > structured * _MAX_RATIO):
        notes.append(f"it is far from the structured price {structured}")
    return notes


def _only_range_end(price: Decimal, found: list[Candidate]) -> bool:
    """Whether the page shows the price only as one end of a range ("€20.00 - €35.00"): the price of the
    variant the shopper will choose is not known."""
    mine = [c for c in found if c.amount == price and not c.is_list and not c.tiled]
    return bool(mine) and all(c.kind == visible.PRICE_RANGE for c in mine)


def _offers_compete(result: Extraction, found: list[Candidate]) -> bool:
    """Whether structured offers at different prices are shown on the page as prices to pay, more than one
    of them: the page itself then says no more than the offers do about which one is the product's."""
    if result.methods.get("price") not in ("jsonld", "microdata"):
        return False
    prices = {o.price for o in result.offers if o.price is not None and o.method != "visible"}
    if len(prices) < 2:
        return False
    # A "from" price, an instalment or a range's end shows no offer as the product's own.
    shown = {
        c.amount
        for c in found
        if not c.is_list and c.kind is None and (c.score >= 0 or c.tiled) and c.amount in prices
    }
    return len(shown) >= 2


def _chosen(candidates: list[PriceCandidate], result: Extraction) -> int:
    method = result.methods.get("price", "")
    best = -1
    for i, cand in enumerate(candidates):
        if cand.price != result.price or cand.role == "list":
            continue
        if cand.source == method or method in ("selector", *_FALLBACK_TEXT):
            return i
        if best < 0:
            best = i
    return best


def _visible_confidence(price: Decimal, found: list[Candidate], notes: list[str], buy_box: bool) -> float:
    """A visible-only price: surer the stronger it is and the further ahead of any other amount; less sure
    when only a rule set aside a stronger amount (as another seller's or product's, or as an instalment,
    unit or member price): a shop that words or lays those out in a way the rules miss gets a wrong price."""
    mine = max(
        (c.score for c in found if c.amount == price and not c.is_list and c.kind is None), default=0.0
    )
    rivals = [c for c in found if c.amount != price and not c.is_list]
    rival = max((c.score for c in rivals if c.kind is None and not c.tiled), default=None)
    score = 0.45 + 0.05 * min(mine, 8.0)
    if rival is not None and rival >= mine - 1.0:
        score -= 0.25  # another amount is shown about as prominently
    elif rival is not None and rival >= mine - 2.5:
        score -= 0.1
    tiled = max((c.score + _TILE_PENALTY for c in rivals if c.tiled and c.kind is None), default=None)
    if tiled is not None and tiled >= mine - _DECIDED:
        score -= 0.15
        notes.append("an amount about as strong sits in a box repeated for other products or sellers")
    kind = max(
        (
            c.score + _KIND_PENALTY
            for c in rivals
            if c.kind is not None and c.kind != visible.PRICE_RANGE and not _fits_kind(c, price)
        ),
        default=None,
    )
    if kind is not None and kind >= mine - _DECIDED:
        score -= 0.1
        notes.append("an amount about as strong reads as an instalment, unit, shipping or member price")
    # Tiles of other products beside a buy button are recommendations; without one, the page may be a list.
    if not buy_box and len({c.amount for c in found if c.tiled}) >= _LISTING_TILES:
        score -= 0.1
        notes.append("the page also lists several other products or offers with prices")
    return min(score, 0.9)


def _fits_kind(cand: Candidate, price: Decimal) -> bool:
    """Whether the amount set aside stands to the price as its kind says: a saving, an instalment or a
    shipping cost below it, the price without a sales tax of 4 to 27 %. Then it confirms the price instead
    of competing."""
    if cand.kind in _BELOW_PRICE:
        return cand.amount < price
    if cand.kind == _WITHOUT_TAX:
        return price * _TAX_LOW <= cand.amount <= price * _TAX_HIGH
    return False


def _visible_list_price(result: Extraction, found: list[Candidate]) -> Decimal | None:
    """The crossed-out price shown nearest the price, when there is one above it."""
    price = result.price
    if price is None:
        return None
    anchors = [c.position for c in found if c.amount == price and not c.is_list]
    if not anchors:
        return None
    best: tuple[int, Decimal] | None = None
    for cand in found:
        if not cand.is_list or cand.amount <= price or cand.amount > price * _MAX_DISCOUNT:
            continue
        if cand.currency and result.currency and cand.currency != result.currency:
            continue
        distance = min(abs(cand.position - a) for a in anchors)
        if distance <= _MAX_LIST_DISTANCE and (best is None or distance < best[0]):
            best = (distance, cand.amount)
    return best[1] if best else None
