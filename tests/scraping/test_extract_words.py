"""Class names read as words: whole words, camelCase, plurals and joined pairs; no substring accidents."""

from __future__ import annotations

import pytest

from pricewatch.scraping.extract.words import AVOID, LIST, SALE, words


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        ("relatedProducts", {"related", "products", "product", "relatedproducts", "relatedproduct"}),
        ("product-list__item", {"product", "list", "item", "productlist", "listitem"}),
        ("price--old", {"price", "old", "priceold"}),
        ("", set()),
    ],
)
def test_words(names: str, expected: set[str]) -> None:
    assert words(names) == expected


@pytest.mark.parametrize(
    ("names", "avoided"),
    [
        ("related-products", True),
        ("recommendations-carousel", True),
        ("site-header", True),
        ("product-list", True),
        ("celwidget", False),  # a widget wrapper around everything, not a widget
        ("availability unavailable", False),  # "nav" inside a word is no navigation
        ("product-detail buybox", False),
        ("toolbar toolbar-products", True),  # a listing's item count and sorter
        ("facets__display", True),
    ],
)
def test_avoided_parts(names: str, avoided: bool) -> None:
    assert bool(words(names) & AVOID) is avoided


def test_list_and_sale_words() -> None:
    assert words("price-old") & LIST
    assert words("wasPrice") & LIST
    assert not words("font-weight-bold") & LIST
    assert not words("list-unstyled") & LIST  # Bootstrap's plain list, not a list price
    assert words("special-price") & SALE
    assert not words("specialist") & SALE
