"""Export and import of products with their price history and alert rules, as JSON or CSV.

Format 2 (this one) carries everything the user set up: target price, alert rules with their state, the
minimum change, offer, paused and robots choices. Format 1 files (history and target price only) still
import. The CSV repeats the product's settings on each history row; its ``alerts`` column holds the same
rules object as the JSON export, as compact JSON.

Merging an import into a database is :mod:`pricewatch.transfer_merge`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from pricewatch import __version__
from pricewatch.models import (
    AlertKind,
    AlertRule,
    AlertState,
    Availability,
    PriceObservation,
    Product,
    utcnow,
)
from pricewatch.storage.alert_rules import AlertOptions

FORMAT_VERSION = 2
CSV_FIELDS = (
    "url", "title", "shop", "currency", "target_price", "check_interval_minutes", "css_selector",
    "offer_key", "paused", "ignore_robots", "alerts", "observed_at", "price", "availability",
)  # fmt: skip
_PRODUCT_FIELDS = (
    "url", "title", "shop", "currency", "target_price", "check_interval_minutes", "css_selector", "offer_key",
    "paused", "ignore_robots",
)  # fmt: skip
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no", "")

AlertsLookup = Callable[[Product], tuple[list[AlertRule], AlertOptions]]


class ImportFormatError(ValueError):
    """The file is not a PriceWatch export (says where and why)."""


@dataclass(slots=True)
class ImportedProduct:
    url: str
    title: str | None = None
    shop: str | None = None
    currency: str | None = None
    target_price: Decimal | None = None
    check_interval_minutes: int | None = None
    css_selector: str | None = None
    offer_key: str | None = None
    paused: bool = False
    ignore_robots: bool = False
    rules: list[AlertRule] = field(default_factory=list)  # product_id 0 until imported
    options: AlertOptions = field(default_factory=AlertOptions)
    history: list[tuple[datetime, Decimal | None, Availability]] = field(default_factory=list)

    @property
    def target(self) -> Decimal | None:
        """The target price: the target_price rule's amount when the file has one, else the product field."""
        rules = [r.amount for r in self.rules if r.kind is AlertKind.TARGET_PRICE]
        return rules[0] if rules else self.target_price


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _money(value: Any, where: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ImportFormatError(f"{where}: {value!r} is not a price") from None
    if not result.is_finite() or result < 0:
        raise ImportFormatError(f"{where}: {value!r} is not a price")
    return result


def _time(value: Any, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ImportFormatError(f"{where}: {value!r} is not an ISO 8601 time") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _availability(value: Any) -> Availability:
    text = str(value or "Unknown")
    return Availability(text) if text in Availability._value2member_map_ else Availability.UNKNOWN


def _flag(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ImportFormatError(f"{where}: {value!r} is not true or false")


def _alerts_doc(rules: list[AlertRule], options: AlertOptions) -> dict[str, Any]:
    return {
        "min_change_amount": _str(options.min_change_amount),
        "min_change_percent": _str(options.min_change_percent),
        "rules": [
            {
                "kind": r.kind.value, "amount": _str(r.amount), "percent": _str(r.percent),
                "window_days": r.window_days, "enabled": r.enabled, "state": r.state.value,
                "last_fired_at": None if r.last_fired_at is None else _iso(r.last_fired_at),
            }
            for r in rules
        ],
    }  # fmt: skip


def _product_doc(product: Product, alerts: AlertsLookup | None) -> dict[str, Any]:
    item: dict[str, Any] = {name: getattr(product, name) for name in _PRODUCT_FIELDS}
    item["target_price"] = _str(product.target_price)
    rules, options = alerts(product) if alerts else ([], AlertOptions())
    item["alerts"] = _alerts_doc(rules, options)
    return item


def export_json(
    products: Iterable[tuple[Product, list[PriceObservation]]],
    out: TextIO,
    *,
    alerts: AlertsLookup | None = None,
) -> int:
    """Write format 2 JSON; ``alerts`` gives a product's rules and minimum change (none without it)."""
    items = []
    for product, history in products:
        item = _product_doc(product, alerts)
        item["history"] = [
            {
                "observed_at": _iso(o.observed_at),
                "price": _str(o.price),
                "currency": o.currency,
                "availability": str(o.availability),
            }
            for o in history
        ]
        items.append(item)
    doc = {"pricewatch_export": FORMAT_VERSION, "app_version": __version__, "exported_at": _iso(utcnow()),
           "products": items}  # fmt: skip
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return len(items)


def export_csv(
    products: Iterable[tuple[Product, list[PriceObservation]]],
    out: TextIO,
    *,
    alerts: AlertsLookup | None = None,
) -> int:
    """One row per observation (one row for a product without history), the product's settings on each."""
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for product, history in products:
        count += 1
        base = _product_doc(product, alerts)
        base["target_price"] = base["target_price"] or ""
        base["alerts"] = json.dumps(base["alerts"], separators=(",", ":"), ensure_ascii=False)
        base["paused"], base["ignore_robots"] = (
            str(product.paused).lower(),
            str(product.ignore_robots).lower(),
        )
        rows: list[PriceObservation | None] = list(history) or [None]
        for obs in rows:
            row = dict(base)
            if obs is not None:
                row.update(
                    observed_at=_iso(obs.observed_at),
                    price="" if obs.price is None else str(obs.price),
                    availability=str(obs.availability),
                )
            writer.writerow(row)
    return count


def parse_export(text: str) -> list[ImportedProduct]:
    """Read a JSON or CSV export (the format is recognised from the content)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        return _parse_json(stripped)
    return _parse_csv(stripped)


def _parse_json(text: str) -> list[ImportedProduct]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("products"), list):
        raise ImportFormatError("not a PriceWatch export: no list of products")
    version = doc.get("pricewatch_export", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFormatError(f"not a PriceWatch export: format {version!r}")
    if version > FORMAT_VERSION:
        raise ImportFormatError(
            f"this file has export format {version}, newer than this PriceWatch reads ({FORMAT_VERSION}):"
            " update PriceWatch to import it"
        )
    result = []
    for index, item in enumerate(doc["products"], 1):
        where = f"product {index}"
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise ImportFormatError(f"{where}: no url")
        imported = _product_from_fields(item, where)
        history = item.get("history") or []
        if not isinstance(history, list):
            raise ImportFormatError(f"{where}: history is not a list")
        for n, entry in enumerate(history, 1):
            if not isinstance(entry, dict):
                raise ImportFormatError(f"{where}, history entry {n}: not an object")
            at = f"{where}, history entry {n}"
            imported.history.append(
                (_time(entry.get("observed_at"), at), _money(entry.get("price"), at),
                 _availability(entry.get("availability")))
            )  # fmt: skip
        result.append(imported)
    return result


def _product_from_fields(item: dict[str, Any], where: str) -> ImportedProduct:
    interval = item.get("check_interval_minutes")
    try:
        interval_value = int(interval) if interval not in (None, "") else None
    except (TypeError, ValueError):
        raise ImportFormatError(f"{where}: check_interval_minutes {interval!r} is not a number") from None
    rules, options = _alerts_from(item.get("alerts"), where)
    return ImportedProduct(
        url=str(item["url"]),
        title=item.get("title") or None,
        shop=item.get("shop") or None,
        currency=item.get("currency") or None,
        target_price=_money(item.get("target_price"), where),
        check_interval_minutes=interval_value,
        css_selector=item.get("css_selector") or None,
        offer_key=item.get("offer_key") or None,
        paused=_flag(item.get("paused"), f"{where}: paused"),
        ignore_robots=_flag(item.get("ignore_robots"), f"{where}: ignore_robots"),
        rules=rules,
        options=options,
    )


def _alerts_from(value: Any, where: str) -> tuple[list[AlertRule], AlertOptions]:
    """The ``alerts`` object (a JSON string in a CSV cell); checked like a rule the user enters."""
    from pricewatch.alerts import validate_rule

    if value in (None, ""):
        return [], AlertOptions()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ImportFormatError(f"{where}: the alerts column is not JSON") from None
    if not isinstance(value, dict) or not isinstance(value.get("rules", []), list):
        raise ImportFormatError(f"{where}: alerts is not an object with a list of rules")
    options = AlertOptions(
        _money(value.get("min_change_amount"), f"{where}, minimum change"),
        _money(value.get("min_change_percent"), f"{where}, minimum change"),
    )
    rules = []
    for n, entry in enumerate(value.get("rules", []), 1):
        at = f"{where}, alert rule {n}"
        if not isinstance(entry, dict) or entry.get("kind") not in AlertKind._value2member_map_:
            kind = entry.get("kind") if isinstance(entry, dict) else entry
            raise ImportFormatError(f"{at}: unknown kind {kind!r}")
        window = entry.get("window_days")
        if window is not None and (not isinstance(window, int) or isinstance(window, bool)):
            raise ImportFormatError(f"{at}: window_days {window!r} is not a number of days")
        state = entry.get("state") or "armed"
        if state not in AlertState._value2member_map_:
            raise ImportFormatError(f"{at}: unknown state {state!r}")
        fired = entry.get("last_fired_at")
        rule = AlertRule(
            0, AlertKind(entry["kind"]), amount=_money(entry.get("amount"), at),
            percent=_money(entry.get("percent"), at), window_days=window,
            enabled=_flag(entry.get("enabled", True), at), state=AlertState(state),
            last_fired_at=None if fired in (None, "") else _time(fired, at),
        )  # fmt: skip
        try:
            validate_rule(rule)
        except ValueError as exc:
            raise ImportFormatError(f"{at}: {exc}") from None
        rules.append(rule)
    if sum(r.kind is AlertKind.TARGET_PRICE for r in rules) > 1:
        raise ImportFormatError(f"{where}: more than one target price rule")
    return rules, options


def _parse_csv(text: str) -> list[ImportedProduct]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "url" not in reader.fieldnames:
        raise ImportFormatError("not a PriceWatch export: a CSV file needs a 'url' column")
    products: dict[str, ImportedProduct] = {}
    for line, row in enumerate(reader, 2):
        where = f"line {line}"
        url = (row.get("url") or "").strip()
        if not url:
            raise ImportFormatError(f"{where}: no url")
        product = products.get(url)
        if product is None:
            product = products[url] = _product_from_fields({**row, "url": url}, where)
        if row.get("observed_at"):
            product.history.append(
                (_time(row["observed_at"], where), _money(row.get("price"), where),
                 _availability(row.get("availability")))
            )  # fmt: skip
    return list(products.values())
