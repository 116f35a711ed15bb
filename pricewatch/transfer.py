"""Export and import of products with their price history and alert rules, as JSON or CSV.

Format 2 (this one) carries everything the user set up: target price, alert rules with their state, the
minimum change, offer, paused and robots choices. Format 1 files (history and target price only) still
import. The CSV repeats the product's settings on each history row; its ``alerts`` column holds the same
rules object as the JSON export, as compact JSON, and its ``same_product_as`` column the URL of the first
listing of the product's group (empty for that first one and for a product in one shop).

Products carry their tags (a list in JSON, one comma-separated cell in CSV), and a JSON export the smart
filters saved by name (``saved_filters``); both are optional, so files without them still import.
The JSON export also lists the products in several shops (``groups``: each the URLs of one product's
listings) and the exchange rates (``exchange_rates``); a file without them (older) imports as before. The
exchange rates are one day's table, not a product's row, so a CSV export leaves them out.

Merging an import into a database is :mod:`pricewatch.transfer_merge`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from pricewatch import __version__
from pricewatch.errors import BadInputError
from pricewatch.models import (
    AlertKind,
    AlertRule,
    AlertState,
    Availability,
    PriceObservation,
    Product,
    utcnow,
)
from pricewatch.product_filters import ProductQuery, SavedFilter, filter_name
from pricewatch.storage.alert_rules import AlertOptions
from pricewatch.tagging import tag_names
from pricewatch.urls import MAX_URL_LENGTH

FORMAT_VERSION = 2
CSV_FIELDS = (
    "url", "title", "shop", "currency", "target_price", "check_interval_minutes", "css_selector",
    "offer_key", "paused", "ignore_robots", "alerts", "observed_at", "price", "availability", "list_price",
    "quantity", "tags", "same_product_as",
)  # fmt: skip
_PRODUCT_FIELDS = (
    "url", "title", "shop", "currency", "target_price", "check_interval_minutes", "css_selector", "offer_key",
    "paused", "ignore_robots", "quantity",
)  # fmt: skip
_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no", "")
# Text cells a spreadsheet could take for a formula get a leading apostrophe (the usual rule, which the
# spreadsheet shows as text and the import strips again); number cells stay numbers.
_CSV_TEXT_FIELDS = ("title", "shop", "currency", "css_selector", "offer_key", "quantity", "tags")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_IMPORT_BYTES = 100_000_000  # a backup of thousands of products with years of history is a few MB
MAX_TEXT = 2000  # characters of a title, shop, selector or offer
MAX_INTERVAL_MINUTES = 525_600  # a year
MAX_WINDOW_DAYS = 3650
_MAX_PRICE_DIGITS = 15  # digits before the decimal mark
_MIN_PRICE_EXPONENT = -10  # digits after it

AlertsLookup = Callable[[Product], tuple[list[AlertRule], AlertOptions]]
TagsLookup = Callable[[Product], list[str]]
MAX_SAVED_FILTERS = 1000


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
    quantity: str | None = None
    # observed_at, price, availability, list price (the page's struck-through price; absent in older files)
    history: list[tuple[datetime, Decimal | None, Availability, Decimal | None]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    same_product_as: str | None = None  # a CSV row's group: the URL of its group's first listing

    @property
    def target(self) -> Decimal | None:
        """The target price: the target_price rule's amount when the file has one, else the product field."""
        rules = [r.amount for r in self.rules if r.kind is AlertKind.TARGET_PRICE]
        return rules[0] if rules else self.target_price


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _str(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _shown(value: Any) -> str:
    """A value for an error message: its repr, cut short (a hostile file may hold megabytes in one field)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _money(value: Any, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ImportFormatError(f"{where}: {_shown(value)} is not a price")
    try:
        result = Decimal(str(value)[:100])
    except InvalidOperation:
        raise ImportFormatError(f"{where}: {_shown(value)} is not a price") from None
    if not result.is_finite() or result < 0:
        raise ImportFormatError(f"{where}: {_shown(value)} is not a price")
    exponent = result.as_tuple().exponent  # an int: the value is finite
    too_precise = isinstance(exponent, int) and exponent < _MIN_PRICE_EXPONENT
    if result and (result.adjusted() >= _MAX_PRICE_DIGITS or too_precise):
        raise ImportFormatError(f"{where}: {_shown(value)} is not a price (too large or too precise)")
    return result


def _text(value: Any, where: str, limit: int = MAX_TEXT) -> str | None:
    """An optional text field: a string without NUL characters, at most ``limit`` characters."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ImportFormatError(f"{where} is not text: {_shown(value)}")
    if "\x00" in value:
        raise ImportFormatError(f"{where} contains a NUL character")
    if len(value) > limit:
        raise ImportFormatError(f"{where} is longer than {limit} characters")
    return value


def _whole(value: Any, where: str, low: int, high: int) -> int | None:
    """An optional whole number between ``low`` and ``high`` (JSON numbers or digits in a CSV cell)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 12:
        value = int(value.strip())
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e12:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ImportFormatError(f"{where} {_shown(value)} is not a whole number from {low} to {high}")
    return value


def _time(value: Any, where: str) -> datetime:
    try:
        if not isinstance(value, str) or len(value) > 64:
            raise ValueError(value)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        parsed.astimezone(UTC)  # a time near year 1 or 9999 may not fit in UTC
    except (ValueError, OverflowError):
        raise ImportFormatError(f"{where}: {_shown(value)} is not an ISO 8601 time") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _availability(value: Any) -> Availability:
    text = str(value or "Unknown")
    return Availability(text) if text in Availability._value2member_map_ else Availability.UNKNOWN


def _flag(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value)[:10].strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ImportFormatError(f"{where}: {_shown(value)} is not true or false")


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


def _product_doc(product: Product, alerts: AlertsLookup | None, tags: TagsLookup | None) -> dict[str, Any]:
    item: dict[str, Any] = {name: getattr(product, name) for name in _PRODUCT_FIELDS}
    item["target_price"] = _str(product.target_price)
    rules, options = alerts(product) if alerts else ([], AlertOptions())
    item["alerts"] = _alerts_doc(rules, options)
    item["tags"] = tags(product) if tags else []
    return item


def export_json(
    products: Iterable[tuple[Product, list[PriceObservation]]],
    out: TextIO,
    *,
    alerts: AlertsLookup | None = None,
    tags: TagsLookup | None = None,
    saved_filters: Iterable[SavedFilter] = (),
    extras: dict[str, Any] | None = None,
) -> int:
    """Write format 2 JSON; ``alerts`` gives a product's rules and minimum change, ``tags`` its tags;
    ``extras`` are further top-level entries (groups, exchange rates: see :func:`parse_extras`)."""
    items = []
    for product, history in products:
        item = _product_doc(product, alerts, tags)
        item["history"] = [
            {
                "observed_at": _iso(o.observed_at),
                "price": _str(o.price),
                "currency": o.currency,
                "availability": str(o.availability),
                "list_price": _str(o.list_price),
            }
            for o in history
        ]
        items.append(item)
    filters = [{"name": f.name, "query": f.query.to_json()} for f in saved_filters]
    doc = {"pricewatch_export": FORMAT_VERSION, "app_version": __version__, "exported_at": _iso(utcnow()),
           "products": items, "saved_filters": filters, **(extras or {})}  # fmt: skip
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return len(items)


def _neutral(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _from_cell(text: str | None) -> str | None:
    """A text cell as exported: the apostrophe :func:`_neutral` put in front goes again."""
    if text and text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def export_csv(
    products: Iterable[tuple[Product, list[PriceObservation]]],
    out: TextIO,
    *,
    alerts: AlertsLookup | None = None,
    tags: TagsLookup | None = None,
    groups: Sequence[Sequence[str]] = (),
) -> int:
    """One row per observation (one row for a product without history), the product's settings on each.

    ``groups`` are the URLs of the listings of each product in several shops, as in the JSON export.
    """
    first_of = {url: urls[0] for urls in groups for url in urls[1:]}
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    # The "\n" line end leaves a lone "\r" in a cell unquoted, which no CSV reader reads back: such a row
    # is written with every cell quoted.
    quoted = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    count = 0
    for product, history in products:
        count += 1
        base = _product_doc(product, alerts, tags)
        base["tags"] = ",".join(base["tags"])
        for name in _CSV_TEXT_FIELDS:
            if isinstance(base[name], str):
                base[name] = _neutral(base[name])
        base["target_price"] = base["target_price"] or ""
        base["quantity"] = base["quantity"] or ""
        base["alerts"] = json.dumps(base["alerts"], separators=(",", ":"), ensure_ascii=False)
        base["same_product_as"] = first_of.get(product.url, "")
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
                    list_price=_str(obs.list_price) or "",
                )
            has_cr = any(isinstance(v, str) and "\r" in v for v in row.values())
            (quoted if has_cr else writer).writerow(row)
    return count


def read_export(path: Path) -> str:
    """The text of an export file, refused (ImportFormatError) when too large, binary or not UTF-8.

    Raises:
        OSError: the file cannot be read.
    """
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise ImportFormatError(f"the file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB")
    data = path.read_bytes()
    if b"\x00" in data:
        raise ImportFormatError("a binary file (or UTF-16 text), not a PriceWatch export in JSON or CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFormatError("not a UTF-8 text file") from None


@dataclass(slots=True)
class ExportDocument:
    products: list[ImportedProduct]
    saved_filters: list[SavedFilter] = field(default_factory=list)


def parse_export(text: str) -> list[ImportedProduct]:
    """The products of a JSON or CSV export (see :func:`parse_document`)."""
    return parse_document(text).products


def parse_document(text: str) -> ExportDocument:
    """Read a JSON or CSV export (the format is recognised from the content).

    Raises:
        ImportFormatError: anything else (says where and why), also for files built to break a parser.
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    try:
        if stripped.startswith(("{", "[")):
            return _parse_json(stripped)
        return ExportDocument(_parse_csv(stripped))
    except RecursionError:
        raise ImportFormatError("the file is nested too deeply to be a PriceWatch export") from None
    except csv.Error as exc:
        raise ImportFormatError(f"not a readable CSV file: {exc}") from None


def _parse_json(text: str) -> ExportDocument:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"not valid JSON: {exc}") from None
    except ValueError as exc:  # a number of thousands of digits
        raise ImportFormatError(f"not a PriceWatch export: {str(exc)[:100]}") from None
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
                 _availability(entry.get("availability")), _money(entry.get("list_price"), at))
            )  # fmt: skip
        result.append(imported)
    return ExportDocument(result, _saved_filters(doc.get("saved_filters")))


def _saved_filters(value: Any) -> list[SavedFilter]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_SAVED_FILTERS:
        raise ImportFormatError(f"saved_filters is not a list of at most {MAX_SAVED_FILTERS} filters")
    filters = []
    for n, entry in enumerate(value, 1):
        if not isinstance(entry, dict):
            raise ImportFormatError(f"saved filter {n}: not an object")
        try:
            filters.append(
                SavedFilter(filter_name(entry.get("name")), ProductQuery.from_json(entry.get("query")))
            )
        except BadInputError as exc:
            raise ImportFormatError(f"saved filter {n}: {exc}") from None
    return filters


def _tags_from(value: Any, where: str) -> list[str]:
    """A product's tags: a list (JSON) or one comma-separated cell (CSV); each checked as the user's."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    try:
        return tag_names(value)
    except BadInputError as exc:
        raise ImportFormatError(f"{where}: tags: {exc}") from None


@dataclass(slots=True)
class ImportedExtras:
    """What a JSON export holds beside its products: listings grouped by URL, one day's exchange rates."""

    groups: list[list[str]] = field(default_factory=list)
    rate_date: date | None = None
    per_eur: dict[str, Decimal] = field(default_factory=dict)


def groups_doc(groups: list[list[str]]) -> dict[str, Any]:
    return {"groups": groups}


def groups_of(products: list[ImportedProduct]) -> list[list[str]]:
    """The groups a CSV export's ``same_product_as`` column names, each its first URL and then the others."""
    groups: dict[str, list[str]] = {}
    for product in products:
        if product.same_product_as and product.same_product_as != product.url:
            groups.setdefault(product.same_product_as, [product.same_product_as]).append(product.url)
    return list(groups.values())


def rates_doc(rate_date: date | None, per_eur: dict[str, Decimal]) -> dict[str, Any]:
    if rate_date is None:
        return {}
    rates = {currency: str(rate) for currency, rate in sorted(per_eur.items())}
    return {"exchange_rates": {"rate_date": rate_date.isoformat(), "per_eur": rates}}


def parse_extras(text: str) -> ImportedExtras:
    """The groups and exchange rates of a JSON export (none for a CSV file or an export without them).

    Raises:
        ImportFormatError: they are there but malformed.
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith("{"):
        return ImportedExtras()
    doc = json.loads(stripped)  # parse_export has refused anything that is not JSON
    extras = ImportedExtras()
    groups = doc.get("groups") or []
    if not isinstance(groups, list):
        raise ImportFormatError("groups is not a list")
    for n, urls in enumerate(groups, 1):
        if not isinstance(urls, list) or not all(
            isinstance(u, str) and len(u) <= MAX_URL_LENGTH for u in urls
        ):
            raise ImportFormatError(f"group {n} is not a list of URLs")
        extras.groups.append(list(urls))
    rates = doc.get("exchange_rates")
    if rates is None:
        return extras
    if not isinstance(rates, dict) or not isinstance(rates.get("per_eur"), dict):
        raise ImportFormatError("exchange_rates has no per_eur rates")
    try:
        extras.rate_date = date.fromisoformat(str(rates.get("rate_date"))[:10])
    except ValueError:
        raise ImportFormatError(f"exchange_rates: {_shown(rates.get('rate_date'))} is not a date") from None
    for currency, value in rates["per_eur"].items():
        rate = _money(value, f"exchange rate {_shown(currency)}")
        if not (
            isinstance(currency, str) and len(currency) == 3 and currency.isalpha() and currency.isupper()
        ):
            raise ImportFormatError(f"exchange_rates: {_shown(currency)} is not a currency code")
        if rate is None or rate <= 0:
            raise ImportFormatError(f"exchange rate {currency} is not a positive number")
        extras.per_eur[currency] = rate
    return extras


def _product_from_fields(item: dict[str, Any], where: str) -> ImportedProduct:
    interval = _whole(item.get("check_interval_minutes"), f"{where}: check_interval_minutes", 1,
                      MAX_INTERVAL_MINUTES)  # fmt: skip
    rules, options = _alerts_from(item.get("alerts"), where)
    return ImportedProduct(
        url=str(_text(item["url"], f"{where}: url", MAX_URL_LENGTH) or ""),
        title=_text(item.get("title"), f"{where}: title"),
        shop=_text(item.get("shop"), f"{where}: shop"),
        currency=_text(item.get("currency"), f"{where}: currency", 16),
        target_price=_money(item.get("target_price"), where),
        check_interval_minutes=interval,
        css_selector=_text(item.get("css_selector"), f"{where}: css_selector"),
        offer_key=_text(item.get("offer_key"), f"{where}: offer_key"),
        paused=_flag(item.get("paused"), f"{where}: paused"),
        ignore_robots=_flag(item.get("ignore_robots"), f"{where}: ignore_robots"),
        quantity=_text(item.get("quantity"), f"{where}: quantity", 100),
        rules=rules,
        options=options,
        tags=_tags_from(item.get("tags"), where),
    )


def _alerts_from(value: Any, where: str) -> tuple[list[AlertRule], AlertOptions]:
    """The ``alerts`` object (a JSON string in a CSV cell); checked like a rule the user enters."""
    from pricewatch.alerts import validate_rule

    if value in (None, ""):
        return [], AlertOptions()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:  # not JSON, or a number of thousands of digits
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
        kind_value = entry.get("kind") if isinstance(entry, dict) else None
        if not isinstance(kind_value, str) or kind_value not in AlertKind._value2member_map_:
            kind = entry.get("kind") if isinstance(entry, dict) else entry
            raise ImportFormatError(f"{at}: unknown kind {_shown(kind)}")
        window = entry.get("window_days")
        if window is not None and (
            not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= MAX_WINDOW_DAYS
        ):
            raise ImportFormatError(f"{at}: window_days {_shown(window)} is not a number of days")
        state = entry.get("state") or "armed"
        if not isinstance(state, str) or state not in AlertState._value2member_map_:
            raise ImportFormatError(f"{at}: unknown state {_shown(state)}")
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
            texts = {name: _from_cell(row.get(name)) for name in _CSV_TEXT_FIELDS}
            product = products[url] = _product_from_fields({**row, **texts, "url": url}, where)
            product.same_product_as = _text(row.get("same_product_as"), f"{where}: same_product_as",
                                            MAX_URL_LENGTH)  # fmt: skip
        if row.get("observed_at"):
            product.history.append(
                (_time(row["observed_at"], where), _money(row.get("price"), where),
                 _availability(row.get("availability")), _money(row.get("list_price"), where))
            )  # fmt: skip
    return list(products.values())
