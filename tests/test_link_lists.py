"""Screening a list of addresses: one outcome each, the same page counted once however it is spelled."""

from __future__ import annotations

import pytest

from pricewatch.link_lists import LinkEntry, page_key, screen_links, slash_twin, spellings
from tests.support.app import open_pricewatch


@pytest.mark.parametrize(
    ("url", "twin", "key"),
    [
        ("https://shop.example/p/1", "https://shop.example/p/1/", "https://shop.example/p/1"),
        (
            "https://shop.example/p/1/?c=red",
            "https://shop.example/p/1?c=red",
            "https://shop.example/p/1?c=red",
        ),
        (
            "https://shop.example/",
            "https://shop.example/",
            "https://shop.example/",
        ),  # the root has one spelling
        ("https://shop.example", "https://shop.example", "https://shop.example"),
    ],
)
def test_a_trailing_slash_is_one_page(url: str, twin: str, key: str) -> None:
    assert (slash_twin(url), page_key(url)) == (twin, key)
    assert page_key(twin) == key


def test_each_entry_gets_one_outcome_and_titles_are_one_clean_line() -> None:
    tracked = {"https://shop.example/p/lamp/": 7}
    entries = [
        LinkEntry("https://shop.example/p/kettle?utm_source=x", "Kettle\n\x1b[31m red"),
        LinkEntry("HTTPS://SHOP.example/p/kettle/#reviews"),
        LinkEntry("https://shop.example/p/lamp", "Lamp"),
        LinkEntry("mailto:shop@shop.example"),
        LinkEntry("https://sh op.example/p"),
    ]
    outcomes = screen_links(entries, lambda url: tracked.get(url) or tracked.get(slash_twin(url)))
    assert [(o.status, o.skip, o.product_id, o.title) for o in outcomes] == [
        ("new", None, None, "Kettle red"),
        ("skipped", "listed_twice", None, None),
        ("skipped", "already_tracked", 7, "Lamp"),
        ("skipped", "not_web_address", None, None),
        ("skipped", "invalid", None, None),
    ]
    assert outcomes[0].url == "https://shop.example/p/kettle"
    assert outcomes[1].reason == "listed twice (as https://shop.example/p/kettle?utm_source=x)"


def test_an_international_host_name_is_one_page_in_either_form() -> None:
    assert page_key("https://bücher.example/buch/1/") == page_key("https://xn--bcher-kva.example/buch/1")
    assert spellings("https://bücher.example:8080/b") == [
        "https://bücher.example:8080/b", "https://bücher.example:8080/b/",
        "https://xn--bcher-kva.example:8080/b", "https://xn--bcher-kva.example:8080/b/",
    ]  # fmt: skip
    assert spellings("https://xn--bcher-kva.example/")[1:] == ["https://bücher.example/"]
    assert spellings("https://xn--zz.example/p") == ["https://xn--zz.example/p", "https://xn--zz.example/p/"]


def test_the_facade_finds_a_page_tracked_under_another_spelling() -> None:
    with open_pricewatch() as app:
        tracked = app.add_product("https://xn--bcher-kva.example/buch/1").id
        outcomes = app.add_many([LinkEntry("https://Bücher.example/buch/1/?utm_source=x")])
        assert [(o.status, o.skip, o.product_id) for o in outcomes] == [
            ("skipped", "already_tracked", tracked)
        ]
        assert len(app.list_products()) == 1
