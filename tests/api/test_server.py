"""The API server's life: starts and stops with the facade, in its own thread, and leaves nothing behind."""

from __future__ import annotations

import logging
import socket
import threading

import httpx
import pytest

from tests.support.app import open_pricewatch


def api_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("pricewatch-api")]


def test_start_serve_stop() -> None:
    with open_pricewatch() as app:
        assert app.api_url is None
        url = app.start_api(port=0)
        assert url.startswith("http://127.0.0.1:") and app.api_url == url
        assert app.start_api(port=0) == url  # already running: same server
        assert httpx.get(f"{url}/api/v1/health").status_code == 200
        token = app.api_token()
        assert httpx.get(f"{url}/api/v1/products", headers={"Authorization": f"Bearer {token}"}).json() == []
        assert api_threads()
        app.stop_api()
        assert app.api_url is None
        assert api_threads() == []
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/api/v1/health")
        app.stop_api()  # twice is fine


def test_closing_the_facade_stops_the_api() -> None:
    app = open_pricewatch()
    url = app.start_api(port=0)
    app.close()
    assert app.api_url is None and api_threads() == []
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/api/v1/health")


def test_restart_after_stop() -> None:
    with open_pricewatch() as app:
        app.start_api(port=0)
        app.stop_api()
        url = app.start_api(port=0)
        assert httpx.get(f"{url}/api/v1/health").status_code == 200


def test_settings_give_the_default_host_and_port() -> None:
    with socket.socket() as probe:  # a port that is free right now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open_pricewatch() as app:
        app.settings.api.port = port
        assert app.start_api() == f"http://127.0.0.1:{port}"


def test_a_taken_port_is_an_error_and_nothing_runs() -> None:
    with socket.socket() as busy, open_pricewatch() as app:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(OSError):
            app.start_api(port=busy.getsockname()[1])
        assert app.api_url is None and api_threads() == []


def test_binding_beyond_loopback_is_allowed_but_warned(caplog: pytest.LogCaptureFixture) -> None:
    with open_pricewatch() as app, caplog.at_level(logging.WARNING, logger="pricewatch.api.server"):
        url = app.start_api(host="0.0.0.0", port=0)
        port = url.rsplit(":", 1)[1]
        assert httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200
    assert any("reachable from other computers" in r.getMessage() for r in caplog.records)


def test_an_open_keep_alive_connection_does_not_hold_up_stop() -> None:
    with open_pricewatch() as app:
        url = app.start_api(port=0)
        token = app.api_token()
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
            assert client.get("/api/v1/products").status_code == 200  # leaves a keep-alive connection
            app.stop_api()
            assert api_threads() == []


def test_start_if_enabled_follows_the_setting_and_never_raises(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as busy, open_pricewatch() as app:
        assert app.start_api_if_enabled() is None and app.api_url is None  # off by default
        app.settings.api.enabled = True
        app.settings.api.port = 0
        url = app.start_api_if_enabled()
        assert url is not None and app.api_url == url
        app.stop_api()
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        app.settings.api.port = busy.getsockname()[1]
        with caplog.at_level(logging.ERROR, logger="pricewatch.app"):
            assert app.start_api_if_enabled() is None
        assert any("could not start" in r.getMessage() for r in caplog.records)


def test_the_bind_address_is_an_accepted_host_name() -> None:
    from pricewatch.api.security import HostCheckMiddleware

    async def inner(scope: object, receive: object, send: object) -> None:
        raise AssertionError("not called")

    allowed = HostCheckMiddleware(inner, extra_hosts=["192.168.1.5", "fe80::1", "0.0.0.0", "::"]).allowed
    assert {"192.168.1.5", "[fe80::1]", "localhost", "127.0.0.1", "[::1]"} == allowed
