"""Prices in repeated boxes: product tiles of a listing, other sellers' offers, rows of a price table.

A shop renders each product of a list, each seller of a marketplace and each row of a quantity-price table
from one template: boxes of the same tag and class side by side, each holding its price at the same path
below it. The main product's price is never one of several such boxes; it sits in the box with the
product's heading. So a price whose box repeats, at the same inner path, in a sibling showing a different
amount, belongs to a list of other offers, whatever the shop calls it and in whatever language.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from lxml import etree

from pricewatch.scraping.extract.document import Element, text_start

_LEVELS = 7  # boxes up to this many levels above the price (Magento's tile: the price 6 levels down)
_MAX_BOX = 150  # elements; a bigger "box" is a page section, not a tile
_COUNT = etree.XPath("count(descendant::*)")
_CONTROLS = etree.XPath("boolean(descendant::a | descendant::img | descendant::button | descendant::input)")
_TEXT = 200
_MIN_LETTERS = 4  # "Rp", "TL", "zł" and "kr" beside the amount are not a name


class Priced(Protocol):
    @property
    def element(self) -> Element | None: ...

    @property
    def amount(self) -> object: ...


def repeated(found: Sequence[Priced], title: Element | None) -> list[bool]:
    """For each candidate, whether its price sits in a repeated box (see the module docstring). A box that
    holds the product heading is never a tile."""
    title_path = set(title.iterancestors()) | {title} if title is not None else set()
    groups: dict[tuple[object, ...], dict[Element, set[object]]] = {}
    keys: list[list[tuple[object, ...]]] = []
    for cand in found:
        mine: list[tuple[object, ...]] = []
        el = cand.element
        if el is not None:
            path: list[tuple[str, str]] = [(str(el.tag), _stable(el.get("class", "")))]
            node = el
            for _ in range(_LEVELS):
                box = node.getparent()
                if box is None or box.tag in ("body", "html") or box in title_path:
                    break
                parent = box.getparent()
                if parent is None:
                    break
                cls = _stable(box.get("class", ""))
                key = (parent, box.tag, cls, tuple(path))
                groups.setdefault(key, {}).setdefault(box, set()).add(cand.amount)
                mine.append(key)
                path.append((str(box.tag), cls))
                node = box
        keys.append(mine)
    tiles = {key for key, boxes in groups.items() if _is_tile_group(boxes)}
    return [any(key in tiles for key in mine) for mine in keys]


@lru_cache(maxsize=4096)
def _stable(classes: str) -> str:
    """The class names a template gives every box alike: per-item ones carry the item's id ("post-701",
    "product-id-42") and differ from tile to tile."""
    if not any(ch.isdigit() for ch in classes):
        return classes
    return " ".join(c for c in classes.split() if not any(ch.isdigit() for ch in c))


def _is_tile_group(boxes: dict[Element, set[object]]) -> bool:
    """Two or more boxes showing different amounts, each small enough to be one tile and holding more than
    its price (a name, a link, a button: "$3.499 - $4.059" is one price range, not two offers)."""
    if len(boxes) < 2:
        return False
    amounts = set().union(*boxes.values())
    if len(amounts) < 2:
        return False  # the same box twice (a page's desktop and mobile copies of its buy box)
    tiles = [box for box in boxes if _size(box) <= _MAX_BOX and _holds_more(box)]
    return len(tiles) >= 2


def _holds_more(box: Element) -> bool:
    if _CONTROLS(box):
        return True
    letters = sum(1 for ch in text_start(box, _TEXT) if ch.isalpha())
    return letters >= _MIN_LETTERS


def _size(box: Element) -> float:
    size = _COUNT(box)
    return size if isinstance(size, float) else float("inf")
