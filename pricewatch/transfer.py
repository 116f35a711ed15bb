"""Export and import of products with their price history, as JSON or CSV.

Import merges by URL: a known product gets the observations it lacks, an unknown one is created. Nothing that
is stored is overwritten or removed, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from pricewatch import __version__
from pricewatch.models import Availability, PriceObservation, Product, utcnow

FORMAT_VERSION = 1
CSV_FIELDS = (
    "url", "title", "shop", "currency", "target_price", "check_interval_minutes", "css_selector",
    "observed_at", "price", "availability",
)  # fmt: skip
_PRODUCT_FIELDS = ("url", "title", "shop", "currency", "target_price", "check_interval_minutes", "css_selector")


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
    history: list[tuple[datetime, Decimal | None, Availability]] = field(default_factory=list)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


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


def export_json(products: Iterable[tuple[Product, list[PriceObservation]]], out: TextIO) -> int:
    items = []
    for product, history in products:
        item: dict[str, Any] = {name: getattr(product, name) for name in _PRODUCT_FIELDS}
        item["target_price"] = None if product.target_price is None else str(product.target_price)
        item["history"] = [
            {
                "observed_at": _iso(o.observed_at),
                "price": None if o.price is None else str(o.price),
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


def export_csv(products: Iterable[tuple[Product, list[PriceObservation]]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for product, history in products:
        count += 1
        base = {name: getattr(product, name) for name in _PRODUCT_FIELDS}
        base["target_price"] = "" if product.target_price is None else str(product.target_price)
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
    result = []
    for index, item in enumerate(doc["products"], 1):
        where = f"product {index}"
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise ImportFormatError(f"{where}: no url")
        imported = _product_from_fields(item, where)
        for n, entry in enumerate(item.get("history") or [], 1):
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
    return ImportedProduct(
        url=str(item["url"]),
        title=item.get("title") or None,
        shop=item.get("shop") or None,
        currency=item.get("currency") or None,
        target_price=_money(item.get("target_price"), where),
        check_interval_minutes=interval_value,
        css_selector=item.get("css_selector") or None,
    )


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
