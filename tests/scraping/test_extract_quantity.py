"""The size a page's structured data states, for the price per unit: weight, size, unitPricingMeasure."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pricewatch.scraping.extract import extract
from pricewatch.scraping.pool import extraction_from_json


def page(**fields: Any) -> str:
    product = {"@context": "https://schema.org", "@type": "Product", "name": "Item",
               "offers": {"@type": "Offer", "price": "4.99", "priceCurrency": "EUR"}, **fields}  # fmt: skip
    return f'<html><head><script type="application/ld+json">{json.dumps(product)}</script></head></html>'


@pytest.mark.parametrize(
    ("fields", "quantity"),
    [
        ({"weight": {"@type": "QuantitativeValue", "value": 500, "unitCode": "GRM"}}, "500 g"),
        ({"weight": {"value": "1.5", "unitText": "kg"}}, "1.5 kg"),
        ({"size": "6 x 330 ml"}, "6 x 330 ml"),
        ({"unitPricingMeasure": {"value": 750, "unitCode": "MLT"}}, "750 ml"),
        (
            {
                "offers": {
                    "@type": "Offer",
                    "price": "4.99",
                    "priceCurrency": "EUR",
                    "priceSpecification": {
                        "@type": "UnitPriceSpecification",
                        "price": "4.99",
                        "unitPricingMeasure": {"value": 2, "unitCode": "LTR"},
                    },
                }
            },
            "2 l",
        ),
        ({"size": "M"}, None),  # a clothing size, not a quantity
        ({"weight": {"value": 256, "unitText": "GB"}}, None),
        ({}, None),
    ],
)
def test_structured_quantity(fields: dict[str, Any], quantity: str | None) -> None:
    result = extract(page(**fields), "https://shop.example/item")
    assert result.price is not None and result.quantity == quantity
    if quantity is not None:
        assert result.methods["quantity"] == "jsonld"
    assert extraction_from_json(json.loads(json.dumps(result.to_json()))).quantity == quantity
