"""The user's own CSS selector for the price, for pages where detection picks the wrong element."""

from __future__ import annotations

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

from pricewatch.scraping.extract.document import Page, elements, text_of
from pricewatch.scraping.extract.microdata import prop_value
from pricewatch.scraping.money import Money, parse_money


def select_price(page: Page, selector: str) -> tuple[Money | None, str | None]:
    """The money in the first element ``selector`` matches: (money, None) or (None, why not)."""
    try:
        matcher = CSSSelector(selector.strip(), translator="html")
    except (SelectorError, ValueError, TypeError) as exc:
        return None, f"invalid CSS selector: {exc}"
    try:
        found = elements(matcher(page.root))
    except (ValueError, TypeError, etree.XPathError) as exc:  # lxml rejects some translated XPath at run time
        return None, f"invalid CSS selector: {exc}"
    if not found:
        return None, "the CSS selector matched nothing"
    for el in found[:20]:
        value = prop_value(el) if el.get("content") is not None else text_of(el)
        money = parse_money(" ".join((value or "").split()), page.money)
        if money is not None and money.amount > 0:  # "0" is how shops write "no price"
            return money, None
    return None, "the CSS selector matched no price"
