"""The bookmarklet's pages over the real server: served without the API token, adding only after a confirm
on PriceWatch's own page (a one-time token), never to a forged, replayed or foreign request."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from pricewatch.api.confirm_tokens import ConfirmTokens, PendingAdd
from tests.support.api import LiveApi, serving

SHOP_URL = "https://shop.example/p/kettle?utm_source=bookmarklet"
HOSTILE_TITLE = "Kettle <script>alert('x')</script> & \"Co\""


@pytest.fixture
def api() -> Iterator[LiveApi]:
    yield from serving()


def confirm_page(api: LiveApi, url: str = SHOP_URL, title: str = HOSTILE_TITLE) -> httpx.Response:
    return api.anonymous.get(f"/add?url={quote(url, safe='')}&title={quote(title, safe='')}")


def token_in(page: httpx.Response) -> str:
    match = re.search(r"name='csrf' value='([^']+)'", page.text)
    assert match is not None, page.text
    return match.group(1)


def post(api: LiveApi, data: dict[str, str], **headers: str) -> httpx.Response:
    return api.anonymous.post("/add", data=data, headers={"Origin": api.url, **headers})


def test_the_install_page_offers_a_bookmarklet_for_this_port(api: LiveApi) -> None:
    page = api.anonymous.get("/bookmarklet")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    link = re.search(r'id=\'bookmarklet\' href="([^"]+)"', page.text)
    assert link is not None
    script = link.group(1).replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")
    assert script.startswith("javascript:") and f'"{api.url}/add?url="' in script
    assert "encodeURIComponent(location.href)" in script and "window.open" in script


def test_confirming_adds_the_page_once(api: LiveApi) -> None:
    page = confirm_page(api)
    assert page.status_code == 200
    assert api.app.list_products() == []  # showing the page adds nothing
    assert "<script>" not in page.text  # the shop's title is shown as text
    assert "Kettle &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Co&quot;" in page.text
    assert "https://shop.example/p/kettle</span>" in page.text  # the address it will track
    token = token_in(page)
    added = post(api, {"csrf": token})
    assert added.status_code == 200, added.text
    (product,) = api.app.list_products()
    assert (product.url, product.title) == ("https://shop.example/p/kettle", HOSTILE_TITLE)
    assert f"data-product='{product.id}'" in added.text
    replayed = post(api, {"csrf": token})
    assert replayed.status_code == 403 and "unknown, used or expired" in replayed.text
    again = confirm_page(api, "https://shop.example/p/kettle/")  # tracked already: no confirm button
    assert "name='csrf'" not in again.text and f"already tracked as product {product.id}" in again.text
    assert len(api.app.list_products()) == 1


@pytest.mark.parametrize(
    ("data", "headers", "why"),
    [
        ({}, {}, "missing confirmation token"),
        ({"csrf": "guessed-token"}, {}, "unknown, used or expired"),
        ({"csrf": "<valid>"}, {"Origin": "https://shop.example"}, "another site"),
        ({"csrf": "<valid>"}, {"Origin": "null"}, "another site"),
    ],
)
def test_a_forged_post_is_refused_and_adds_nothing(
    api: LiveApi, data: dict[str, str], headers: dict[str, str], why: str
) -> None:
    token = token_in(confirm_page(api))
    data = {k: token if v == "<valid>" else v for k, v in data.items()}
    refused = post(api, data, **headers)
    assert refused.status_code == 403 and why in refused.text
    assert "Refused: nothing was added" in refused.text
    assert api.app.list_products() == []


def test_a_foreign_referer_without_origin_is_refused(api: LiveApi) -> None:
    token = token_in(confirm_page(api))
    refused = api.anonymous.post("/add", data={"csrf": token}, headers={"Referer": "https://shop.example/p"})
    assert refused.status_code == 403 and api.app.list_products() == []
    own = api.anonymous.post("/add", data={"csrf": token}, headers={"Referer": f"{api.url}/add?url=x"})
    assert own.status_code == 200 and len(api.app.list_products()) == 1


def test_only_loopback_names_reach_the_pages(api: LiveApi) -> None:
    port = api.url.rsplit(":", 1)[1]
    for path in ("/bookmarklet", f"/add?url={quote(SHOP_URL)}"):
        assert api.anonymous.get(path, headers={"Host": f"localhost:{port}"}).status_code == 200
        rebound = api.anonymous.get(path, headers={"Host": f"rebind.attacker.example:{port}"})
        assert rebound.status_code == 421  # the API's own Host check (DNS rebinding)
        ipv6 = api.anonymous.get(path, headers={"Host": f"[::1]:{port}"})
        assert ipv6.status_code == 403 and "127.0.0.1 or localhost" in ipv6.text


def test_no_cors_and_no_framing(api: LiveApi) -> None:
    preflight = api.anonymous.options(
        "/add", headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"}
    )
    page = confirm_page(api)
    for response in (preflight, page, api.anonymous.get("/bookmarklet")):
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["cache-control"] == "no-store"


def test_a_bad_address_gets_a_page_saying_why(api: LiveApi) -> None:
    for url in ("javascript:alert(1)", "https://exa mple.example/x", ""):
        page = confirm_page(api, url, "x")
        assert page.status_code == 400 and "name='csrf'" not in page.text
        assert "Not a web address PriceWatch can track" in page.text


def test_tokens_expire_and_the_oldest_give_way() -> None:
    now = [0.0]
    tokens = ConfirmTokens(lifetime=60, capacity=2, clock=lambda: now[0])
    first = tokens.issue(PendingAdd("https://a.example/1", None))
    now[0] = 61
    assert tokens.take(first) is None
    second = tokens.issue(PendingAdd("https://a.example/2", "Two"))
    third = tokens.issue(PendingAdd("https://a.example/3", None))
    fourth = tokens.issue(PendingAdd("https://a.example/4", None))
    assert tokens.take(second) is None  # pushed out by the newer two
    assert tokens.take(third) == PendingAdd("https://a.example/3", None) and tokens.take(third) is None
    assert tokens.take(fourth) is not None and first != second != third
