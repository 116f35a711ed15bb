"""Availability from what the page says in words near the product: "Sold out", "Ausverkauft", "Tükendi"..."""

from __future__ import annotations

from pricewatch.models import Availability
from pricewatch.scraping.extract.availability import from_phrase
from pricewatch.scraping.extract.document import Element, text_of
from pricewatch.scraping.extract.layout import Layout
from pricewatch.scraping.extract.visible import MAX_PHRASE, Scan
from pricewatch.scraping.extract.words import VARIANT

_BEFORE, _AFTER = 50, 400  # the window, in elements, around the title and the buy button


def said(found: Scan, layout: Layout, in_stock: bool, price_pos: int | None = None) -> Availability:
    """What the first short visible availability message near the title or buy button says (OUT_OF_STOCK,
    PRE_ORDER, and IN_STOCK when ``in_stock``), else UNKNOWN. Without either, the message near the price
    (at ``price_pos``) speaks for the product: a sold-out page often drops its buy button."""
    anchors = [p for p in (found.title_pos, found.buy_pos) if p is not None]
    if not anchors and price_pos is not None:
        anchors = [price_pos]
    if not anchors:
        return Availability.UNKNOWN
    lo, hi = min(anchors) - _BEFORE, max(anchors) + _AFTER
    for pos, el in found.texts:
        if pos < lo:
            continue
        if pos > hi:
            break
        text = " ".join(text_of(el).split())
        if len(text) > MAX_PHRASE or "{{" in text:
            continue  # too long for a message, or a template the browser fills in ("{{ a ? 'x' : 'y' }}")
        verdict = from_phrase(text, in_stock)
        if (
            verdict is not Availability.UNKNOWN
            and not layout.hidden(el)
            and not layout.avoided(el)
            and not _about_variant(el, layout)
        ):
            return verdict
    return Availability.UNKNOWN


def _about_variant(el: Element, layout: Layout) -> bool:
    """Whether the message sits in a size, colour or variant picker (about that variant only)."""
    node: Element | None = el
    for _ in range(3):
        if node is None:
            return False
        if layout.words(node) & VARIANT:
            return True
        node = node.getparent()
    return False


def visible_availability(
    structured: Availability, found: Scan, layout: Layout, price_pos: int | None = None
) -> Availability:
    """The availability a shopper sees, or UNKNOWN when the page does not say more than ``structured``.

    A structured "out of stock" is checked against the buy box: shops often mark a product sold out online
    in their data while the page says "in stock" (for delivery from a store). A buy button alone does not
    overrule it (many shops leave the button on sold-out pages), but it is taken as "in stock" when the page
    says nothing else. A structured "in stock" is kept while the page has a buy button: "unavailable" messages
    beside it are, on real pages, mostly about store pickup or one variant (trusting them cost 4 points of
    availability F1 on the corpus); without one (a "notify me" instead) the page's "sold out" wins.
    """
    if structured is Availability.OUT_OF_STOCK:
        verdict = said(found, layout, True, price_pos)
        return verdict if verdict is Availability.IN_STOCK else Availability.UNKNOWN
    if structured is not Availability.UNKNOWN:
        if layout.buy is None or _disabled(layout.buy):
            # No way to buy it on the page, and the page says it is gone: the data is stale.
            verdict = said(found, layout, False, price_pos)
            return verdict if verdict is Availability.OUT_OF_STOCK else Availability.UNKNOWN
        return Availability.UNKNOWN
    verdict = said(found, layout, False, price_pos)
    if verdict is Availability.UNKNOWN and layout.buy is not None and not _disabled(layout.buy):
        return Availability.IN_STOCK
    return verdict


def _disabled(button: Element) -> bool:
    """A disabled buy button says nothing: shops disable it when sold out and until a size is chosen."""
    return (
        button.get("disabled") is not None
        or button.get("aria-disabled") == "true"
        or "disabled" in str(button.get("class", "")).lower()
    )
