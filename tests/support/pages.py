"""Product pages written for tests: schema.org JSON-LD with one price or several offers."""

from __future__ import annotations

import json


def product_page(
    title: str, price: str, currency: str = "EUR", offers: list[tuple[str, str, str]] | None = None
) -> str:
    """A shop page with schema.org JSON-LD; ``offers`` are (sku, name, price) variants."""
    if offers:
        offer_data: object = [
            {"@type": "Offer", "sku": sku, "name": name, "price": p, "priceCurrency": currency,
             "availability": "https://schema.org/InStock"}
            for sku, name, p in offers
        ]  # fmt: skip
    else:
        offer_data = {"@type": "Offer", "price": price, "priceCurrency": currency,
                      "availability": "https://schema.org/InStock"}  # fmt: skip
    data = {"@context": "https://schema.org", "@type": "Product", "name": title, "offers": offer_data}
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title>"
        f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
        f"<body><h1>{title}</h1><p class='price'>{price} {currency}</p></body></html>"
    )
