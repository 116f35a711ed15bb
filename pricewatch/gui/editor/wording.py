"""The add/edit dialog's sentences about a look-up: why it waits, what it found, in the user's words."""

from __future__ import annotations

from typing import Any

from pricewatch.gui.products.model import AVAILABILITY_TEXT
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Availability, TaskRecord


def plain_error(record: TaskRecord) -> str:
    """A task's error as a sentence: without the exception class the engine names, first letter upper case.

    The engine writes ``"<Class>: message"`` and the class as ``error_kind`` for faults it did not expect;
    an expected scrape fault's message stands alone (its kind is a tag such as ``http_5xx``).
    """
    text = fmt.clean_text(record.error, 300)
    if record.error_kind:
        text = text.replace(f"{record.error_kind}: ", "", 1)
    text = text or "unknown error"
    return text[0].upper() + text[1:]


def retry_text(record: TaskRecord) -> str:
    """ "The shop answered 503; trying again (retry 1 of 3) at 14:05:09." from a task waiting in RETRY."""
    status = record.error_status
    why = f"The shop answered {status}" if status else plain_error(record)
    when = f" at {record.eta.astimezone():%H:%M:%S}" if record.eta is not None else ""
    return (
        f"{why}; trying again (retry {record.retries} of {record.max_retries}){when}.\n\n"
        "You can add the product now (PriceWatch keeps checking it on its schedule) or stop the look-up."
    )


_METHOD_TEXT = {
    "jsonld": "the page's structured data (JSON-LD)",
    "microdata": "the page's structured data (microdata)",
    "meta": "the page's product tags",
    "selector": "your selector",
    "visible": "the price shown on the page",
    "datalayer": "the page's analytics data (a last resort)",
    "text": "the page text",
}


def method_text(method: object) -> str:
    """Where the price came from, for people ("jsonld" -> "the page's structured data (JSON-LD)")."""
    key = str(method or "")
    return _METHOD_TEXT.get(key, fmt.clean_text(key, 40))


def availability_text(value: object) -> str:
    """ "InStock" -> "In stock"; an unknown or missing value -> "Not stated on the page"."""
    try:
        availability = Availability(str(value or "Unknown"))
    except ValueError:
        return fmt.clean_text(str(value), 40)
    if availability is Availability.UNKNOWN:
        return "Not stated on the page"
    return AVAILABILITY_TEXT[availability]


def no_price_text(reason: object) -> str:
    """Why no price was found, said once ("No price found on the page", not "no price found (no price …)")."""
    why = fmt.clean_text(str(reason or ""), 200)
    if not why:
        return "No price found."
    if why.lower().startswith("no price"):
        return why[0].upper() + why[1:]
    return f"No price found: {why}"


def selector_outcome(selector: str, result: dict[str, Any]) -> str:
    """Whether the selector of a look-up found the price, or where the price shown came from instead."""
    method = (result.get("methods") or {}).get("price")
    selector = f"“{fmt.clean_text(selector, 80)}”"
    if method == "selector":
        return f"Your selector {selector} found the price."
    why = fmt.clean_text(str(result.get("reason") or ""), 200).removeprefix("the CSS selector ")
    why = why or "found no price"
    if result.get("price") is None:
        return f"Your selector {selector} {why}."
    return f"Your selector {selector} {why}; the price shown comes from {method_text(method)}."
