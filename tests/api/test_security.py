"""The API's guards, against the real server: token, Host header, body size, CORS, token file and rotation."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from pricewatch.api.security import host_name, is_loopback
from tests.support.api import LiveApi, serving
from tests.support.app import open_pricewatch


@pytest.fixture
def api() -> Iterator[LiveApi]:
    yield from serving()


def protected_operations(api: LiveApi) -> list[tuple[str, str]]:
    schema = api.client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path.replace("{product_id}", "1").replace("{task_id}", "x").replace("{key}", "k"))
        for path, item in schema["paths"].items()
        for method in item
        if path != "/api/v1/health"
    ]


def test_health_needs_no_token_and_says_little(api: LiveApi) -> None:
    body = api.anonymous.get("/api/v1/health").json()
    assert set(body) == {"status", "version", "uptime_seconds"}


def test_every_other_endpoint_needs_the_token(api: LiveApi) -> None:
    operations = protected_operations(api)
    assert ("GET", "/api/v1/products") in operations
    for method, path in [*operations, ("GET", "/api/v1/openapi.json")]:
        missing = api.anonymous.request(method, path, json={})
        assert missing.status_code == 401, (method, path)
        assert missing.headers["www-authenticate"] == "Bearer"
        assert missing.json() == {"detail": "missing bearer token"}
        wrong = api.anonymous.request(method, path, json={}, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.json() == {"detail": "wrong bearer token"}
    basic = api.anonymous.get("/api/v1/products", headers={"Authorization": f"Basic {api.token}"})
    assert basic.status_code == 401
    prefix = api.anonymous.get("/api/v1/products", headers={"Authorization": f"Bearer {api.token[:-1]}"})
    assert prefix.status_code == 401
    assert api.client.get("/api/v1/products").status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1.nip.io", "localhost.evil", "::1"]
)
def test_foreign_host_headers_are_refused(api: LiveApi, host: str) -> None:
    response = api.client.get("/api/v1/products", headers={"Host": host})
    assert response.status_code == 421
    assert "localhost" in response.json()["detail"]
    assert api.anonymous.get("/api/v1/health", headers={"Host": host}).status_code == 421


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST:{port}", "127.0.0.1:{port}", "[::1]:{port}", "[::1]"]
)
def test_loopback_host_headers_are_accepted(api: LiveApi, host: str) -> None:
    port = urlsplit(api.url).port
    assert api.client.get("/api/v1/products", headers={"Host": host.format(port=port)}).status_code == 200


def raw_request(url: str, request: bytes) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_request_without_host_header_is_refused(api: LiveApi) -> None:
    reply = raw_request(api.url, b"GET /api/v1/health HTTP/1.0\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400"), reply[:100]
    assert b"exactly one Host header" in reply


def test_bodies_over_the_limit_are_413(api: LiveApi) -> None:
    limit = api.app.settings.api.max_body_kb * 1024
    url = "https://shop.example/" + "a" * 100
    padding = " " * (limit - 200)
    json_type = {"Content-Type": "application/json"}
    small = api.client.post("/api/v1/products", content=f'{{"url": "{url}"{padding}}}', headers=json_type)
    assert small.status_code == 201, small.text

    declared = api.client.post("/api/v1/products", content=b" " * (limit + 1))
    assert declared.status_code == 413
    assert declared.json() == {"detail": f"the request body is larger than {limit // 1024} KB"}

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted while streaming
        for _ in range(limit // 4096 + 2):
            yield b" " * 4096

    streamed = api.client.post("/api/v1/products", content=chunks())
    assert streamed.status_code == 413
    assert len(api.app.list_products()) == 1


def test_no_cors_headers(api: LiveApi) -> None:
    origin = {"Origin": "https://evil.example"}
    preflight = api.anonymous.options(
        "/api/v1/products", headers={**origin, "Access-Control-Request-Method": "POST"}
    )
    listed = api.client.get("/api/v1/products", headers=origin)
    for response in (preflight, listed):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]
    assert preflight.status_code in (401, 405)


def test_token_file_is_owner_only_and_stable(api: LiveApi) -> None:
    path = api.app.paths.api_token_file
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text().strip() == api.token
    assert api.app.api_token() == api.token
    assert len(api.token) >= 40


def test_regenerating_the_token_rejects_the_old_one(api: LiveApi) -> None:
    new = api.app.api_token(regenerate=True)
    assert new != api.token
    assert stat.S_IMODE(os.stat(api.app.paths.api_token_file).st_mode) == 0o600
    assert api.client.get("/api/v1/products").status_code == 401
    assert (
        api.anonymous.get("/api/v1/products", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    )


def test_regenerating_from_the_command_line_applies_to_the_running_server(api: LiveApi) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", "api-token", "--regenerate"],
        capture_output=True, text=True, timeout=60, env=os.environ.copy(), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    new = proc.stdout.strip()
    assert new and new != api.token and "old one no longer works" in proc.stderr
    assert api.client.get("/api/v1/products").status_code == 401
    assert (
        api.anonymous.get("/api/v1/products", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    )
    shown = subprocess.run(
        [sys.executable, "-m", "pricewatch", "api-token"], capture_output=True, text=True, timeout=60,
        env=os.environ.copy(), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert shown.stdout.strip() == new


def test_a_token_is_made_on_first_use_without_the_server(paths: object) -> None:

    with open_pricewatch() as app:
        assert not app.paths.api_token_file.exists()
        token = app.api_token()
        assert app.paths.api_token_file.read_text().strip() == token
        assert stat.S_IMODE(os.stat(app.paths.api_token_file).st_mode) == 0o600


@pytest.mark.parametrize(
    ("header", "name"),
    [("localhost:80", "localhost"), ("[::1]:8765", "[::1]"), ("[::1]", "[::1]"), ("A.COM", "a.com"),
     ("host:", None), ("host:12a", None), ("[::1", None), ("[::1]x", None), ("", None)],
)  # fmt: skip
def test_host_name_parsing(header: str, name: str | None) -> None:
    assert host_name(header) == name


def test_is_loopback() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.2", "example.com", ""]))


def test_an_unauthorised_client_cannot_read_the_schema(api: LiveApi) -> None:
    with httpx.Client(base_url=api.url) as client:
        assert client.get("/api/v1/openapi.json").status_code == 401
        assert client.get("/api/v1/docs").status_code in (401, 404)
        assert client.get("/docs").status_code == 404


def test_a_token_file_readable_by_others_is_tightened(paths: object) -> None:

    with open_pricewatch() as app:
        token = app.api_token()
        os.chmod(app.paths.api_token_file, 0o644)
        assert app.api_token() == token
        assert stat.S_IMODE(os.stat(app.paths.api_token_file).st_mode) == 0o600


def test_the_token_is_checked_before_the_body_is_read(api: LiveApi) -> None:
    """A client without the token cannot make the server wait for (and hold) a request body."""
    host, port = api.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(
            b"POST /api/v1/tasks/scrape HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\nAuthorization: Bearer wrong\r\n\r\n"
        )  # the announced body never comes
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 401"), reply[:200]
