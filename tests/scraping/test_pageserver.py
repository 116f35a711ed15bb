"""The test page server itself: it must really produce what fetch tests rely on."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from tests.support.pageserver import PageServer, Reply
from tests.support.poll import until


def test_serves_routes_and_records_requests(page_server: PageServer) -> None:
    url = page_server.add("/p", "<html>ünïcode</html>", headers={"X-Shop": "1"})
    response = httpx.get(url, headers={"User-Agent": "probe/1"})
    assert response.status_code == 200
    assert response.text == "<html>ünïcode</html>"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["x-shop"] == "1"
    assert page_server.hits("/p") == 1
    assert page_server.headers("/p")["user-agent"] == "probe/1"
    assert httpx.get(page_server.url("/missing")).status_code == 404


def test_bytes_body_keeps_declared_content_type(page_server: PageServer) -> None:
    url = page_server.add("/b", "é".encode("cp1254"), content_type="text/html")
    response = httpx.get(url)
    assert response.headers["content-type"] == "text/html"
    assert response.content == b"\xe9"


def test_sequence_then_last_reply_repeats(page_server: PageServer) -> None:
    url = page_server.add_sequence("/flaky", [Reply(status=503), Reply(body="ok")])
    assert [httpx.get(url).status_code for _ in range(3)] == [503, 200, 200]
    orders = [s.order for s in page_server.requests("/flaky")]
    assert orders == sorted(orders) and len(orders) == 3


def test_redirect_loop_and_rate_limit(page_server: PageServer) -> None:
    page_server.add_redirect("/a", "/b")
    page_server.add_redirect("/b", "/a")
    with pytest.raises(httpx.TooManyRedirects):
        httpx.get(page_server.url("/a"), follow_redirects=True, timeout=5)
    url = page_server.add_rate_limited("/busy", 7)
    response = httpx.get(url)
    assert (response.status_code, response.headers["retry-after"]) == (429, "7")


def test_etag_and_last_modified_give_304(page_server: PageServer) -> None:
    lm = "Wed, 21 Oct 2015 07:28:00 GMT"
    url = page_server.add("/e", "<p>x</p>", etag='"v1"', last_modified=lm)
    first = httpx.get(url)
    assert first.headers["etag"] == '"v1"'
    assert httpx.get(url, headers={"If-None-Match": '"v1"'}).status_code == 304
    assert httpx.get(url, headers={"If-None-Match": '"v0"'}).status_code == 200
    assert httpx.get(url, headers={"If-Modified-Since": lm}).status_code == 304


def test_huge_body_is_streamed_chunked(page_server: PageServer) -> None:
    url = page_server.add_huge("/huge", 3_000_000)
    with httpx.stream("GET", url) as response:
        assert "content-length" not in response.headers
        total = sum(len(chunk) for chunk in response.iter_raw())
    assert total == 3_000_000


def test_gzip_encoded_saved_page(page_server: PageServer) -> None:
    url = page_server.add_page("/argos", "peb_argos.co.uk_25910052eef8.html.gz", gzip_encoded=True)
    response = httpx.get(url)
    assert response.headers["content-encoding"] == "gzip"
    assert "Argos" in response.text


def test_slow_server_makes_client_time_out(page_server: PageServer) -> None:
    url = page_server.add("/slow", "late", delay=30)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(url, timeout=httpx.Timeout(5, read=0.2))


def test_second_address_is_another_host(page_servers: PageServer) -> None:
    page_servers.add("/x", "x")
    urls = [page_servers.url("/x", address) for address in page_servers.addresses]
    assert [httpx.get(u).text for u in urls] == ["x", "x"]
    assert {s.address for s in page_servers.requests("/x")} == {"127.0.0.1", "127.0.0.2"}


def test_close_ends_handlers_and_frees_the_port() -> None:
    server = PageServer().start()
    server.add("/slow", "late", delay=60)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            httpx.get(server.url("/slow"), timeout=30)
        except httpx.HTTPError as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    until(lambda: server.hits("/slow"), interval=0.01, message="the handler to be inside its delay")
    port = server.port()
    before = {t.ident for t in threading.enumerate()}
    server.close()
    caller.join(10)
    assert not caller.is_alive() and errors  # the client saw the connection end, not a 30 s timeout
    assert not [t for t in threading.enumerate() if t.ident in before and t.name.startswith("pageserver")]
    with socket.socket() as probe:  # nothing listens any more
        assert probe.connect_ex(("127.0.0.1", port)) != 0
