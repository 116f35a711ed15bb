"""schema.org Product and Offer from microdata (itemscope/itemprop) and RDFa (typeof/property)."""

from __future__ import annotations

from lxml import etree

from pricewatch.scraping.extract.availability import from_schema
from pricewatch.scraping.extract.document import Element, Page, elements, text_of
from pricewatch.scraping.extract.product import ProductData, clean_text, structured_amount
from pricewatch.scraping.extract.result import Offer
from pricewatch.scraping.money import normalise_currency

_PRODUCT_SCOPES = ("product", "productgroup", "individualproduct", "productmodel", "book", "vehicle")
_MAX_SCOPES = 200
# Selecting attribute nodes and stepping to their parents is several times faster in libxml2 than testing
# every element for the attribute; the result is in document order all the same. "/descendant::*" rather
# than "//" (descendant-or-self::node()), which also visits every text node: twice as fast, the same nodes.
_MICRODATA_SCOPES = etree.XPath("/descendant::*/@itemscope/..")
_RDFA_SCOPES = etree.XPath("/descendant::*/@typeof/..")  # rare: searched only when microdata has no product
_MICRODATA_PROPS = etree.XPath("descendant::*/@itemprop/..")
_RDFA_PROPS = etree.XPath("descendant::*/@property/..")
# libxml2 compares attribute values slowly; testing for the attribute and filtering in Python is faster.
_ITEMPROPS = etree.XPath("/descendant::*/@itemprop/..")
_LOOSE_NAMES = frozenset({"price", "priceCurrency", "availability"})


def _scope_type(el: Element) -> str:
    kind = str(el.get("itemtype") or el.get("typeof") or "").strip().split()
    return kind[0].rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() if kind else ""


def prop_value(el: Element) -> str | None:
    """A microdata property's value: ``content`` first, then the URL attributes, then the text."""
    content = el.get("content")
    if content is not None:
        return content
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("a", "link"):
        return el.get("href")
    if tag in ("img", "source"):
        return el.get("src")
    if tag in ("meta",):
        return None
    if tag == "data" or tag == "meter":
        return el.get("value")
    return text_of(el)


def _props(scope: Element) -> dict[str, list[Element]]:
    """The properties of one scope in document order, without those of nested scopes (their own)."""
    found: dict[str, list[Element]] = {}
    rdfa = scope.get("itemscope") is None
    for el in elements((_RDFA_PROPS if rdfa else _MICRODATA_PROPS)(scope))[:5000]:
        owner = next(
            (a for a in el.iterancestors() if a.get("typeof" if rdfa else "itemscope") is not None),
            None,
        )
        if owner is not scope:
            continue
        for name in str(el.get("itemprop") or el.get("property") or "").split()[:10]:
            found.setdefault(name.rsplit(":", 1)[-1].rsplit("/", 1)[-1], []).append(el)
    return found


def _first(props: dict[str, list[Element]], *names: str) -> str | None:
    for name in names:
        for el in props.get(name, []):
            value = prop_value(el)
            if value and value.strip():
                return value
    return None


def read(page: Page) -> list[ProductData]:
    """Every product in the page's microdata/RDFa, top-level ones first."""
    products: list[ProductData] = []
    scopes = [
        s for s in elements(_MICRODATA_SCOPES(page.root))[:_MAX_SCOPES] if _scope_type(s) in _PRODUCT_SCOPES
    ]
    if not scopes:
        scopes = [
            s for s in elements(_RDFA_SCOPES(page.root))[:_MAX_SCOPES] if _scope_type(s) in _PRODUCT_SCOPES
        ]
    for scope in scopes:
        props = _props(scope)
        product = ProductData(
            method="microdata",
            name=clean_text(_first(props, "name")),
            image=page.absolute(_first(props, "image")),
            sku=clean_text(_first(props, "sku", "mpn", "productID", "gtin13")),
            brand=clean_text(_brand(props)),
            url=page.absolute(_first(props, "url")),
            nested=any(_scope_type(a) in _PRODUCT_SCOPES for a in scope.iterancestors()),
        )
        for el in props.get("offers", []) + props.get("offerDetails", []):  # the latter: data-vocabulary.org
            if el.get("itemscope") is not None or el.get("typeof") is not None:
                product.offers.append(_offer(_props(el), page, _scope_type(el)))
        if not product.offers and (props.get("price") or props.get("lowPrice")):
            product.offers.append(_offer(props, page, "offer"))
        products.append(product)
    if not products:
        loose: dict[str, list[Element]] = {}
        for el in elements(_ITEMPROPS(page.root)):
            if el.get("itemprop") in _LOOSE_NAMES:
                loose.setdefault(str(el.get("itemprop")), []).append(el)
        if loose.get("price"):
            props = {name: loose.get(name, [])[:1] for name in ("price", "priceCurrency", "availability")}
            products.append(ProductData(method="microdata", offers=[_offer(props, page, "offer")]))
    products.sort(key=lambda p: p.nested)
    return products


def _brand(props: dict[str, list[Element]]) -> str | None:
    for el in props.get("brand", []):
        if el.get("itemscope") is not None:
            return _first(_props(el), "name")
        return prop_value(el)
    return None


def _offer(props: dict[str, list[Element]], page: Page, kind: str) -> Offer:
    currency = normalise_currency(_first(props, "priceCurrency", "currency"), page.money)
    page.money.currency = page.money.currency or currency
    names = ("price", "lowPrice") if kind == "aggregateoffer" else ("price",)
    price = None
    for name in names:
        for el in props.get(name, []):
            price = structured_amount(prop_value(el), page.money)
            if price:
                break
        if price:
            break
    high = None
    if kind == "aggregateoffer" and not _first(props, "price"):
        high = structured_amount(_first(props, "highPrice"), page.money)
    return Offer(
        price=price or None,
        currency=currency,
        availability=from_schema(_first(props, "availability")),
        name=None,
        sku=clean_text(_first(props, "sku")),
        url=None,
        method="microdata",
        high_price=high if high is not None and price and high > price else None,
    )
