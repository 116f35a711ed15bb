"""The user's own CSS selector for the price, for pages where detection picks the wrong element."""

from __future__ import annotations

from cssselect import SelectorError
from lxml.cssselect import CSSSelector

from pricewatch.scraping.extract.document import Page
from pricewatch.scraping.extract.microdata import prop_value
from pricewatch.scraping.money import Money, parse_money


def select_price(page: Page, selector: str) -> tuple[Money | None, str | None]:
    """The money in the first element ``selector`` matches: (money, None) or (None, why not)."""
    try:
        matcher = CSSSelector(selector.strip())
    except (SelectorError, ValueError, TypeError) as exc:
        return None, f"invalid CSS selector: {exc}"
    try:
        elements = matcher(page.root)
    except (ValueError, TypeError) as exc:  # lxml rejects some translated XPath at run time
        return None, f"invalid CSS selector: {exc}"
    if not elements:
        return None, "the CSS selector matched nothing"
    for el in elements[:20]:
        value = prop_value(el) if el.get("content") is not None else el.text_content()
        money = parse_money(" ".join((value or "").split()), page.money)
        if money is not None:
            return money, None
    return None, "the CSS selector matched no price"
