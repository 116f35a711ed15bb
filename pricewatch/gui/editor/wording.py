"""The add/edit dialog's sentences about a look-up: why it waits, what it found, in the user's words."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from pricewatch.formatting import availability as core_availability
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import TaskRecord
from pricewatch.translation import QT_TRANSLATE_NOOP
from pricewatch.wording import fault_sentence, retry_sentence


def plain_error(record: TaskRecord) -> str:
    """A task's error as one plain sentence with the next step, from its kind and status (never its
    message, which names classes, addresses and raw SSL strings)."""
    return fault_sentence(record.error_kind, record.error_status, record.error_retry_after)


def retry_text(record: TaskRecord) -> str:
    """ "The shop answered 503; trying again (retry 1 of 3) at 14:05:09." from a task waiting in RETRY."""
    when = f"{record.eta.astimezone():%H:%M:%S}" if record.eta is not None else None
    return (
        retry_sentence(record.error_status, record.retries, record.max_retries, when)
        + "\n\n"
        + QCoreApplication.translate(
            "LookupWording",
            "You can add the product now (PriceWatch keeps checking it on its schedule) or stop the look-up.",
        )
    )


_FETCHER_TEXT = {
    "plain": QT_TRANSLATE_NOOP("LookupWording", "read without a browser"),
    "browser": QT_TRANSLATE_NOOP("LookupWording", "read in the PriceWatch browser"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("LookupWording", text)


def fetcher_text(found_by: str, fetcher: object) -> str:
    """ "the page's structured data (JSON-LD), read in the PriceWatch browser" (which fetcher ran)."""
    how = _FETCHER_TEXT.get(str(fetcher or ""))
    return f"{found_by}, {_tr(how)}" if how else found_by


_METHOD_TEXT = {
    "jsonld": QT_TRANSLATE_NOOP("LookupWording", "the page's structured data (JSON-LD)"),
    "microdata": QT_TRANSLATE_NOOP("LookupWording", "the page's structured data (microdata)"),
    "meta": QT_TRANSLATE_NOOP("LookupWording", "the page's product tags"),
    "selector": QT_TRANSLATE_NOOP("LookupWording", "your selector"),
    "visible": QT_TRANSLATE_NOOP("LookupWording", "the price shown on the page"),
    "state": QT_TRANSLATE_NOOP("LookupWording", "the page's app data (its state script)"),
    "datalayer": QT_TRANSLATE_NOOP("LookupWording", "the page's analytics data (a last resort)"),
    "text": QT_TRANSLATE_NOOP("LookupWording", "the page text"),
}


def method_text(method: object) -> str:
    """Where the price came from, for people ("jsonld" -> "the page's structured data (JSON-LD)")."""
    key = str(method or "")
    return _tr(_METHOD_TEXT[key]) if key in _METHOD_TEXT else fmt.clean_text(key, 40)


def availability_text(value: object) -> str:
    """Stock in words, the same as in the product list, notifications and the CLI ("Stock not stated")."""
    return core_availability(value)


def no_price_text(reason: object) -> str:
    """Why no price was found, said once ("No price found on the page", not "no price found (no price …)")."""
    why = fmt.clean_text(str(reason or ""), 200)
    if not why:
        return QCoreApplication.translate("LookupWording", "No price found.")
    if why.lower().startswith("no price"):
        return why[0].upper() + why[1:]
    return QCoreApplication.translate("LookupWording", "No price found: {why}").format(why=why)


def selector_outcome(selector: str, result: dict[str, Any]) -> str:
    """Whether the selector of a look-up found the price, or where the price shown came from instead."""
    method = (result.get("methods") or {}).get("price")
    selector = f"“{fmt.clean_text(selector, 80)}”"
    if method == "selector":
        return QCoreApplication.translate(
            "LookupWording", "Your selector {selector} found the price."
        ).format(selector=selector)
    why = fmt.clean_text(str(result.get("reason") or ""), 200).removeprefix("the CSS selector ")
    why = why or QCoreApplication.translate("LookupWording", "found no price")
    if result.get("price") is None:
        return QCoreApplication.translate("LookupWording", "Your selector {selector} {why}.").format(
            selector=selector, why=why
        )
    return QCoreApplication.translate(
        "LookupWording", "Your selector {selector} {why}; the price shown comes from {source}."
    ).format(selector=selector, why=why, source=method_text(method))
