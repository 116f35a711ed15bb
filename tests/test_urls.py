"""URL checks and the one normal form that makes spellings of the same page one product."""

from __future__ import annotations

import pytest

from pricewatch.errors import InvalidURLError
from pricewatch.storage import DuplicateProductError
from pricewatch.urls import assume_https, find_url, shop_name, validate_url
from tests.support.app import open_pricewatch


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("HTTPS://Example.COM/Item", "https://example.com/Item"),  # the path keeps its case
        ("https://example.com/Item#reviews", "https://example.com/Item"),
        ("  http://Shop.example:80/x?q=A&b=1#top ", "http://shop.example/x?q=A&b=1"),
        ("https://shop.example:443/x", "https://shop.example/x"),
        ("https://shop.example:8443/x", "https://shop.example:8443/x"),
        ("http://[::1]:8080/p", "http://[::1]:8080/p"),
        ("https://shop.example/a%20b?x=%C3%BC", "https://shop.example/a%20b?x=%C3%BC"),
        # Where the visitor came from is not which product the page shows: tracking parameters go.
        ("https://shop.example/p/1?utm_source=x&utm_medium=mail", "https://shop.example/p/1"),
        ("https://shop.example/p/1?id=5&fbclid=abc&gclid=d&ref=nl", "https://shop.example/p/1?id=5"),
        (
            "https://shop.example/p?color=red&UTM_Campaign=z&size=42",
            "https://shop.example/p?color=red&size=42",
        ),
        ("https://shop.example/p?tag=red", "https://shop.example/p?tag=red"),  # a shop's own parameter stays
        ("https://Bücher.example/kaffee", "https://bücher.example/kaffee"),  # a name in any script
        ("https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/"),
        ("https://shop.example./p", "https://shop.example./p"),
        ("http://127.0.0.1:8000/p", "http://127.0.0.1:8000/p"),
        ("http://my_host.lan/p", "http://my_host.lan/p"),
    ],
)
def test_urls_come_back_in_normal_form(given: str, normal: str) -> None:
    assert validate_url(given) == normal
    assert validate_url(normal) == normal  # idempotent


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("ftp://shop.example/x", "only http and https"),
        ("shop.example/x", "only http and https"),
        ("", "empty"),
        ("https:///nohost", "no host name"),
        ("https://shop.example:99999/x", "not a valid URL"),
        ("https://shop.example/\x1b[31m", "control characters"),
        ("https://exa mple.example/p", "host name is not valid"),
        ("https://shop..example/p", "host name is not valid"),
        ("http://a<b>.example/p", "host name is not valid"),
        ("https://-shop.example/p", "host name is not valid"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(given: str, message: str) -> None:
    with pytest.raises(InvalidURLError, match=message):
        validate_url(given)


@pytest.mark.parametrize("given", ["https://user:s3cret@shop.example/p", "https://user@shop.example/p"])
def test_credentials_are_refused_without_echoing_them(given: str) -> None:
    with pytest.raises(InvalidURLError, match="user name or password") as caught:
        validate_url(given)
    assert "s3cret" not in str(caught.value) and "user@" not in str(caught.value)


def test_shop_name_drops_www() -> None:
    assert shop_name("https://WWW.Shop.example/x") == "shop.example"


def test_spellings_of_one_page_are_one_product() -> None:
    with open_pricewatch() as app:
        first = app.add_product("HTTPS://Shop.Example/Item#a")
        assert first.url == "https://shop.example/Item"
        for other in ("https://shop.example/Item#b", "https://shop.example:443/Item"):
            with pytest.raises(DuplicateProductError):
                app.add_product(other)
        assert app.add_product("https://shop.example/item").id != first.id  # paths are case-sensitive
        with pytest.raises(InvalidURLError):
            app.add_product("https://me:pw@shop.example/Item")
        assert app.products.count() == 2


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("shop.example/product", "https://shop.example/product"),
        ("  shop.example/p?q=1 ", "https://shop.example/p?q=1"),
        ("//shop.example/p", "https://shop.example/p"),
        ("localhost:8080/x", "https://localhost:8080/x"),
        ("http://shop.example/p", "http://shop.example/p"),  # a scheme given stays
        ("javascript:alert(1)", "javascript:alert(1)"),  # left for validate_url to refuse
        ("ftp://shop.example/p", "ftp://shop.example/p"),
        ("kettle", "kettle"),  # not an address: not guessed at
        ("red kettle.com", "red kettle.com"),
    ],
)
def test_a_typed_address_without_a_scheme_is_taken_as_https(typed: str, meant: str) -> None:
    assert assume_https(typed) == meant


def test_validate_url_itself_still_refuses_a_missing_scheme() -> None:
    """The CLI, the API and imports take URLs as given: only the add dialog assumes https."""
    with pytest.raises(InvalidURLError):
        validate_url("shop.example/product")


@pytest.mark.parametrize(
    ("pasted", "url"),
    [
        ("Check this: http://shop.example/p/1?x=1 great deal", "http://shop.example/p/1?x=1"),
        ("https://shop.example/kettle.", "https://shop.example/kettle"),
        ("Look (https://shop.example/p/2), cheap!", "https://shop.example/p/2"),
        (
            "wiki https://en.wikipedia.org/wiki/Kettle_(appliance) here",
            "https://en.wikipedia.org/wiki/Kettle_(appliance)",
        ),
        ("no address here", None),
        ("ftp://shop.example/x", None),
    ],
)
def test_an_address_is_picked_out_of_pasted_text(pasted: str, url: str | None) -> None:
    assert find_url(pasted) == url


def test_the_same_page_with_tracking_parameters_is_already_tracked() -> None:
    with open_pricewatch() as app:
        app.add_product("https://shop.example/p/1")
        with pytest.raises(DuplicateProductError, match="already tracked"):
            app.add_product("https://shop.example/p/1?utm_source=x&fbclid=y")
