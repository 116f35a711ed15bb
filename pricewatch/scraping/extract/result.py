"""What extraction returns: the chosen price, the candidate offers, and the method behind each field."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pricewatch.models import Availability


@dataclass(frozen=True, slots=True)
class Offer:
    """One price the page offers (a variant, a seller, a size), as found by ``method``."""

    price: Decimal | None
    currency: str | None = None
    availability: Availability = Availability.UNKNOWN
    name: str | None = None
    sku: str | None = None
    url: str | None = None
    method: str = ""

    @property
    def key(self) -> str:
        """A stable id for remembering the user's pick: the SKU when known, else a digest of name and url."""
        if self.sku:
            return f"sku:{self.sku}"
        basis = f"{self.name or ''}|{self.url or ''}|{self.price if not (self.name or self.url) else ''}"
        return "offer:" + hashlib.sha1(basis.encode("utf-8", "replace")).hexdigest()[:12]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "price": None if self.price is None else str(self.price),
            "currency": self.currency,
            "availability": self.availability.value,
            "name": self.name,
            "sku": self.sku,
            "url": self.url,
            "method": self.method,
        }


@dataclass(slots=True)
class Extraction:
    """The result of :func:`~pricewatch.scraping.extract.extract`.

    Attributes:
        price: the price a shopper pays now, or None (then ``reason`` says why).
        currency: ISO 4217 code, or None.
        availability: schema.org availability, UNKNOWN when the page does not say.
        offers: every candidate offer found (variants, sellers); more than one means the user may pick.
        methods: for each field, the method that produced it (``jsonld``, ``microdata``, ``meta``,
            ``selector``, ``visible``, ``datalayer`` (an analytics data layer, the last resort), ``text``).
        structured_price / visible_price: both recorded when structured data and the visible page disagree;
            ``price`` is then the visible one.
        structured_availability: what structured data said when the visible page overruled it.
    """

    price: Decimal | None = None
    currency: str | None = None
    availability: Availability = Availability.UNKNOWN
    title: str | None = None
    image_url: str | None = None
    sku: str | None = None
    brand: str | None = None
    offers: list[Offer] = field(default_factory=list)
    methods: dict[str, str] = field(default_factory=dict)
    reason: str | None = None
    structured_price: Decimal | None = None
    visible_price: Decimal | None = None
    structured_availability: Availability | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (Decimals as strings)."""

        def money(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "price": money(self.price),
            "currency": self.currency,
            "availability": self.availability.value,
            "title": self.title,
            "image_url": self.image_url,
            "sku": self.sku,
            "brand": self.brand,
            "offers": [offer.to_json() for offer in self.offers],
            "methods": dict(self.methods),
            "reason": self.reason,
            "structured_price": money(self.structured_price),
            "visible_price": money(self.visible_price),
            "structured_availability": (
                None if self.structured_availability is None else self.structured_availability.value
            ),
        }

    def pick(self, offer_key: str | None) -> Extraction:
        """This result with the offer the user picked as its price; unchanged when the key is not offered."""
        if not offer_key:
            return self
        for offer in self.offers:
            if offer.key == offer_key and offer.price is not None:
                methods = dict(self.methods, price=f"offer:{offer.method}")
                return replace(
                    self,
                    price=offer.price,
                    currency=offer.currency or self.currency,
                    availability=(
                        offer.availability
                        if offer.availability is not Availability.UNKNOWN
                        else self.availability
                    ),
                    sku=offer.sku or self.sku,
                    methods=methods,
                    reason=None,
                )
        return self
