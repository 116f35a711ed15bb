"""Availability from what the page says in words near the product: "Sold out", "Ausverkauft", "Tükendi"..."""

from __future__ import annotations

from pricewatch.models import Availability
from pricewatch.scraping.extract.availability import from_phrase
from pricewatch.scraping.extract.document import text_of
from pricewatch.scraping.extract.layout import Layout
from pricewatch.scraping.extract.visible import MAX_PHRASE, Scan

_BEFORE, _AFTER = 50, 400  # the window, in elements, around the title and the buy button


def visible_availability(found: Scan, layout: Layout) -> Availability:
    """OUT_OF_STOCK or PRE_ORDER from a short visible message near the title or buy button, IN_STOCK when a
    buy button is there, else UNKNOWN."""
    anchors = [p for p in (found.title_pos, found.buy_pos) if p is not None]
    lo, hi = (min(anchors) - _BEFORE, max(anchors) + _AFTER) if anchors else (0, -1)
    for pos, el in found.texts:
        if pos < lo:
            continue
        if pos > hi:
            break
        text = " ".join(text_of(el).split())
        if len(text) > MAX_PHRASE:
            continue
        said = from_phrase(text)
        if said is not Availability.UNKNOWN and not layout.hidden(el) and not layout.avoided(el):
            return said
    if layout.buy is not None:
        return Availability.IN_STOCK
    return Availability.UNKNOWN
