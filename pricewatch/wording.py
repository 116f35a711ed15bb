"""Why a page could not be read, in plain words with the next step: one sentence per fault kind.

Every front end (the window, the command line, notifications, the API's clients) says the same thing. The
sentence is built from the structured facts a task record or a scrape fault carries (``kind``, HTTP
``status``, ``retry_after``), never from the fault's message: messages hold addresses, class names and raw
SSL strings that a person cannot act on. The sentences are in the window's language where the window
installed its translator (:mod:`pricewatch.translation`, context "Faults"), English elsewhere.
"""

from __future__ import annotations

from pricewatch.translation import QT_TRANSLATE_NOOP, translate

# Faults the address itself causes: a page that does not exist cannot be added.
_MISSING = frozenset({404, 410})
# Faults that a secure connection to an http-only shop causes (a TLS handshake answered in plain HTTP, a
# refused or reset port 443): an address typed without a scheme tries http:// after them.
SCHEME_FAULTS = frozenset({"connect", "tls", "timeout"})


def missing_page(kind: str | None, status: int | None) -> bool:
    """Whether the shop said the page does not exist (404, 410): such an address cannot be added."""
    return kind == "http_4xx" and status in _MISSING


def _wait(seconds: float | None) -> str:
    if seconds is None or seconds <= 0:
        return translate("Faults", "later")
    if seconds < 90:
        return translate("Faults", "in {n} s").format(n=max(1, round(seconds)))
    minutes = round(seconds / 60)
    if minutes < 90:
        return translate("Faults", "in {n} min").format(n=minutes)
    return translate("Faults", "in {n} h").format(n=round(minutes / 60))


def _http(status: int | None) -> str:
    return f" ({status})" if status else ""


# One sentence per fault kind; {code} is " (503)" or "", {wait} "in 30 s" or "later".
_SENTENCES = {
    "http_5xx": QT_TRANSLATE_NOOP("Faults", "The shop's server failed{code}. PriceWatch tries again {wait}."),
    "rate_limited": QT_TRANSLATE_NOOP(
        "Faults", "The shop asked PriceWatch to slow down{code}. PriceWatch tries again {wait}."
    ),
    "timeout": QT_TRANSLATE_NOOP(
        "Faults",
        "The shop took too long to answer. PriceWatch tries again later; if this keeps happening, the shop "
        "may be down.",
    ),
    "connect": QT_TRANSLATE_NOOP(
        "Faults",
        "Could not connect to the shop. Check the internet connection and the address; PriceWatch tries "
        "again later.",
    ),
    "dns": QT_TRANSLATE_NOOP(
        "Faults", "The shop's address could not be found. Check the spelling of the address."
    ),
    "tls": QT_TRANSLATE_NOOP(
        "Faults",
        "The shop's secure connection could not be set up. Try the address with http:// or open it in the "
        "PriceWatch browser.",
    ),
    "robots": QT_TRANSLATE_NOOP(
        "Faults",
        "The shop asks programs not to read this page (robots.txt). Ask the shop, or track another shop's "
        "page "
        "for this product.",
    ),
    "no_price": QT_TRANSLATE_NOOP(
        "Faults",
        "No price was found on the page. Pick the price in the PriceWatch browser, or give a price selector.",
    ),
    "not_html": QT_TRANSLATE_NOOP(
        "Faults", "This address is a file, not a web page. Use the address of the product's page."
    ),
    "too_large": QT_TRANSLATE_NOOP(
        "Faults", "The page is too large to read. Use the address of the product's own page."
    ),
    "decoding": QT_TRANSLATE_NOOP("Faults", "The shop sent a damaged page. PriceWatch tries again later."),
    "redirects": QT_TRANSLATE_NOOP(
        "Faults",
        "The shop sends this address on to an address PriceWatch cannot use. Open it in your browser and "
        "copy the "
        "address the product page ends up at.",
    ),
    "unsafe_address": QT_TRANSLATE_NOOP(
        "Faults",
        "The page points to an address on this computer or its network, which PriceWatch does not follow. "
        "Use "
        "the shop's public address.",
    ),
    "bad_url": QT_TRANSLATE_NOOP(
        "Faults",
        "This is not a web address PriceWatch can track. Use an address that starts with https:// or http://.",
    ),
    "browser_unavailable": QT_TRANSLATE_NOOP(
        "Faults", "The PriceWatch browser is not available here. Set the product's fetch mode to plain."
    ),
    "browser_crashed": QT_TRANSLATE_NOOP(
        "Faults", "The PriceWatch browser stopped while reading the page. PriceWatch tries again later."
    ),
    "busy": QT_TRANSLATE_NOOP(
        "Faults", "The PriceWatch browser has too many pages waiting. PriceWatch tries again later."
    ),
    "cancelled": QT_TRANSLATE_NOOP("Faults", "The check was stopped."),
    "orphaned": QT_TRANSLATE_NOOP(
        "Faults", "The program that ran this check ended; a later check takes over."
    ),
    "children_failed": QT_TRANSLATE_NOOP("Faults", "Some of the checks failed; each product says why."),
    "notify": QT_TRANSLATE_NOOP(
        "Faults", "The notification could not be delivered. Check the notification settings."
    ),
}


def fault_sentence(kind: str | None, status: int | None = None, retry_after: float | None = None) -> str:
    """What went wrong and what to do next, for people ("The shop refused the request (403). Try again
    later or open it in the PriceWatch browser.").

    An unknown kind (a bug, named by its exception class) gets a general sentence: the class name is for the
    log, not for the user.
    """
    code, wait = _http(status), _wait(retry_after)
    if kind == "http_4xx":
        if status in _MISSING:
            return translate(
                "Faults",
                "This page does not exist{code}. Check the address, or find the product on the shop's "
                "site and copy its address again.",
            ).format(code=code)
        if status in (401, 403):
            return translate(
                "Faults",
                "The shop refused the request{code}. Try again later or open it in the PriceWatch browser.",
            ).format(code=code)
        if status in (408, 425):
            return translate(
                "Faults", "The shop asked to try again later{code}. PriceWatch tries again {wait}."
            ).format(code=code, wait=wait)
        return translate(
            "Faults", "The shop rejected the request{code}. Check the address, or try again later."
        ).format(code=code)
    if kind == "rate_limited":
        code = code or " (429)"
    if kind in _SENTENCES:
        return translate("Faults", _SENTENCES[kind]).format(code=code, wait=wait)
    return translate(
        "Faults", "Something went wrong while reading the page. PriceWatch tries again at the next check."
    )


def retry_sentence(status: int | None, retries: int, max_retries: int, at: str | None) -> str:
    """ "The shop answered 503; trying again (retry 1 of 3) at 14:05:09." for a task waiting to try again."""
    if status and at:
        text = translate(
            "Faults", "The shop answered {status}; trying again (retry {retry} of {most}) at {at}."
        )
    elif status:
        text = translate("Faults", "The shop answered {status}; trying again (retry {retry} of {most}).")
    elif at:
        text = translate("Faults", "The shop did not answer; trying again (retry {retry} of {most}) at {at}.")
    else:
        text = translate("Faults", "The shop did not answer; trying again (retry {retry} of {most}).")
    return text.format(status=status, retry=retries, most=max_retries, at=at)
