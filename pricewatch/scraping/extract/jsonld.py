"""schema.org Product, ProductGroup, Offer and AggregateOffer from JSON-LD (with @graph, arrays, variants)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pricewatch.scraping.extract.availability import from_schema
from pricewatch.scraping.extract.document import Page
from pricewatch.scraping.extract.product import ProductData, clean_name, clean_text, structured_amount
from pricewatch.scraping.extract.result import Offer
from pricewatch.scraping.money import normalise_currency
from pricewatch.units import quantity_from_structured

PRODUCT_TYPES = frozenset(
    {
        "product",
        "productgroup",
        "productmodel",
        "individualproduct",
        "somproducts",
        "vehicle",
        "car",
        "book",
        "softwareapplication",
        "mobileapplication",
    }
)
OFFER_TYPES = frozenset({"offer", "aggregateoffer"})
_MAX_DEPTH = 12
_MAX_SCRIPT = 2_000_000
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_IGNORED_PRICE_TYPES = (
    "listprice",
    "strikethroughprice",
    "msrp",
    "srp",
    "invoiceprice",
    "minimumadvertisedprice",
)


def read(page: Page) -> list[ProductData]:
    """Every product described in the page's JSON-LD blocks, top-level ones first."""
    products: list[ProductData] = []
    loose_offers: list[Offer] = []
    for script in page.all("script"):
        if not str(script.get("type", "")).strip().lower().startswith("application/ld+json"):
            continue
        data = _load(script.text or "")
        if data is None:
            continue
        for node, nested in _walk(data, 0, False):
            types = _types(node)
            if types & PRODUCT_TYPES:
                products.append(_product(node, page, nested))
            elif types & OFFER_TYPES and not nested:
                loose_offers.extend(_offers(node, page, None))
    if not products and loose_offers:
        products.append(ProductData(method="jsonld", offers=loose_offers))
    products.sort(key=lambda p: p.nested)
    return products


def _load(text: str) -> Any:
    text = text.strip()
    if not text or len(text) > _MAX_SCRIPT:
        return None
    if text.startswith("<!--"):
        text = text[4:].rsplit("-->", 1)[0]
    if text.startswith("//<![CDATA["):
        text = text[11:].rsplit("//]]>", 1)[0]
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, parse_float=Decimal, strict=False)
        except (ValueError, RecursionError):
            continue
    return _load_several(text)


def _load_several(text: str) -> list[Any] | None:
    """Several JSON values written one after another in one block (``{...}{...}``), as some shops do."""
    decoder = json.JSONDecoder(parse_float=Decimal, strict=False)
    found: list[Any] = []
    index = 0
    while index < len(text) and len(found) < 50:
        try:
            value, index = decoder.raw_decode(text, index)
        except (ValueError, RecursionError):
            break
        found.append(value)
        while index < len(text) and text[index] in " \t\r\n,;":
            index += 1
    return found or None


def _types(node: dict[str, Any]) -> frozenset[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return frozenset(v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str))


def _walk(data: Any, depth: int, nested: bool) -> Iterator[tuple[dict[str, Any], bool]]:
    """Yield typed nodes; a product inside another typed node (not @graph / a list) counts as nested."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1, nested)
    elif isinstance(data, dict):
        types = _types(data)
        if types:
            yield data, nested
        is_product = bool(types & PRODUCT_TYPES)
        for key, value in data.items():
            if key == "@graph":
                yield from _walk(value, depth + 1, nested)
            elif is_product and key in ("offers", "hasVariant", "model"):
                continue  # read as part of the product
            elif isinstance(value, dict | list) and key not in ("@context",):
                child_nested = nested or bool(types and key != "mainEntity")
                yield from _walk(value, depth + 1, child_nested)


def _product(node: dict[str, Any], page: Page, nested: bool) -> ProductData:
    brand = node.get("brand") or node.get("manufacturer")
    product = ProductData(
        method="jsonld",
        name=clean_name(node.get("name")),
        image=page.absolute(_image(node.get("image"))),
        sku=clean_text(node.get("sku") or node.get("mpn") or node.get("productID") or node.get("gtin13")),
        brand=clean_name(brand),
        url=page.absolute(clean_text(node.get("url"))),
        nested=nested,
        quantity=_quantity(node),
    )
    product.offers.extend(_offers(node.get("offers"), page, product))
    variants = node.get("hasVariant") or node.get("model")
    for variant in variants if isinstance(variants, list) else [variants]:
        if isinstance(variant, dict) and _types(variant) & PRODUCT_TYPES:
            sub = _product(variant, page, nested)
            for offer in sub.offers:  # a variant's offer is known by the variant's SKU and name
                product.offers.append(replace(offer, sku=offer.sku or sub.sku, name=offer.name or sub.name))
    return product


def _quantity(node: dict[str, Any]) -> str | None:
    """The product's size as text: Google's unitPricingMeasure (on it or its offer's price specification),
    else its weight or size when they name a unit ("M" or "42" do not)."""
    offers = node.get("offers")
    offer = (offers[0] if offers else None) if isinstance(offers, list) else offers
    spec = offer.get("priceSpecification") if isinstance(offer, dict) else None
    specs = spec if isinstance(spec, list) else [spec]
    values = [
        node.get("unitPricingMeasure"),
        *(s.get("unitPricingMeasure") for s in specs if isinstance(s, dict)),
    ]
    for value in [*values, node.get("weight"), node.get("size")]:
        text = quantity_from_structured(value) if value is not None else None
        if text is not None:
            return text
    return None


def _image(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or value.get("@id")
    return value if isinstance(value, str) else None


def _offers(value: Any, page: Page, product: ProductData | None, depth: int = 0) -> list[Offer]:
    if depth > 4 or value is None:
        return []
    if isinstance(value, list):
        return [o for item in value[:500] for o in _offers(item, page, product, depth + 1)]
    if not isinstance(value, dict):
        return []
    types = _types(value)
    if "aggregateoffer" in types and value.get("offers"):
        inner = _offers(value.get("offers"), page, product, depth + 1)
        if any(o.price is not None for o in inner):
            return inner
    currency = normalise_currency(value.get("priceCurrency"), page.money)
    page.money.currency = page.money.currency or currency
    price = structured_amount(value.get("price"), page.money)
    if price is None:
        price, spec_currency = _spec_price(value.get("priceSpecification"), page)
        currency = currency or spec_currency
    high = None
    if price is None and "aggregateoffer" in types:
        price = structured_amount(value.get("lowPrice"), page.money)
        high = structured_amount(value.get("highPrice"), page.money)
    offered = value.get("itemOffered")
    item: dict[str, Any] = offered if isinstance(offered, dict) else {}
    name = clean_name(value.get("name") or item.get("name"))
    sku = clean_text(value.get("sku") or item.get("sku"))
    if price == 0:
        price = None  # shops write 0 for "no price" (call for price, not yet released)
    list_price = _spec_list_price(value.get("priceSpecification"), page)
    return [
        Offer(
            price=price,
            currency=currency,
            availability=from_schema(value.get("availability")),
            name=name if name != (product.name if product else None) else None,
            sku=sku,
            url=page.absolute(clean_text(value.get("url"))),
            method="jsonld",
            list_price=_above(list_price, price),
            valid_until=_date(value.get("priceValidUntil")),
            high_price=_above(high, price),
        )
    ]


def _above(list_price: Decimal | None, price: Decimal | None) -> Decimal | None:
    return list_price if list_price is not None and price is not None and list_price > price else None


def _date(value: Any) -> str | None:
    """An ISO date ("2024-12-31", or the date part of a date-time), else None."""
    text = clean_text(value)
    if not text or len(text) < 10:
        return None
    day = text[:10]
    return day if day[4] == "-" and day[7] == "-" and day.replace("-", "").isdigit() else None


def _spec_list_price(spec: Any, page: Page) -> Decimal | None:
    """The list or crossed-out price a priceSpecification states (priceType ListPrice, StrikethroughPrice)."""
    for item in spec if isinstance(spec, list) else [spec]:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("priceType") or "").rsplit("/", 1)[-1].lower()
        if kind in _IGNORED_PRICE_TYPES:
            return structured_amount(item.get("price"), page.money)
    return None


def _spec_price(spec: Any, page: Page) -> tuple[Decimal | None, str | None]:
    specs = spec if isinstance(spec, list) else [spec]
    for item in specs:
        if not isinstance(item, dict):
            continue
        kind = str(item.get("priceType") or "").rsplit("/", 1)[-1].lower()
        if kind in _IGNORED_PRICE_TYPES:
            continue
        price = structured_amount(item.get("price") or item.get("minPrice"), page.money)
        if price is not None:
            return price, normalise_currency(item.get("priceCurrency"), page.money)
    return None, None
