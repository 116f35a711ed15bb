"""The European Central Bank's daily reference rates (eurofxref-daily.xml): read one file, refuse a bad one.

The file is untrusted input from the network: no DTD or entity is accepted, its size is bounded by the
fetcher, and it must give a date and at least one positive rate per euro, or nothing is taken from it.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pricewatch.scraping.fetch import Fetcher

XML_TYPES = ("text/xml", "application/xml")
MAX_FEED_BYTES = 1_000_000  # the real file is about 2 KB
_CURRENCY = re.compile(r"[A-Z]{3}")


class RatesFeedError(ValueError):
    """The feed's answer holds no usable rates (not XML, no date, no rate)."""


@dataclass(frozen=True, slots=True)
class DailyRates:
    """One day's rates: how many units of each currency one euro buys."""

    rate_date: date
    per_eur: dict[str, Decimal]


def parse_daily_rates(data: bytes) -> DailyRates:
    """The rates of an ECB-format file (``<Cube time="..."><Cube currency=".." rate=".."/>``)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise RatesFeedError("the rates file declares a DTD or entities, which a rates file never does")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise RatesFeedError(f"the rates file is not XML ({exc})") from None
    for element in root.iter():
        if _local(element.tag) == "Cube" and "time" in element.attrib:
            return _day(element)
    raise RatesFeedError("the rates file has no dated set of rates (<Cube time=...>)")


def _day(cube: ET.Element) -> DailyRates:
    try:
        rate_date = date.fromisoformat(cube.attrib["time"].strip())
    except ValueError:
        raise RatesFeedError(f"the rates file's date {cube.attrib['time'][:40]!r} is not a date") from None
    per_eur: dict[str, Decimal] = {}
    for child in cube:
        currency = child.attrib.get("currency", "").strip().upper()
        if _local(child.tag) != "Cube" or not _CURRENCY.fullmatch(currency) or currency == "EUR":
            continue
        try:
            rate = Decimal(child.attrib.get("rate", "").strip())
        except InvalidOperation:
            continue
        if rate.is_finite() and rate > 0:
            per_eur[currency] = rate
    if not per_eur:
        raise RatesFeedError(f"the rates file for {rate_date} lists no rates")
    return DailyRates(rate_date, per_eur)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def fetch_daily_rates(fetcher: Fetcher, url: str, cancel: threading.Event | None = None) -> DailyRates:
    """Fetch and read the rates file at ``url``; fetch faults raise as for pages, a bad file
    :class:`RatesFeedError`."""
    data = fetcher.fetch_data(url, types=XML_TYPES, max_bytes=MAX_FEED_BYTES, cancel=cancel)
    return parse_daily_rates(data)
