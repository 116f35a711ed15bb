"""The product in an app's state script, for pages that render their price only in the browser.

Single-page shops (Vue, React and Next.js, Nuxt, Redux stores, VTEX) send the data the browser renders as a
JSON blob in a script: ``<script id="__NEXT_DATA__" type="application/json">``, ``window.__INITIAL_STATE__ =
{...}``, ``window.__PRELOADED_STATE__ = {...}``, VTEX's ``<script>{...}</script>`` inside a template. When
the HTML itself shows only templates (``{{ product.price.formatted }}``) or nothing, the blob is where a
browser gets the price. It is read as structured data with less trust than JSON-LD, and only when nothing
else gave a price: blobs are large, so the work is bounded (blob size, nodes walked, depth).

The main product is the object under a key that names the page's product (``product``, ``productDetail``,
``currentProduct``...), never one inside related products, carts or lists; its price is the sale or final
price (``final``, ``salePrice``, ``sellingPrice``, ``price``...), never the regular, list or instalment one.
A formatted price beside the number (``"formatted": "479,00 €"``) says the currency and whether the number
counts cents.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from pricewatch.models import Availability
from pricewatch.scraping.extract.availability import from_schema
from pricewatch.scraping.extract.document import Page
from pricewatch.scraping.extract.result import Offer
from pricewatch.scraping.money import normalise_currency, parse_money

_MAX_BLOB = 2_000_000  # characters: a state script above this is not read
_MAX_SCRIPTS = 40
_MAX_PARSED = 4_000_000  # characters parsed over all of a page's state scripts
_MAX_NODES = 20_000  # objects and arrays walked in one blob looking for the product
_MAX_DEPTH = 12
_PRICE_DEPTH = 4  # levels below the product object where its price may sit ("price": {"final": ...})
# "window.__INITIAL_STATE__ = {", "var __PRELOADED_STATE__={": an assignment of an object literal.
_ASSIGNMENT = re.compile(
    r"^\s*(?:(?:window|self|globalThis)\.|var\s+|let\s+|const\s+)?[\w$.]{1,60}\s*=\s*(?=\{)"
)
_PRODUCT_KEYS = frozenset(
    {"product", "productdetail", "productdetails", "currentproduct", "selectedproduct", "mainproduct",
     "productdata", "productpage", "pdp", "productinfo", "productview"}
)  # fmt: skip
# Keys of parts about other products or other amounts: related products, carts, lists, instalments.
_OTHER = re.compile(
    r"related|recommend|similar|upsell|crosssell|cross_sell|accessor|bundle|cart|basket|recent|wishlist|"
    r"compare|suggest|search|listing|breadcrumb|install|instalment|financ|shipping|delivery|tier|bulk|"
    r"also|together|complementary|sponsored|ads?$"
)
# The price to pay, most specific first; inside a "price" object its own keys ("final", "value") count.
_SALE_KEYS = (
    "finalprice", "final", "saleprice", "sale", "sellingprice", "selling", "specialprice", "special",
    "currentprice", "current", "offerprice", "discountedprice", "pricewithtax", "grossprice", "price",
    "value", "amount", "priceincents", "pricecents", "amountincents",
)  # fmt: skip
_PRICE_HOLDERS = frozenset(
    {"price", "prices", "pricing", "priceinfo", "pricedata", "commertialoffer", "offer"}
)
# The old price beside it, for the discount the user sees.
_LIST_KEYS = ("regular", "regularprice", "listprice", "list", "oldprice", "original", "originalprice", "was",
              "compareatprice", "msrp", "listvalue")  # fmt: skip
_FORMATTED_KEYS = ("formatted", "formattedprice", "formattedvalue", "display", "displayprice", "pricetext")
_CURRENCY_KEYS = ("currency", "currencycode", "pricecurrency", "currencyiso")
_STOCK_FLAGS = ("instock", "isinstock", "available", "isavailable", "availableforsale", "purchasable")
_STOCK_WORDS = ("availability", "stockstatus", "stock_status", "status", "inventorystatus")
_STOCK_COUNTS = ("availablequantity", "stockquantity", "stocklevel", "stock")
_MAX_AMOUNT = Decimal(10) ** 12  # above any price: a product id or a timestamp
_MIN_UNITS = Decimal(100)  # "cents" in a key: amounts in the currency's minor unit


def read(page: Page) -> Offer | None:
    """The main product's price from the page's state scripts, or None (never raises on a bad blob)."""
    for blob in _blobs(page):
        product = _main_product(blob)
        if product is None:
            continue
        offer = _offer(product, page)
        if offer is not None:
            return offer
    return None


def _blobs(page: Page) -> Iterator[dict[str, Any]]:
    """The parsed state objects of the page's scripts that mention a price, parsed one by one as needed."""
    found, budget = 0, _MAX_PARSED
    for script in page.all("script")[:2000]:
        kind = str(script.get("type") or "").lower()
        if "ld+json" in kind:
            continue
        text = script.text
        if not text or len(text) > min(_MAX_BLOB, budget) or ("price" not in text and "Price" not in text):
            continue
        start = 0
        if not text.lstrip().startswith("{"):
            match = _ASSIGNMENT.match(text)
            if match is None:
                continue
            start = match.end()
        else:
            start = len(text) - len(text.lstrip())
        budget -= len(text)
        try:
            value, _ = json.JSONDecoder().raw_decode(text, start)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict):
            yield value
            found += 1
            if found >= _MAX_SCRIPTS:
                return


def _main_product(blob: dict[str, Any]) -> dict[str, Any] | None:
    """The shallowest object under a key naming the page's product, outside parts about other products."""
    queue: deque[tuple[Any, int]] = deque([(blob, 0)])
    walked = 0
    while queue and walked < _MAX_NODES:
        node, depth = queue.popleft()
        walked += 1
        if depth >= _MAX_DEPTH:
            continue
        if isinstance(node, dict):
            for key, value in node.items():
                if not isinstance(value, dict | list):
                    continue
                name = str(key).lower()
                if _OTHER.search(name):
                    continue
                if name in _PRODUCT_KEYS and isinstance(value, dict) and _price_of(value) is not None:
                    return _innermost(value)
                queue.append((value, depth + 1))
        elif isinstance(node, list):
            queue.extend((item, depth + 1) for item in node[:50] if isinstance(item, dict | list))
    return None


def _innermost(product: dict[str, Any]) -> dict[str, Any]:
    """The product object itself when a page-level one wraps it ("productDetail": {"product": {...}})."""
    for _ in range(3):
        inner = next(
            (v for k, v in product.items() if str(k).lower() in _PRODUCT_KEYS and isinstance(v, dict)), None
        )
        if inner is None or _price_of(inner) is None:
            break
        product = inner
    return product


def _price_of(product: dict[str, Any]) -> tuple[Decimal, dict[str, Any], str] | None:
    """The product's price to pay, the object holding it and its key: the most specific sale key at the
    shallowest level, looking into price objects and the first variant, never into other products."""
    level: list[dict[str, Any]] = [product]
    for _ in range(_PRICE_DEPTH):
        for holder in level:
            keys = {str(k).lower(): k for k in holder}
            for wanted in _SALE_KEYS:
                if wanted in keys:
                    amount = _number(holder[keys[wanted]])
                    if amount is not None and amount > 0:
                        return amount, holder, wanted
        deeper: list[dict[str, Any]] = []
        for holder in level:
            for key, value in holder.items():
                name = str(key).lower()
                if _OTHER.search(name) or name in (
                    "regular",
                    "list",
                    "old",
                    "original",
                    "was",
                    "base",
                    "unit",
                ):
                    continue
                if isinstance(value, dict) and (
                    name in _PRICE_HOLDERS or "price" in name or len(deeper) < 20
                ):
                    deeper.append(value)
                elif isinstance(value, list) and value and isinstance(value[0], dict):
                    deeper.append(value[0])  # the first variant, SKU or seller: the one shown first
        level = deeper[:40]
        if not level:
            break
    return None


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    text = str(value).strip()
    if not text or len(text) > 20:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount < _MAX_AMOUNT else None


def _offer(product: dict[str, Any], page: Page) -> Offer | None:
    found = _price_of(product)
    if found is None:
        return None
    amount, holder, key = found
    currency = _currency(holder, product, page)
    shown = _formatted(holder, page)
    if shown is not None and shown.amount > 0:
        if amount in (shown.amount, shown.amount * _MIN_UNITS):
            amount = shown.amount  # the number may count cents; the text says what a shopper reads
        currency = shown.currency or currency
    elif "cent" in key or "minor" in key:
        amount = amount / _MIN_UNITS
    scale = amount / found[0]  # 1, or 1/100 when the number counts cents
    listed = _first_number(holder, _LIST_KEYS)
    list_price = listed * scale if listed is not None and listed * scale > amount else None
    name = product.get("name") or product.get("title") or product.get("productName")
    return Offer(
        price=amount,
        list_price=list_price,
        currency=currency or page.money.currency,
        availability=_availability(product),
        name=name if isinstance(name, str) else None,
        method="state",
    )


def _first_number(holder: dict[str, Any], wanted: tuple[str, ...]) -> Decimal | None:
    keys = {str(k).lower(): k for k in holder}
    for name in wanted:
        amount = _number(holder[keys[name]]) if name in keys else None
        if amount is not None and amount > 0:
            return amount
    return None


def _formatted(holder: dict[str, Any], page: Page) -> Any:
    keys = {str(k).lower(): k for k in holder}
    for wanted in _FORMATTED_KEYS:
        value = holder.get(keys[wanted]) if wanted in keys else None
        if isinstance(value, str) and len(value) <= 40:
            return parse_money(value, page.money)
    return None


def _currency(holder: dict[str, Any], product: dict[str, Any], page: Page) -> str | None:
    for source in (holder, product):
        keys = {str(k).lower(): k for k in source}
        for wanted in _CURRENCY_KEYS:
            value = source.get(keys[wanted]) if wanted in keys else None
            if isinstance(value, str) and (code := normalise_currency(value, page.money)):
                return code
    return None


def _availability(product: dict[str, Any]) -> Availability:
    """Stock from the product's flags ("inStock": true), words ("availability": "OUT_OF_STOCK") or count."""
    keys = {str(k).lower(): k for k in product}
    for wanted in _STOCK_FLAGS:
        value = product.get(keys[wanted]) if wanted in keys else None
        if isinstance(value, bool):
            return Availability.IN_STOCK if value else Availability.OUT_OF_STOCK
    for wanted in _STOCK_WORDS:
        value = product.get(keys[wanted]) if wanted in keys else None
        if isinstance(value, str):
            found = from_schema(value.replace("_", " "))
            if found is not Availability.UNKNOWN:
                return found
    for wanted in _STOCK_COUNTS:
        value = product.get(keys[wanted]) if wanted in keys else None
        if isinstance(value, int) and not isinstance(value, bool):
            return Availability.IN_STOCK if value > 0 else Availability.OUT_OF_STOCK
    return Availability.UNKNOWN
