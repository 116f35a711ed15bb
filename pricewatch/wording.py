"""Why a page could not be read, in plain words with the next step: one sentence per fault kind.

Every front end (the window, the command line, notifications, the API's clients) says the same thing. The
sentence is built from the structured facts a task record or a scrape fault carries (``kind``, HTTP
``status``, ``retry_after``), never from the fault's message: messages hold addresses, class names and raw
SSL strings that a person cannot act on.
"""

from __future__ import annotations

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
        return "later"
    if seconds < 90:
        return f"in {max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"in {minutes} min"
    return f"in {round(minutes / 60)} h"


def _http(status: int | None) -> str:
    return f" ({status})" if status else ""


def fault_sentence(kind: str | None, status: int | None = None, retry_after: float | None = None) -> str:
    """What went wrong and what to do next, for people ("The shop refused the request (403). Try again
    later or open it in the PriceWatch browser.").

    An unknown kind (a bug, named by its exception class) gets a general sentence: the class name is for the
    log, not for the user.
    """
    code = _http(status)
    if kind == "http_4xx":
        if status in _MISSING:
            return (
                f"This page does not exist{code}. Check the address, or find the product on the shop's "
                "site and copy its address again."
            )
        if status in (401, 403):
            return (
                f"The shop refused the request{code}. Try again later or open it in the PriceWatch browser."
            )
        if status in (408, 425):
            return f"The shop asked to try again later{code}. PriceWatch tries again {_wait(retry_after)}."
        return f"The shop rejected the request{code}. Check the address, or try again later."
    sentences = {
        "http_5xx": f"The shop's server failed{code}. PriceWatch tries again {_wait(retry_after)}.",
        "rate_limited": f"The shop asked PriceWatch to slow down{code or ' (429)'}. "
        f"PriceWatch tries again {_wait(retry_after)}.",
        "timeout": "The shop took too long to answer. PriceWatch tries again later; if this keeps happening, "
        "the shop may be down.",
        "connect": "Could not connect to the shop. Check the internet connection and the address; "
        "PriceWatch tries again later.",
        "dns": "The shop's address could not be found. Check the spelling of the address.",
        "tls": "The shop's secure connection could not be set up. Try the address with http:// or open it "
        "in the PriceWatch browser.",
        "robots": "The shop asks programs not to read this page (robots.txt). Ask the shop, or track another "
        "shop's page for this product.",
        "no_price": "No price was found on the page. Pick the price in the PriceWatch browser, or give a "
        "price selector.",
        "not_html": "This address is a file, not a web page. Use the address of the product's page.",
        "too_large": "The page is too large to read. Use the address of the product's own page.",
        "decoding": "The shop sent a damaged page. PriceWatch tries again later.",
        "redirects": "The shop sends this address on to an address PriceWatch cannot use. Open it in your "
        "browser and copy the address the product page ends up at.",
        "unsafe_address": "The page points to an address on this computer or its network, which PriceWatch "
        "does not follow. Use the shop's public address.",
        "bad_url": "This is not a web address PriceWatch can track. Use an address that starts with "
        "https:// or http://.",
        "browser_unavailable": "The PriceWatch browser is not available here. Set the product's fetch mode "
        "to plain.",
        "browser_crashed": "The PriceWatch browser stopped while reading the page. PriceWatch tries again "
        "later.",
        "busy": "The PriceWatch browser has too many pages waiting. PriceWatch tries again later.",
        "cancelled": "The check was stopped.",
        "orphaned": "The program that ran this check ended; a later check takes over.",
        "children_failed": "Some of the checks failed; each product says why.",
        "notify": "The notification could not be delivered. Check the notification settings.",
    }
    if kind in sentences:
        return sentences[kind]
    return "Something went wrong while reading the page. PriceWatch tries again at the next check."


def retry_sentence(status: int | None, retries: int, max_retries: int, at: str | None) -> str:
    """ "The shop answered 503; trying again (retry 1 of 3) at 14:05:09." for a task waiting to try again."""
    why = f"The shop answered {status}" if status else "The shop did not answer"
    when = f" at {at}" if at else ""
    return f"{why}; trying again (retry {retries} of {max_retries}){when}."
