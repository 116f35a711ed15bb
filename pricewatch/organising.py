"""Organising products: tags, smart filters saved by name, and one edit of many products at once.

The facade delegates here; every change is one transaction, so a bulk edit of a selection either happens
to all of it or (on a bad value or a product removed meanwhile) to none of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pricewatch.alerting import AlertBook
from pricewatch.alerts import validate_rule
from pricewatch.errors import BadInputError, NotFoundError
from pricewatch.models import AlertKind, AlertRule, Product, utcnow
from pricewatch.product_filters import ProductFacts, ProductQuery, SavedFilter, filter_name
from pricewatch.storage import Database, ProductRepository
from pricewatch.storage.product_facts import read_facts
from pricewatch.storage.saved_filters import SavedFilterRepository
from pricewatch.storage.tags import TagRepository
from pricewatch.tagging import tag_names

MAX_BULK = 100_000  # products in one bulk edit
MAX_INTERVAL_MINUTES = 525_600


@dataclass(frozen=True, slots=True)
class BulkEdit:
    """What to do to every product of a selection; None or empty: leave that alone."""

    add_tags: Sequence[str] = ()
    remove_tags: Sequence[str] = ()
    check_interval_minutes: int | None = None
    add_rule: AlertRule | None = None  # product_id is ignored
    paused: bool | None = None

    @property
    def empty(self) -> bool:
        return not (self.add_tags or self.remove_tags) and (
            self.check_interval_minutes is None and self.add_rule is None and self.paused is None
        )


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What a bulk edit did: the products it touched and, per change, how many products it changed."""

    product_ids: list[int]
    tags_added: int = 0
    tags_removed: int = 0
    intervals_set: int = 0
    rules_added: int = 0
    paused_set: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for a status bar or a terminal."""
        parts = [
            f"{count} {what}"
            for count, what in (
                (self.tags_added, "tags added"),
                (self.tags_removed, "tags removed"),
                (self.intervals_set, "check intervals set"),
                (self.rules_added, "rules added"),
                (self.paused_set, "pause states changed"),
            )
            if count
        ]
        changes = ", ".join(parts) or "nothing needed changing"
        return f"{len(self.product_ids)} products: {changes}"


class Organiser:
    def __init__(self, db: Database, products: ProductRepository, alerting: AlertBook) -> None:
        self._db = db
        self._products = products
        self._alerting = alerting
        self.tags = TagRepository(db)
        self.filters = SavedFilterRepository(db)

    # -- tags -------------------------------------------------------------------------------------------
    def tag(self, product_ids: Sequence[int], names: Sequence[str]) -> int:
        return self.bulk_edit(product_ids, BulkEdit(add_tags=names)).tags_added

    def untag(self, product_ids: Sequence[int], names: Sequence[str]) -> int:
        return self.bulk_edit(product_ids, BulkEdit(remove_tags=names)).tags_removed

    # -- saved filters ----------------------------------------------------------------------------------
    def save_filter(self, name: str, query: ProductQuery) -> SavedFilter:
        if query.empty:
            raise BadInputError("a saved filter needs at least one condition")
        return self.filters.save(filter_name(name), query)

    def saved_filter(self, name: str) -> SavedFilter:
        found = self.filters.get(filter_name(name))
        if found is None:
            raise NotFoundError(f"no saved filter called {name[:60]!r}")
        return found

    def delete_filter(self, name: str) -> None:
        if not self.filters.delete(filter_name(name)):
            raise NotFoundError(f"no saved filter called {name[:60]!r}")

    def filter_products(self, products: list[Product], *queries: ProductQuery) -> list[Product]:
        """The products every query matches (the facts read once for all of them)."""
        queries = tuple(q for q in queries if not q.empty)
        if not queries:
            return products
        facts = self.facts(readings=any(q.reads_observations for q in queries))
        none = ProductFacts()
        return [p for p in products if all(q.matches(p, facts.get(p.id or 0, none)) for q in queries)]

    def facts(self, *, readings: bool = True) -> dict[int, ProductFacts]:
        """See :func:`read_facts` (``readings``: the facts the price history gives too)."""
        return read_facts(self._db, utcnow(), readings=readings)

    # -- bulk edit ----------------------------------------------------------------------------------------
    def bulk_edit(self, product_ids: Sequence[int], edit: BulkEdit) -> BulkOutcome:
        """Apply ``edit`` to every product of ``product_ids`` in one transaction.

        Raises BadInputError (a bad tag, interval or rule, an empty edit or selection) or NotFoundError (an
        id that names no product) before anything changes.
        """
        ids = list(dict.fromkeys(int(i) for i in product_ids))
        if not ids:
            raise BadInputError("no products selected")
        if len(ids) > MAX_BULK:
            raise BadInputError(f"at most {MAX_BULK} products at once")
        if edit.empty:
            raise BadInputError("nothing to change")
        adding, removing = tag_names(list(edit.add_tags)), tag_names(list(edit.remove_tags))
        interval = edit.check_interval_minutes
        if interval is not None and not 1 <= interval <= MAX_INTERVAL_MINUTES:
            raise BadInputError(f"the check interval must be 1 to {MAX_INTERVAL_MINUTES} minutes")
        if edit.add_rule is not None:
            validate_rule(edit.add_rule)
        with self._db.transaction():
            products = [self._products.get(i) for i in ids]
            missing = [i for i, p in zip(ids, products, strict=True) if p is None]
            if missing:
                shown = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
                raise NotFoundError(f"no product with id {shown}")
            added = self.tags.add(ids, adding) if adding else 0
            removed = self.tags.remove(ids, removing) if removing else 0
            intervals = paused = rules = 0
            for product in products:
                assert product is not None and product.id is not None
                if interval is not None and product.check_interval_minutes != interval:
                    self._products.update(product.id, check_interval_minutes=interval)
                    intervals += 1
                if edit.paused is not None and product.paused != edit.paused:
                    self._products.update(product.id, paused=edit.paused)
                    paused += 1
                if edit.add_rule is not None and self._add_rule(product, edit.add_rule):
                    rules += 1
        return BulkOutcome(ids, added, removed, intervals, rules, paused)

    def _add_rule(self, product: Product, rule: AlertRule) -> bool:
        """Give ``product`` the rule unless it has an equal one; a target price replaces its target."""
        assert product.id is not None
        current = self._alerting.rules_for(product)
        key = (rule.kind, rule.amount, rule.percent, rule.window_days)
        if any((r.kind, r.amount, r.percent, r.window_days) == key for r in current):
            return False
        if rule.kind is AlertKind.TARGET_PRICE:
            current = [r for r in current if r.kind is not AlertKind.TARGET_PRICE]
        fresh = AlertRule(
            product.id, rule.kind, amount=rule.amount, percent=rule.percent, window_days=rule.window_days
        )
        self._alerting.set_rules(product, [*current, fresh])
        return True
