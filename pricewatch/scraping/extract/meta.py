"""OpenGraph and product meta tags: og:title, og:image, product:price:amount, og:availability and kin."""

from __future__ import annotations

from dataclasses import dataclass

from pricewatch.models import Availability
from pricewatch.scraping.extract.availability import from_schema
from pricewatch.scraping.extract.document import Page
from pricewatch.scraping.extract.product import clean_name, clean_text, structured_amount
from pricewatch.scraping.extract.result import Offer
from pricewatch.scraping.money import normalise_currency

_PRICE_KEYS = (
    "product:sale_price:amount",  # the sale price when the product is on sale (Facebook catalog tags)
    "product:price:amount",
    "og:price:amount",
    "price",
    "twitter:data1",
    "itemprop:price",
)
_CURRENCY_KEYS = (
    "product:sale_price:currency",
    "product:price:currency",
    "og:price:currency",
    "pricecurrency",
    "currency",
)
_AVAILABILITY_KEYS = ("product:availability", "og:availability", "availability")


@dataclass(slots=True)
class MetaData:
    """What the page's ``<meta>`` tags say."""

    title: str | None = None
    image: str | None = None
    offer: Offer | None = None
    availability: Availability = Availability.UNKNOWN
    brand: str | None = None
    sku: str | None = None


def read_tags(page: Page) -> dict[str, str]:
    """``property``/``name``/``itemprop`` of every meta tag, lower case, to its first non-empty content."""
    tags: dict[str, str] = {}
    for meta in page.all("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = meta.get("content")
        if key and content and content.strip():
            tags.setdefault(str(key).strip().lower(), str(content).strip())
    return tags


def read(page: Page, tags: dict[str, str]) -> MetaData:
    data = MetaData(
        title=clean_name(tags.get("og:title") or tags.get("twitter:title")),
        image=page.absolute(tags.get("og:image") or tags.get("og:image:url") or tags.get("twitter:image")),
        brand=clean_name(tags.get("product:brand") or tags.get("og:brand")),
        sku=clean_text(tags.get("product:retailer_item_id") or tags.get("product:sku")),
    )
    currency = next((normalise_currency(tags[k], page.money) for k in _CURRENCY_KEYS if k in tags), None)
    page.money.currency = page.money.currency or currency
    for key in _AVAILABILITY_KEYS:
        if key in tags:
            data.availability = from_schema(tags[key])
            break
    for key in _PRICE_KEYS:
        if key not in tags:
            continue
        if key == "twitter:data1" and tags.get("twitter:label1", "").lower() not in (
            "price",
            "prix",
            "preis",
        ):
            continue
        price = structured_amount(tags[key], page.money)
        if price:
            data.offer = Offer(price=price, currency=currency, availability=data.availability, method="meta")
            break
    return data
