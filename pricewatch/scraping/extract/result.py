"""What extraction returns: the chosen price, the candidate offers, and the method behind each field."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pricewatch.models import Availability

UNSURE_BELOW = 0.6  # confidence under which a reading is marked unsure


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
    list_price: Decimal | None = None  # the offer's own crossed-out or list price (priceSpecification)
    valid_until: str | None = None  # priceValidUntil as written (an ISO date), None when not given
    high_price: Decimal | None = None  # an AggregateOffer's highPrice when ``price`` is its lowPrice: a range

    def spans(self, amount: Decimal) -> bool:
        """Whether the amount lies above the low end of the offer's price range, up to its high end: the
        price of one of the variants or sellers an AggregateOffer sums up."""
        low, high = self.price, self.high_price
        return low is not None and high is not None and low < amount <= high

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
            "list_price": None if self.list_price is None else str(self.list_price),
            "valid_until": self.valid_until,
        }


@dataclass(frozen=True, slots=True)
class PriceCandidate:
    """One price the page offers or shows, with what speaks for it: the "why this price" evidence.

    Attributes:
        price / currency: the amount and its ISO code (None when the page does not say).
        source: where it was read: ``jsonld``, ``microdata``, ``meta``, ``visible``, ``state`` (an app's
            state script), ``datalayer`` or ``selector``.
        role: ``price`` (a price to pay), ``list`` (crossed out, "was", list or recommended price) or
            ``other`` (the layout puts it with related products, accessories, other sellers, instalments).
        score: how strongly the page's layout points at it as the price to pay (visible ones; 0 otherwise).
        text: what the page shows ("€ 34,99") or the structured field it came from ("JSON-LD offers.price").
        context: the words around it on the page (its label, its box), for a person to recognise it.
        selector: a CSS selector that finds this element (visible ones), to keep as the product's selector.
        chosen: whether it is the extraction's price.
    """

    price: Decimal
    currency: str | None
    source: str
    role: str = "price"
    score: float = 0.0
    text: str = ""
    context: str = ""
    selector: str | None = None
    chosen: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "price": str(self.price),
            "currency": self.currency,
            "source": self.source,
            "role": self.role,
            "score": self.score,
            "text": self.text,
            "context": self.context,
            "selector": self.selector,
            "chosen": self.chosen,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PriceCandidate:
        return cls(
            price=Decimal(data["price"]),
            currency=data.get("currency"),
            source=data.get("source", ""),
            role=data.get("role", "price"),
            score=float(data.get("score", 0.0)),
            text=data.get("text", ""),
            context=data.get("context", ""),
            selector=data.get("selector"),
            chosen=bool(data.get("chosen", False)),
        )


@dataclass(slots=True)
class Extraction:
    """The result of :func:`~pricewatch.scraping.extract.extract`.

    Attributes:
        price: the price a shopper pays now, or None (then ``reason`` says why).
        currency: ISO 4217 code, or None.
        availability: schema.org availability, UNKNOWN when the page does not say.
        offers: every candidate offer found (variants, sellers); more than one means the user may pick.
        methods: for each field, the method that produced it (``jsonld``, ``microdata``, ``meta``,
            ``selector``, ``visible``, ``state`` (an app's state script), ``datalayer`` (an analytics data
            layer, the last resort), ``text``).
        structured_price / visible_price: both recorded when structured data and the visible page disagree;
            ``price`` is then the visible one.
        structured_availability: what structured data said when the visible page overruled it.
        list_price: the crossed-out, "was" or list price of the product when the page shows or states one
            above the price (so the user sees the discount); None otherwise.
        confidence: 0 to 1, how sure the extraction is that ``price`` is the main product's price to pay now
            (0 without a price). ``unsure`` is True below :data:`UNSURE_BELOW`: such a reading should not fire
            an alert alone, and the add dialog should let the user pick among ``candidates``.
        evidence: "why this price", in words: where it came from and what agreed or competed with it.
        candidates: every price considered (structured and visible), best first, the chosen one marked.
        price_selector: a CSS selector for the element the price was read from (visible or selector prices).
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
    list_price: Decimal | None = None
    confidence: float = 0.0
    unsure: bool = False
    evidence: list[str] = field(default_factory=list)
    candidates: list[PriceCandidate] = field(default_factory=list)
    price_selector: str | None = None
    quantity: str | None = None  # the size structured data states ("500 g"), as text for units.parse_quantity

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
            "list_price": money(self.list_price),
            "confidence": round(self.confidence, 3),
            "unsure": self.unsure,
            "evidence": list(self.evidence),
            "candidates": [candidate.to_json() for candidate in self.candidates],
            "price_selector": self.price_selector,
            "quantity": self.quantity,
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
                    list_price=offer.list_price if offer.list_price is not None else self.list_price,
                    confidence=1.0,
                    unsure=False,
                    evidence=[*self.evidence, f"the offer {offer.key} was picked by the user"],
                    candidates=[replace(c, chosen=c.price == offer.price) for c in self.candidates],
                )
        return self
