"""Faults in plain words: one sentence per kind with the next step, read from facts, never from messages."""

from __future__ import annotations

import pytest

from pricewatch.errors import NoPriceError, PermanentError, TransientError
from pricewatch.scraping.faults import error_for_status
from pricewatch.wording import fault_sentence, missing_page, retry_sentence

KINDS = ["http_4xx", "http_5xx", "rate_limited", "timeout", "connect", "dns", "tls", "robots", "no_price",
         "not_html", "too_large", "decoding", "redirects", "unsafe_address", "bad_url", "browser_unavailable",
         "browser_crashed", "busy", "cancelled", "ValueError", None]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_one_plain_sentence_with_a_next_step(kind: str | None) -> None:
    text = fault_sentence(kind, 500 if kind == "http_5xx" else None)
    assert text[0].isupper() and text.endswith(".")
    assert "Error" not in text and "_" not in text and "[" not in text
    assert "ValueError" not in text


def test_a_missing_page_says_so_and_cannot_be_added() -> None:
    fault = error_for_status(404, __import__("httpx").Headers(), "https://shop.example/gone")
    assert fault is not None and isinstance(fault, PermanentError)
    assert missing_page(fault.kind, fault.status)
    assert fault_sentence(fault.kind, fault.status).startswith("This page does not exist (404). Check the")
    assert not missing_page("http_4xx", 403) and not missing_page("http_5xx", 404)


def test_the_shop_refusing_names_the_status_and_the_browser() -> None:
    assert fault_sentence("http_4xx", 403) == (
        "The shop refused the request (403). Try again later or open it in the PriceWatch browser."
    )


def test_the_wait_the_shop_asked_for_is_said_in_minutes() -> None:
    fault = TransientError("slow down", kind="rate_limited", retry_after=300, status=429)
    text = fault_sentence(fault.kind, fault.status, fault.retry_after)
    assert text == "The shop asked PriceWatch to slow down (429). PriceWatch tries again in 5 min."


def test_the_message_is_never_repeated() -> None:
    """The sentence comes from the kind: a message that repeats itself cannot leak into it."""
    fault = NoPriceError("no price found on the page: no price found on the page")
    text = fault_sentence(fault.kind)
    assert text.lower().count("no price") == 1


def test_retry_sentence() -> None:
    text = retry_sentence(503, 1, 3, "14:05:09")
    assert text == "The shop answered 503; trying again (retry 1 of 3) at 14:05:09."
