"""Structured data against the visible buy box: which price is the one to pay when they disagree.

Shops leave the list price, or a stale one, in their JSON-LD while the buy box shows the sale price. The
structured price stays unless the page gives a reason to doubt it: it is shown crossed out or labelled as the
old price, it is only the low end of a range (an AggregateOffer's, or one the page shows) and the buy box
shows a price within it, its ``priceValidUntil`` has passed, the buy box labels a lower price as the sale
price, or the buy box shows another price strongly and the structured one nowhere.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from pricewatch.models import utcnow
from pricewatch.scraping.extract import confidence
from pricewatch.scraping.extract.result import Offer
from pricewatch.scraping.extract.visible import PRICE_RANGE, Candidate

_SHOWN_SALE_SCORE = 3.0  # a visible price this strong wins when the structured one is crossed out or stale
_STRONG_SCORE = 6.0  # ... and wins alone when the structured price is nowhere on the page
_CLOSE = 2.0  # a candidate showing the structured price this close to the best one confirms it
_CONTRADICTS = 1.0
_MINOR_UNITS = 100  # a visible price weaker than this (instalments, other products) contradicts nothing


def decide(
    price: Decimal | None, offer: Offer | None, seen: Candidate, found: list[Candidate], notes: list[str]
) -> str:
    """The basis for the price: keep the structured one (AGREE, SHOWN, KEPT, CONFLICT) or take the visible
    ``seen`` (VISIBLE_EVIDENCE, VISIBLE_STRONG, CENTS); the reasons are appended to ``notes``."""
    if price is None:
        return confidence.NONE
    if seen.amount == price:
        notes.append(f"the buy box shows the same price ({seen.text!r})")
        return confidence.AGREE
    if seen.amount == price.to_integral_value(rounding=ROUND_FLOOR) and seen.amount != price:
        notes.append(f"the buy box shows its whole part ({seen.text!r}), the cents apart")
        return confidence.AGREE
    if price == seen.amount * _MINOR_UNITS and seen.currency is not None and not seen.is_list:
        # A shop module that writes the amount in cents ("price": 2499 for 24,99 €): the same price.
        notes.append(f"it is the buy box's {seen.text!r} counted in cents")
        return confidence.CENTS
    if seen.is_list:
        notes.append("the page shows only crossed-out or list prices beside it")
        return confidence.KEPT
    high = _range_high(price, offer, found)
    if high is not None and price < seen.amount <= high and seen.score >= _SHOWN_SALE_SCORE:
        notes.append(f"it is the low end of a range ({price} to {high}); the buy box shows {seen.text!r}")
        return confidence.VISIBLE_EVIDENCE
    # Shown in another seller's offer or a product tile, or as an instalment, it is not the buy box's price.
    shown = [c for c in found if c.amount == price and not c.is_list and not c.tiled and c.kind is None]
    if shown:
        best_shown = max(c.score for c in shown)
        notes.append(f"the page shows it too; the buy box's strongest price is {seen.text!r}")
        return confidence.SHOWN if best_shown >= seen.score - _CLOSE else confidence.SHOWN_WEAK
    if any(c.amount == price and c.is_list for c in found) and seen.score >= _SHOWN_SALE_SCORE:
        notes.append(f"the page crosses out {price} or labels it as the old price, and shows {seen.text!r}")
        return confidence.VISIBLE_EVIDENCE
    if offer is not None and _expired(offer.valid_until) and seen.score >= _SHOWN_SALE_SCORE:
        notes.append(f"its priceValidUntil ({offer.valid_until}) has passed; the buy box shows {seen.text!r}")
        return confidence.VISIBLE_EVIDENCE
    if seen.sale and seen.amount < price and seen.score >= _SHOWN_SALE_SCORE:
        notes.append(f"the buy box labels {seen.text!r} as the price to pay now; {price} is not shown")
        return confidence.VISIBLE_EVIDENCE
    if seen.score >= _STRONG_SCORE and seen.currency is not None:  # a bare number overrules nothing
        notes.append(f"the buy box shows {seen.text!r} and never {price}")
        return confidence.VISIBLE_STRONG
    if seen.score < _CONTRADICTS:
        notes.append(
            f"the page never shows {price}, nor any price in its buy box (the nearest is {seen.text!r})"
        )
        return confidence.STRUCTURED_UNSEEN
    notes.append(f"the page never shows {price}; its likeliest price is {seen.text!r}, too weak to overrule")
    return confidence.CONFLICT


def _range_high(price: Decimal, offer: Offer | None, found: list[Candidate]) -> Decimal | None:
    """The top of the range the structured price opens: an AggregateOffer's highPrice, or the other end of a
    range the page shows starting at it ("€329.00 - €489.00"), as variable products do."""
    if offer is not None and offer.high_price is not None:
        return offer.high_price
    if not any(c.amount == price and c.kind == PRICE_RANGE for c in found):
        return None
    return max((c.amount for c in found if c.kind == PRICE_RANGE and c.amount > price), default=None)


def _expired(valid_until: str | None) -> bool:
    if not valid_until:
        return False
    try:
        return date.fromisoformat(valid_until) < utcnow().date()
    except ValueError:
        return False
