"""Export from and merge an export file into a PriceWatch database (the facade's import/export calls these).

Merging never overwrites what is stored: a known product (same URL) gets the observations it lacks, the alert
rules it lacks (compared by kind and amounts; an existing rule keeps its state), and the target price and
minimum change only when it has none; its offer, paused and robots choices stay as they are. A new product is
created with everything the file has, rule states included, so a restored backup does not notify again what
was already notified.

Listings grouped in the file are grouped here too (groups already here stay; an import only joins). The
file's exchange rates are taken when this database has none or older ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from pricewatch import transfer
from pricewatch.errors import InvalidURLError
from pricewatch.models import AlertKind, AlertRule, PriceObservation, Product
from pricewatch.storage.alert_rules import AlertOptions
from pricewatch.urls import validate_url

if TYPE_CHECKING:
    from pricewatch.organising import Organiser
    from pricewatch.storage import AlertRuleRepository, Database, ObservationRepository, ProductRepository
    from pricewatch.storage.listings import ListingGroups
    from pricewatch.storage.rates import RateRepository


@dataclass(frozen=True, slots=True)
class ImportSummary:
    products_added: int
    products_updated: int
    observations_added: int
    tags_added: int = 0
    filters_added: int = 0


class Store(Protocol):
    """What import and export use of the facade: its repositories and the product and rule actions."""

    db: Database
    products: ProductRepository
    observations: ObservationRepository
    alert_rules: AlertRuleRepository
    listing_groups: ListingGroups
    rates: RateRepository

    @property
    def organiser(self) -> Organiser: ...

    def add_product(
        self,
        url: str,
        *,
        target_price: str | Decimal | None = None,
        title: str | None = None,
        css_selector: str | None = None,
        check_interval_minutes: int | None = None,
        default_rules: bool = True,
    ) -> Product: ...

    def get_product(self, product_id: int) -> Product: ...

    def alert_rules_for(self, product_id: int) -> list[AlertRule]: ...


def export_products(app: Store, out: TextIO, fmt: str = "json") -> int:
    """Write every product with its history and alert rules; returns the number of products."""

    def alerts(product: Product) -> tuple[list[AlertRule], AlertOptions]:
        assert product.id is not None
        return app.alert_rules_for(product.id), app.alert_rules.options(product.id)

    tagged = app.organiser.tags.all_products()

    def tags(product: Product) -> list[str]:
        return tagged.get(product.id or 0, [])

    products = app.products.list()
    pairs = ((p, app.observations.history(p.id or 0)) for p in products)
    urls = {p.id: p.url for p in products}
    groups = [[urls[i] for i in ids if i in urls] for ids in app.listing_groups.all_groups()]
    if fmt == "json":
        filters = app.organiser.filters.list()
        table = app.rates.table()
        extras = {**transfer.groups_doc(groups), **transfer.rates_doc(table.rate_date, table.per_eur)}
        return transfer.export_json(
            pairs, out, alerts=alerts, tags=tags, saved_filters=filters, extras=extras
        )
    if fmt == "csv":
        return transfer.export_csv(pairs, out, alerts=alerts, tags=tags, groups=groups)
    raise ValueError(f"unknown export format {fmt!r} (use json or csv)")


def import_products(app: Store, path: Path) -> ImportSummary:
    """Merge an export file into the database; raises OSError or transfer.ImportFormatError."""
    text = transfer.read_export(path)
    document = transfer.parse_document(text)
    items = document.products
    extras = transfer.parse_extras(text)
    for index, item in enumerate(items, 1):  # validate everything before writing anything
        try:
            validate_url(item.url)
        except InvalidURLError as exc:
            raise transfer.ImportFormatError(f"product {index}: {exc}") from None
        if item.check_interval_minutes is not None and item.check_interval_minutes < 1:
            raise transfer.ImportFormatError(
                f"product {index}: the check interval must be at least one minute"
            )
    added = updated = observations = tags = filters = 0
    with app.db.transaction():
        for item in items:
            product = app.products.get_by_url(validate_url(item.url))  # stored URLs are normalised
            if product is None:
                product = _create(app, item)
                added += 1
            else:
                _merge_settings(app, product, item)
                updated += 1
            assert product.id is not None
            observations += _merge_history(app, product.id, item)
            refresh_summary(app, product.id, item.currency)
            if item.tags:
                tags += app.organiser.tags.add([product.id], item.tags)
        for saved in document.saved_filters:  # the filters of this database keep their names and queries
            if app.organiser.filters.get(saved.name) is None:
                app.organiser.filters.save(saved.name, saved.query)
                filters += 1
        _merge_groups(app, extras.groups + transfer.groups_of(items))
        stored = app.rates.table().rate_date
        if extras.rate_date is not None and (stored is None or stored < extras.rate_date):
            app.rates.replace(extras.per_eur, extras.rate_date, "import")
    return ImportSummary(added, updated, observations, tags, filters)


def _merge_groups(app: Store, groups: list[list[str]]) -> None:
    for urls in groups:
        ids = []
        for url in urls:
            try:
                product = app.products.get_by_url(validate_url(url))
            except InvalidURLError:
                continue  # a group names only what the file holds; a bad URL there joins nothing
            if product is not None and product.id is not None:
                ids.append(product.id)
        for other in ids[1:]:
            app.listing_groups.join(ids[0], other)


def _create(app: Store, item: transfer.ImportedProduct) -> Product:
    product = app.add_product(
        item.url,
        target_price=item.target,
        title=item.title,
        css_selector=item.css_selector,
        check_interval_minutes=item.check_interval_minutes,
        default_rules=not item.rules,  # an export's own rules, or the defaults when it has none
    )
    assert product.id is not None
    app.products.set_fields(
        product.id, offer_key=item.offer_key, paused=item.paused, ignore_robots=item.ignore_robots,
        quantity=item.quantity,
    )  # fmt: skip
    for rule in item.rules:
        _add_rule(app, product.id, rule)
    if not item.options.empty:
        app.alert_rules.set_options(product.id, item.options)
    return product


def _merge_settings(app: Store, product: Product, item: transfer.ImportedProduct) -> None:
    assert product.id is not None
    have = {_key(r) for r in app.alert_rules_for(product.id)}
    has_target = product.target_price is not None
    for rule in item.rules:
        if _key(rule) in have:
            continue
        if rule.kind is AlertKind.TARGET_PRICE:
            if has_target:  # the user's target on this machine wins
                continue
            app.products.set_fields(product.id, target_price=rule.amount)
            has_target = True
        _add_rule(app, product.id, rule)
        have.add(_key(rule))
    if not has_target and item.target is not None:  # a format 1 file: the target price field only
        app.products.set_fields(product.id, target_price=item.target)
    if app.alert_rules.options(product.id).empty and not item.options.empty:
        app.alert_rules.set_options(product.id, item.options)
    if product.quantity is None and item.quantity is not None:
        app.products.set_fields(product.id, quantity=item.quantity)


def _key(rule: AlertRule) -> tuple[Any, ...]:
    return (rule.kind, rule.amount, rule.percent, rule.window_days)


def _add_rule(app: Store, product_id: int, rule: AlertRule) -> None:
    app.alert_rules.add(
        AlertRule(
            product_id, rule.kind, amount=rule.amount, percent=rule.percent, window_days=rule.window_days,
            enabled=rule.enabled, state=rule.state, last_fired_at=rule.last_fired_at,
        )
    )  # fmt: skip


def _merge_history(app: Store, product_id: int, item: transfer.ImportedProduct) -> int:
    known = {o.observed_at for o in app.observations.history(product_id)}
    added = 0
    for observed_at, price, availability, list_price in sorted(item.history, key=lambda h: h[0]):
        if observed_at in known:
            continue
        known.add(observed_at)
        app.observations.add(
            PriceObservation(
                product_id, observed_at, price, item.currency, availability, list_price=list_price
            )
        )
        added += 1
    return added


def refresh_summary(app: Store, product_id: int, currency: str | None) -> None:
    """Recompute a product's current/lowest/highest price from its history (after an import)."""
    history = app.observations.history(product_id)
    if not history:
        return
    prices = [o.price for o in history if o.price is not None]
    latest = history[-1]
    changed_prices = [p for i, p in enumerate(prices) if i == 0 or p != prices[i - 1]]
    product = app.get_product(product_id)
    fields: dict[str, Any] = {
        "availability": latest.availability,
        "lowest_price": min(prices) if prices else None,
        "highest_price": max(prices) if prices else None,
        "price": prices[-1] if prices else None,
        "previous_price": changed_prices[-2] if len(changed_prices) > 1 else None,
        "currency": product.currency or latest.currency or currency,
    }
    if product.last_checked_at is None or product.last_checked_at < latest.observed_at:
        fields["last_checked_at"] = latest.observed_at
        fields["list_price"] = latest.list_price  # the file's reading is the newer one
    app.products.set_fields(product_id, **fields)
