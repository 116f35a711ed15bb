"""The "why this price" evidence: each candidate price with its context and a CSS selector that finds it.

The selector is what the user's pick is remembered as: a path of ``tag:nth-of-type(n)`` steps from the nearest
ancestor with an id (or from the root), which :func:`~pricewatch.scraping.extract.selector.select_price` reads
back on the next check.
"""

from __future__ import annotations

import re

from pricewatch.scraping.extract.document import Element, Page
from pricewatch.scraping.extract.result import Offer, PriceCandidate
from pricewatch.scraping.extract.visible import Candidate
from pricewatch.text import clean_line

MAX_VISIBLE = 8  # visible candidates kept for the user to pick from
MAX_SELECTORS = 5  # ... the best of them with a selector (building one walks up the tree)
_CONTEXT = 120
_CSS_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,80}$")
_LABELS = {"jsonld": "JSON-LD", "microdata": "microdata", "meta": "meta tag"}
_GENERATED_ID = re.compile(r"\d{5,}|[0-9a-f]{8,}")  # ids a page makes up anew on each load


def css_path(el: Element, page: Page) -> str | None:
    """A CSS selector matching ``el``: from its nearest ancestor with a stable id (else the root), then
    ``tag:nth-of-type(n)`` steps."""
    steps: list[str] = []
    node: Element | None = el
    while node is not None and isinstance(node.tag, str):
        ident = node.get("id")
        # Ids are unique by HTML's rules; a page that repeats one still gets its first match, which is the
        # nearest to the top as the path below it is the same.
        if ident and _CSS_ID.match(ident) and not _GENERATED_ID.search(ident):
            steps.append(f"#{ident}")
            break
        parent = node.getparent()
        if parent is None:
            steps.append(str(node.tag))
            break
        same = [sib for sib in parent if sib.tag == node.tag]
        steps.append(f"{node.tag}:nth-of-type({same.index(node) + 1})" if len(same) > 1 else str(node.tag))
        node = parent
        if len(steps) > 40:
            return None
    return " > ".join(reversed(steps)) if steps else None


def context_of(el: Element) -> str:
    """The short text of the element's box (its parent, or grandparent when the parent holds only it)."""
    box = el.getparent()
    if box is None:
        return ""
    text, own = _words(box), _words(el)
    outer = box.getparent()
    if text == own and outer is not None:
        text = _words(outer)
    return clean_line(text, _CONTEXT)


def _words(el: Element) -> str:
    """The element's text with its parts spaced apart ("1.999 TL 1.599 TL", not "1.999 TL1.599 TL")."""
    parts: list[str] = []
    size = 0
    for text in el.itertext():
        if isinstance(text, str) and text.strip():
            parts.append(text.strip())
            size += len(text)
            if size > _CONTEXT * 2:
                break
    return " ".join(" ".join(parts).split())


def visible_candidates(found: list[Candidate], page: Page, currency: str | None) -> list[PriceCandidate]:
    """The best visible candidates (one per amount and role), best first."""
    seen: set[tuple[object, bool]] = set()
    out: list[PriceCandidate] = []
    for cand in sorted(found, key=lambda c: (-c.score, c.position)):
        key = (cand.amount, cand.is_list)
        if key in seen:
            continue
        seen.add(key)
        el = cand.element
        out.append(
            PriceCandidate(
                price=cand.amount,
                currency=cand.currency or currency,
                source="visible",
                role="list" if cand.is_list else ("other" if cand.score < 0 else "price"),
                score=round(cand.score, 2),
                text=clean_line(cand.text, 60),
                context=context_of(el) if el is not None else "",
                selector=css_path(el, page) if el is not None and len(out) < MAX_SELECTORS else None,
            )
        )
        if len(out) >= MAX_VISIBLE:
            break
    return out


def structured_candidates(offers: list[Offer]) -> list[PriceCandidate]:
    """The structured offers' prices (and their stated list prices) as candidates."""
    out: list[PriceCandidate] = []
    for offer in offers:
        if offer.price is None:
            continue
        label = _LABELS.get(offer.method, offer.method)
        detail = ", ".join(x for x in (offer.name, offer.sku and f"SKU {offer.sku}") if x)
        out.append(
            PriceCandidate(
                price=offer.price,
                currency=offer.currency,
                source=offer.method,
                text=f"{label} offer price",
                context=clean_line(detail, _CONTEXT),
            )
        )
        if offer.list_price is not None:
            out.append(
                PriceCandidate(
                    price=offer.list_price,
                    currency=offer.currency,
                    source=offer.method,
                    role="list",
                    text=f"{label} list price",
                    context=clean_line(detail, _CONTEXT),
                )
            )
    return out
