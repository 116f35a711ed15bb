"""A browser failure keeps the shop's HTTP status across the pipe, as a plain fetch's fault does."""

from __future__ import annotations

from pricewatch.errors import PermanentError, TransientError
from pricewatch.scraping.browser.protocol import error_from, failure


def test_the_status_crosses_the_pipe() -> None:
    refused = error_from(failure(1, PermanentError("refused", kind="http_4xx", status=403)))
    assert (refused.kind, refused.status, refused.transient) == ("http_4xx", 403, False)
    busy = error_from(failure(2, TransientError("down", kind="http_5xx", status=503, retry_after=5)))
    assert (busy.status, busy.retry_after, busy.transient) == (503, 5.0, True)
    assert error_from({"id": 3, "ok": False, "kind": "timeout", "status": True}).status is None
