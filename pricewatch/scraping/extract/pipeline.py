"""The extraction pipeline: structured data first, checked against (or, without it, replaced by) the visible
page, an analytics data layer as the last resort, and the user's CSS selector over all of them."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from pricewatch.models import Availability
from pricewatch.scraping.extract import (
    confidence,
    datalayer,
    evidence,
    jsonld,
    meta,
    microdata,
    reconcile,
    statedata,
    stock,
    visible,
)
from pricewatch.scraping.extract.document import Page, heading, parse, text_of, text_start
from pricewatch.scraping.extract.layout import Layout
from pricewatch.scraping.extract.product import ProductData, clean_text
from pricewatch.scraping.extract.result import Extraction, Offer
from pricewatch.scraping.extract.selector import select_price
from pricewatch.scraping.money import region_currency

log = logging.getLogger(__name__)
MIN_VISIBLE_SCORE = 1.0  # below this a visible-only candidate is a guess (see visible._score)
_LISTING_PRODUCTS = 3  # differently named products in the structured data, none the page's: a listing
LISTING_MIN_SCORE = 3.0  # a price this strong (named, near the title) stands out of a page of tiles
_LISTING_TILES = 3
VISIBLE_REGION_LIMIT = 1500  # elements in the buy box read first when there is no structured price
# An offer named like a bundle or a set is not the product alone.
_BUNDLE = re.compile(r"\+|\bbundle|\bset\b|\bpack\b|\bkit\b|\bcombo|\bwith\b|\bmit\b|\bavec\b|\bcon\b")


def extract(
    html: bytes | str,
    url: str | None = None,
    *,
    selector: str | None = None,
    encoding: str | None = None,
    parsed: Callable[[Page], None] | None = None,
) -> Extraction:
    """Price, currency, availability, title and candidate offers of a product page; never raises.

    Args:
        html: the page as bytes (decoded with ``encoding``, the page's declaration or sniffing) or text.
        url: the page URL, for absolute image links, the dollar's country and the variant in the URL.
        selector: the user's CSS selector for the price; it wins over detection when it finds a price.
        encoding: the charset the server declared, if any.
        parsed: called with the parsed page before it is read, so other judgements of the page share the
            parse (the page check); it must only read the page and must not raise.
    """
    try:
        page, reason = parse(html, url, encoding)
        if page is None:
            return Extraction(reason=reason)
        if parsed is not None:
            parsed(page)
        return _extract(page, selector)
    except RecursionError:
        return Extraction(reason="the document is nested too deeply to read")
    except Exception as exc:  # never raise on untrusted input; a bug here must not stop a batch
        log.exception("extraction failed")
        return Extraction(reason=f"extraction failed: {type(exc).__name__}")


def _extract(page: Page, selector: str | None) -> Extraction:
    result = Extraction()
    # Cheapest first: JSON-LD sits in a few script elements; microdata needs a pass over the tree, so it is
    # read only when JSON-LD gave no price.
    products = jsonld.read(page)
    if not any(p.priced_offers for p in products):
        products += microdata.read(page)
    meta_data = meta.read(page, meta.read_tags(page))
    product = _main_product(products, page, meta_data.title)
    if product is not None:
        result.offers = _dedupe(product.priced_offers)
        _set(result, "title", product.name, product.method)
        _set(result, "image_url", product.image, product.method)
        _set(result, "sku", product.sku, product.method)
        _set(result, "brand", product.brand, product.method)
        _set(result, "quantity", product.quantity, product.method)
    if not result.offers and meta_data.offer is not None:
        result.offers = [meta_data.offer]
    _set(result, "title", meta_data.title, "meta")
    _set(result, "image_url", meta_data.image, "meta")
    _set(result, "brand", meta_data.brand, "meta")
    _set(result, "sku", meta_data.sku, "meta")
    if result.title is None:
        _set(result, "title", _page_title(page), "text")

    # With structured prices only the buy box is read, to check them against what the shopper sees;
    # without, the whole page is searched.
    layout = Layout(page)
    if result.offers:
        region = layout.region()
        found = visible.scan(page, layout, region) if region is not None else visible.Scan()
    else:
        found = _scan_visible(page, layout)
    basis = _choose_price(result, page, found.candidates, layout)

    if result.price is None:
        basis = _fallback(result, page) or basis

    if selector:
        money, why = select_price(page, selector)
        if money is not None:
            result.price = money.amount
            result.currency = money.currency or result.currency
            result.methods["price"] = "selector"
            result.reason = None
            result.price_selector = selector
            basis = confidence.SELECTOR
            result.evidence.insert(0, f"read with your CSS selector {selector!r}")
        else:
            result.reason = why

    if result.availability is Availability.UNKNOWN and meta_data.availability is not Availability.UNKNOWN:
        result.availability = meta_data.availability
        result.methods["availability"] = "meta"
    seen = stock.visible_availability(result.availability, found, layout, _price_position(result, found))
    if seen is not Availability.UNKNOWN:
        if result.availability is not Availability.UNKNOWN:
            result.structured_availability = result.availability
        result.availability = seen
        result.methods["availability"] = "visible"

    if result.currency is None:
        result.currency = page.money.currency or (
            region_currency(page.money.region) if result.price else None
        )
    if result.currency:
        result.methods.setdefault("currency", result.methods.get("price", "context"))
    if result.price is None and result.reason is None:
        result.reason = "no price found on the page"
    confidence.finish(result, basis, found.candidates, page, buy_box=layout.buy is not None)
    return result


# Read only when neither structured data nor the visible page gave a price: an app's state script (the data
# a browser renders the page from), else an analytics data layer.
_FALLBACKS = (
    (
        statedata.read,
        confidence.STATE,
        "read from the page's state script (the page renders its price there)",
    ),
    (
        datalayer.read,
        confidence.DATALAYER,
        "read from the page's analytics data layer (no price shown or described)",
    ),
)


def _fallback(result: Extraction, page: Page) -> str | None:
    """Set the price from the first fallback source that has one; return its basis."""
    for read, basis, note in _FALLBACKS:
        offer = read(page)
        if offer is None:
            continue
        result.price, result.currency, result.list_price = offer.price, offer.currency, offer.list_price
        result.methods["price"] = offer.method
        if result.availability is Availability.UNKNOWN and offer.availability is not Availability.UNKNOWN:
            result.availability = offer.availability
            result.methods["availability"] = offer.method
        result.reason = None
        result.evidence.append(note)
        return basis
    return None


def _scan_visible(page: Page, layout: Layout) -> visible.Scan:
    """Without structured prices: the buy box first (a larger one than for the check), the whole page only
    when the buy box holds no confident price; reading every element costs several milliseconds."""
    region = layout.region(limit=VISIBLE_REGION_LIMIT)
    if region is not None:
        found = visible.scan(page, layout, region)
        seen = visible.best(found.candidates)
        # A best price in a repeated box means the "buy box" found is a list of other sellers or products.
        if seen is not None and seen.score >= MIN_VISIBLE_SCORE and not seen.tiled:
            return found
    return visible.scan(page, layout)


def _choose_price(result: Extraction, page: Page, found: list[visible.Candidate], layout: Layout) -> str:
    """Set the price from the main offer, or from the visible page when the shopper sees another one; return
    the basis of the choice (see :mod:`~pricewatch.scraping.extract.confidence`), noting the evidence."""
    seen = visible.best(found)
    offer, how = _main_offer(result.offers, page, found)
    if offer is not None:
        result.price, result.currency = offer.price, offer.currency
        result.methods["price"] = offer.method
        result.structured_price = offer.price
        result.list_price = offer.list_price
        if offer.availability is not Availability.UNKNOWN:
            result.availability = offer.availability
            result.methods["availability"] = offer.method
        result.evidence.append(f"{confidence.source_name(offer.method)} gives {offer.price} {how}".strip())
        if how == confidence.FALLBACK:
            result.evidence.append("the structured offers differ in price and none is shown as the main one")
    if seen is None:
        return confidence.STRUCTURED_UNSEEN if offer is not None else confidence.NONE
    result.visible_price = seen.amount
    if result.price is None:
        if seen.tiled:
            # Its box repeats with other prices and no price stands apart from them: a list of products
            # (a category or search page) or of sellers, without a main offer to follow.
            result.reason = (
                f"the page lists several products or offers, none as the main one (e.g. {seen.text!r})"
            )
            return confidence.NONE
        if seen.currency is None and any(c.currency for c in found if c.amount != seen.amount):
            # The page writes its prices with a currency; a bare number beside them is a count or a size.
            result.reason = f"no confident price on the page (best guess {seen.text!r} has no currency)"
            return confidence.NONE
        if _listing_without_buy_box(found, layout) and seen.score < LISTING_MIN_SCORE:
            result.reason = f"the page lists several products, none as the main one (e.g. {seen.text!r})"
            return confidence.NONE
        if seen.score < MIN_VISIBLE_SCORE:
            # Nothing names it a price and it sits far from the title and buy button (or in a list of other
            # products): a guess, not an answer. The user can point a CSS selector at the right element.
            result.reason = f"no confident price on the page (best guess {seen.text!r})"
            return confidence.NONE
        if layout.buy is None and seen.element is not None and layout.avoided(seen.element):
            # Its best price sits in a product grid, a carousel or a menu, and nothing on the page buys: a
            # search, category or error page showing other products.
            result.reason = f"the page shows prices only in lists of products (e.g. {seen.text!r})"
            return confidence.NONE
        result.price, result.currency = seen.amount, seen.currency or page.money.currency
        result.methods["price"] = "visible"
        result.evidence.append(f"read from the page's buy box: {seen.text!r}")
        _set_selector(result, page, seen)
        return confidence.VISIBLE
    basis = reconcile.decide(result.price, offer, seen, found, result.evidence)
    if basis == confidence.AGREE and result.currency is None:
        result.currency = seen.currency  # the structured data leaves it out; the buy box writes it
    if basis in (confidence.VISIBLE_EVIDENCE, confidence.VISIBLE_STRONG, confidence.CENTS):
        if basis == confidence.CENTS:
            result.list_price = None  # in cents like the price, if at all: the page's own is read later
        elif any(c.amount == result.price and c.is_list for c in found) or (
            result.price is not None and result.price > seen.amount
        ):
            result.list_price = result.price  # the structured price is the old one the page crosses out
        result.price = seen.amount
        result.currency = seen.currency or result.currency
        result.methods["price"] = "visible"
        _set_selector(result, page, seen)
        # Offered beside the structured ones, so the user can pick either.
        result.offers.append(Offer(price=seen.amount, currency=result.currency, name="shown on the page",
                                   method="visible"))  # fmt: skip
    return basis


def _price_position(result: Extraction, found: visible.Scan) -> int | None:
    """Where the page shows the chosen price most strongly, in the scan's element order."""
    shown = [c for c in found.candidates if c.amount == result.price and not c.is_list and not c.tiled]
    return max(shown, key=lambda c: c.score).position if shown else None


def _listing_without_buy_box(found: list[visible.Candidate], layout: Layout) -> bool:
    """No buy button outside the product tiles, and several products' prices in tiles: a category page."""
    return layout.buy is None and len({c.amount for c in found if c.tiled}) >= _LISTING_TILES


def _set_selector(result: Extraction, page: Page, seen: visible.Candidate) -> None:
    if seen.element is not None:
        result.price_selector = evidence.css_path(seen.element, page)


def _set(result: Extraction, name: str, value: str | None, method: str) -> None:
    if value and getattr(result, name) is None:
        setattr(result, name, value)
        result.methods[name] = method


def _page_title(page: Page) -> str | None:
    h1 = heading(page)
    text = clean_text(text_of(h1)) if h1 is not None else None
    if text:
        return text
    for title in page.all("title"):
        return clean_text(text_of(title))
    return None


def _main_product(products: list[ProductData], page: Page, og_title: str | None) -> ProductData | None:
    """The page's own product: a top-level one with prices, the one named like the page (its og:title, its
    heading, its <title>) when several. Several products none of which is named like the page, or only
    products inside a list, make a listing page: no product."""
    priced = [p for p in products if p.priced_offers]
    top = [p for p in priced if not p.nested]
    pool = top or priced or products
    if len(pool) > 1 or (not top and priced):
        names = [og_title, *(text_start(el, 300) for el in page.all("h1")[:3] + page.all("title")[:1])]
        for wanted in (" ".join(n.split()).lower() for n in names if n):
            for product in pool:
                if product.name and product.name.lower() in wanted:
                    return product
        if _several_products(pool) or (not top and priced):
            return None
    return pool[0] if pool else None


def _several_products(pool: list[ProductData]) -> bool:
    """Whether the products are different ones (names and prices), not one product's variants."""
    names = {p.name.lower() for p in pool if p.name}
    prices = {o.price for p in pool for o in p.priced_offers}
    return len(names) >= _LISTING_PRODUCTS and len(prices) >= 2


def _dedupe(offers: list[Offer]) -> list[Offer]:
    unique: dict[tuple[object, ...], Offer] = {}
    for offer in offers:
        unique.setdefault(
            (offer.price, offer.currency, offer.name, offer.sku, offer.url, offer.availability), offer
        )
    return list(unique.values())


def _main_offer(offers: list[Offer], page: Page, found: list[visible.Candidate]) -> tuple[Offer | None, str]:
    """The offer a shopper sees first: the one in the URL, the one shown, else the first buyable one that is
    not a bundle; with how it was told apart (for the evidence)."""
    priced = [o for o in offers if o.price is not None]
    if not priced:
        return None, ""
    if len(priced) == 1:
        return priced[0], ""
    if page.url:
        for offer in priced:
            if offer.url and offer.url == page.url:
                return offer, "(the offer of the page's address)"
            if offer.sku and len(offer.sku) >= 4 and offer.sku in page.url:  # "12" is in many URLs
                return offer, "(the offer whose SKU is in the page's address)"
    if len({o.price for o in priced}) == 1:
        # Variants at one price (sizes): the product can be bought when any of them can.
        return next((o for o in priced if o.availability.buyable), priced[0]), "(all its offers agree)"
    shown = sorted((c for c in found if not c.is_list), key=lambda c: -c.score)
    for cand in shown[:5]:
        for offer in priced:
            if offer.price == cand.amount:
                return offer, "(the offer the page shows)"
    plain = [o for o in priced if not _BUNDLE.search((o.name or "").lower())] or priced
    return next((o for o in plain if o.availability.buyable), plain[0]), confidence.FALLBACK
