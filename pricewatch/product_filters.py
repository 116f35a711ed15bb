"""Smart filters: a small query over products (tag, shop, below target, in stock, dropped this week, unsure
reading), its JSON form for storage and export, and the predicate every front end applies.

A query's conditions combine with AND; an unset condition matches everything. The predicate reads only the
product and its precomputed :class:`ProductFacts` (one read for all products, see the facade's
``product_facts``), so a list of 100,000 products filters without a query per product.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from pricewatch.errors import BadInputError
from pricewatch.models import Availability, Product
from pricewatch.tagging import has_controls, tag_key, tag_name

MAX_FILTER_NAME_CHARS = 60
MAX_SHOP_CHARS = 253  # a host name
FLAGS = ("below_target", "in_stock", "dropped_this_week", "unsure")
DROP_DAYS = 7  # "this week": the last seven days


@dataclass(frozen=True, slots=True)
class ProductFacts:
    """What a filter needs beyond the product row: its tag keys, a price drop in the last week, an unsure
    newest reading, and whether it or one of its rules is snoozed (shown in the list)."""

    tags: frozenset[str] = frozenset()
    dropped_this_week: bool = False
    unsure: bool = False
    snoozed: bool = False
    tag_names: tuple[str, ...] = field(default=(), compare=False)


NO_FACTS = ProductFacts()


@dataclass(frozen=True, slots=True)
class ProductQuery:
    """Conditions combined with AND; None or False: not a condition."""

    tag: str | None = None
    shop: str | None = None
    below_target: bool = False
    in_stock: bool = False
    dropped_this_week: bool = False
    unsure: bool = False

    @property
    def empty(self) -> bool:
        return self.tag is None and self.shop is None and not any(getattr(self, f) for f in FLAGS)

    @property
    def reads_observations(self) -> bool:
        """Whether it asks for facts read from the price history (a drop this week, an unsure reading)."""
        return self.dropped_this_week or self.unsure

    def matches(self, product: Product, facts: ProductFacts = NO_FACTS) -> bool:
        if self.tag is not None and tag_key(self.tag) not in facts.tags:
            return False
        if self.shop is not None and not _same_shop(product.shop, self.shop):
            return False
        if self.below_target and (
            product.price is None or product.target_price is None or product.price > product.target_price
        ):
            return False
        if self.in_stock and product.availability is not Availability.IN_STOCK:
            return False
        if self.dropped_this_week and not facts.dropped_this_week:
            return False
        return not (self.unsure and not facts.unsure)

    def to_json(self) -> dict[str, Any]:
        """Only the conditions set: an older reader sees no field it does not know unless it is used."""
        return {name: value for name, value in asdict(self).items() if value not in (None, False)}

    @classmethod
    def from_json(cls, doc: object) -> ProductQuery:
        """A query from its JSON form (untrusted: an import file, an API body); BadInputError when bad."""
        if not isinstance(doc, dict):
            raise BadInputError("a filter is an object of conditions")
        unknown = set(doc) - {"tag", "shop", *FLAGS}
        if unknown:
            raise BadInputError(f"unknown filter conditions: {', '.join(sorted(map(str, unknown)))[:200]}")
        flags = {}
        for name in FLAGS:
            value = doc.get(name, False)
            if not isinstance(value, bool):
                raise BadInputError(f"the filter condition {name} must be true or false")
            flags[name] = value
        tag = doc.get("tag")
        shop = doc.get("shop")
        return cls(
            tag=None if tag in (None, "") else tag_name(tag),
            shop=None if shop in (None, "") else shop_text(shop),
            **flags,
        )

    def describe(self) -> str:
        """The conditions in plain English (the CLI, an API client's log)."""
        parts = []
        if self.tag is not None:
            parts.append(f"tag {self.tag}")
        if self.shop is not None:
            parts.append(f"shop {self.shop}")
        parts += [name.replace("_", " ") for name in FLAGS if getattr(self, name)]
        return " and ".join(parts) or "every product"


def shop_text(value: object) -> str:
    """A shop condition: a host name ("shop.example"), lower case, "www." dropped; BadInputError if bad."""
    if not isinstance(value, str):
        raise BadInputError("a shop must be text")
    text = value.strip().lower().removeprefix("www.")
    if not text or len(text) > MAX_SHOP_CHARS or any(c.isspace() or c in "/?#@" for c in text):
        raise BadInputError(f"{value[:60]!r} is not a shop name (a host name such as shop.example)")
    if has_controls(text):
        raise BadInputError("a shop name cannot contain control characters")
    return text


def filter_name(value: object) -> str:
    """A saved filter's name: trimmed, one line, no control characters, at most 60 characters."""
    if not isinstance(value, str):
        raise BadInputError("a filter name must be text")
    if has_controls(value):
        raise BadInputError("a filter name cannot contain control characters")
    text = unicodedata.normalize("NFC", " ".join(value.split()))
    if not text:
        raise BadInputError("a filter name cannot be empty")
    if len(text) > MAX_FILTER_NAME_CHARS:
        raise BadInputError(f"a filter name has at most {MAX_FILTER_NAME_CHARS} characters")
    return text


def _same_shop(shop: str | None, wanted: str) -> bool:
    """The shop itself or one of its subdomains ("example" matches neither "badexample.com")."""
    if not shop:
        return False
    shop = shop.lower()
    return shop == wanted or shop.endswith("." + wanted)


@dataclass(frozen=True, slots=True)
class SavedFilter:
    """A query the user keeps under a name (unique in any case)."""

    name: str
    query: ProductQuery
    id: int | None = None
