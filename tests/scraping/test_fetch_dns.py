"""A shop address that does not exist is a permanent fault with a plain message; a resolver hiccup is not."""

from __future__ import annotations

import socket

import httpx
import pytest

from pricewatch.errors import PermanentError, ScrapeError, TransientError
from pricewatch.models import TaskState
from pricewatch.scraping.fetch import Fetcher, FetchSettings
from tests.support.app import open_pricewatch

SETTINGS = FetchSettings(per_host_delay=0, connect_timeout=5, read_timeout=5, deadline=10)


@pytest.mark.parametrize("respect_robots", [True, False])
def test_an_address_that_does_not_resolve_is_permanent(respect_robots: bool) -> None:
    # .invalid never resolves (RFC 2606): the real resolver answers "Name or service not known".
    with Fetcher(SETTINGS) as fetcher, pytest.raises(PermanentError) as info:
        fetcher.fetch("https://shop.nonexistent.invalid/kettle", respect_robots=respect_robots)
    assert info.value.kind == "dns"
    assert str(info.value) == "the shop's address shop.nonexistent.invalid could not be found (DNS)"
    assert "robots.txt" not in str(info.value) and "Errno" not in str(info.value)


def test_a_temporary_resolver_failure_stays_transient() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        cause = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        raise httpx.ConnectError(str(cause), request=request) from cause

    settings = FetchSettings(per_host_delay=0, respect_robots=False)
    with (
        Fetcher(settings, transport=httpx.MockTransport(handler)) as fetcher,
        pytest.raises(ScrapeError) as info,
    ):
        fetcher.fetch("https://shop.example/kettle")
    assert isinstance(info.value, TransientError) and info.value.kind == "connect"


def test_a_look_up_of_an_address_that_does_not_resolve_fails_at_once() -> None:
    app = open_pricewatch()
    try:
        app.start(scheduler=False)
        task = app.wait_for_task(
            app.scrape("https://shop.nonexistent.invalid/kettle", store=False), timeout=30
        )
    finally:
        app.close()
    assert task.state is TaskState.FAILURE and task.retries == 0
    assert "shop.nonexistent.invalid could not be found (DNS)" in (task.error or "")
