"""Availability from what the page says in words near the product: "Sold out", "Ausverkauft", "Tükendi"..."""

from __future__ import annotations

from lxml.html import HtmlElement

from pricewatch.models import Availability
from pricewatch.scraping.extract import visible
from pricewatch.scraping.extract.availability import from_phrase
from pricewatch.scraping.extract.document import Page

_MAX_PHRASE_TEXT = 80
_SKIP = frozenset({"script", "style", "noscript", "template", "option", "select", "head", "title"})


def visible_availability(page: Page, order: dict[HtmlElement, int]) -> Availability:
    """OUT_OF_STOCK or PRE_ORDER from a short visible message near the title or buy area, IN_STOCK when an
    enabled buy button is there, else UNKNOWN."""
    title_pos, buy_pos = visible.anchors(page, order, None)
    anchors = [p for p in (title_pos, buy_pos) if p is not None]
    if not anchors:
        return Availability.UNKNOWN
    lo, hi = min(anchors) - 50, max(anchors) + 400
    for el, pos in order.items():
        if pos < lo:
            continue
        if pos > hi:
            break
        if el.tag in _SKIP:
            continue
        own = (el.text or "").strip()
        if not own or len(own) > _MAX_PHRASE_TEXT:
            continue
        text = " ".join(el.text_content().split())
        if len(text) > _MAX_PHRASE_TEXT:
            continue
        said = from_phrase(text)
        if said is not Availability.UNKNOWN and not visible.hidden(el) and not visible.avoided(el):
            return said
    if buy_pos is not None:
        return Availability.IN_STOCK
    return Availability.UNKNOWN
