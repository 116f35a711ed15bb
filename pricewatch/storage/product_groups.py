"""A product as the user sees it: its listings in every shop, each price in the home currency, the cheapest.

Built from stored rows (products, groups, rates) without I/O; the front ends show it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from pricewatch.models import Availability, PriceObservation, Product
from pricewatch.storage.rates import RateTable
from pricewatch.units import UnitPrice, comparable, listing_quantity, unit_price


@dataclass(frozen=True, slots=True)
class Listing:
    """One shop's listing; ``home_price`` is its price in the home currency (None: no price or no rate).

    ``rate_date`` is the day of the rate used, None when the price needed no conversion; ``unit_price`` the
    home price per kg, L or piece when the listing's quantity is known (its stored one, else its title's)."""

    product: Product
    home_price: Decimal | None
    rate_date: date | None
    unit_price: UnitPrice | None = None

    @property
    def id(self) -> int:
        assert self.product.id is not None
        return self.product.id

    @property
    def converted(self) -> bool:
        return self.rate_date is not None


@dataclass(frozen=True, slots=True)
class ProductGroup:
    """Listings of one item; ``id`` is the lowest listing id, ``cheapest`` the lowest home price in stock
    (out of stock only when no listing is in stock), None while no listing has a convertible price."""

    id: int
    listings: tuple[Listing, ...]
    cheapest: Listing | None
    home_currency: str
    rates_stale: bool

    @property
    def lead(self) -> Listing:
        return self.listings[0]

    @property
    def shop_count(self) -> int:
        """How many listings (shops) the product has; two of one shop count twice (two offers)."""
        return len(self.listings)


def listing(product: Product, rates: RateTable, home: str) -> Listing:
    price, currency = product.price, product.currency
    if price is None:
        return Listing(product, None, None)
    if currency is None or currency == home:
        # an unknown currency is taken as the home one, as shown so far
        return Listing(product, price, None, _per_unit(product, price))
    converted = rates.convert(price, currency, home)
    rate_date = rates.rate_date if converted is not None else None
    return Listing(product, converted, rate_date, _per_unit(product, converted))


def _per_unit(product: Product, home_price: Decimal | None) -> UnitPrice | None:
    return unit_price(home_price, listing_quantity(product.quantity, product.title))


def cheapest(listings: Iterable[Listing]) -> Listing | None:
    """The best buy: by price per unit when every candidate states one of the same unit (a 1 kg bag at 9.00
    beats a 500 g bag at 5.00), else by price; in stock first."""
    priced = [item for item in listings if item.home_price is not None]
    buyable = [item for item in priced if item.product.availability is not Availability.OUT_OF_STOCK]
    pool = buyable or priced
    if not pool:
        return None
    first = pool[0].unit_price
    if len(pool) > 1 and all(comparable(first, item.unit_price) for item in pool):
        return min(pool, key=lambda item: (item.unit_price.amount if item.unit_price else 0, item.id))
    return min(pool, key=lambda item: (item.home_price, item.id))


def build_groups(
    products: Iterable[Product], lead_of: dict[int, int], rates: RateTable, home: str, stale: bool
) -> list[ProductGroup]:
    """Group ``products`` by ``lead_of`` (listing id -> lead id; missing: alone), ordered by lead id."""
    grouped: dict[int, list[Listing]] = {}
    for product in products:
        assert product.id is not None
        grouped.setdefault(lead_of.get(product.id, product.id), []).append(listing(product, rates, home))
    groups = []
    for members in grouped.values():
        members.sort(key=lambda item: item.id)
        groups.append(ProductGroup(members[0].id, tuple(members), cheapest(members), home, stale))
    groups.sort(key=lambda group: group.id)
    return groups


def converted_history(
    history: Iterable[PriceObservation], currency: str | None, rates: RateTable, home: str
) -> list[PriceObservation] | None:
    """A listing's history in the home currency at today's rate (a chart compares shops on one axis), or
    None when its currency has no rate. Readings without a price stay (they carry the stock)."""
    source = currency or home
    if source != home and rates.rate(source, home) is None:
        return None
    result = []
    for obs in history:
        price = obs.price
        if price is not None and source != home:
            price = rates.convert(price, source, home)
        result.append(replace(obs, price=price, currency=home))
    return result
