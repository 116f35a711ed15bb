"""The last resort: the product price in an analytics data layer, for pages that show their price only through
JavaScript.

Shops that use e-commerce analytics put the viewed product into an inline script in a standard shape,
``{"ecommerce": {"detail": {"products": [{"name": ..., "price": 24.99}]}}}`` (with ``currencyCode`` beside
it). It is read only when neither structured data nor the visible page gave a price.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pricewatch.scraping.extract.document import Page
from pricewatch.scraping.extract.result import Offer
from pricewatch.scraping.money import normalise_currency

_MAX_SCRIPT = 500_000
_PRODUCT_PRICE = re.compile(
    r"""["']products["']\s*:\s*\[\s*\{[^\]]{0,2000}?["']price["']\s*:\s*["']?(\d{1,9}(?:\.\d{1,4})?)["',}\s]"""
)
_CURRENCY = re.compile(r"""["']currencyCode["']\s*:\s*["']([A-Za-z]{3})["']""")


def read(page: Page) -> Offer | None:
    """The first data-layer product price of the page, or None."""
    for script in page.all("script"):
        text = script.text
        if not text or "ecommerce" not in text or len(text) > _MAX_SCRIPT:
            continue
        match = _PRODUCT_PRICE.search(text)
        if match is None:
            continue
        try:
            price = Decimal(match.group(1))
        except InvalidOperation:
            continue
        if price <= 0:
            continue
        code = _CURRENCY.search(text)
        currency = normalise_currency(code.group(1), page.money) if code else None
        return Offer(price=price, currency=currency or page.money.currency, method="datalayer")
    return None
