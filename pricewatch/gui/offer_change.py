"""Switching the tracked offer of a product: the next reading starts the new offer's prices afresh."""

from __future__ import annotations

from pricewatch.app import PriceWatch


def restart_reading(app: PriceWatch, product_id: int) -> None:
    """Forget the current/previous/lowest/highest price and the page validators before an offer change.

    Otherwise the first check of the new offer (Large 23.50 -> Medium 21.00) compares with the old offer's
    price: a false "price drop" notification and a false change in the table. With no previous price the
    drop and increase rules have nothing to compare with; the validators go so that the check reads the page
    in full instead of getting 304 and keeping no price. The old readings stay in the history as they were.
    """
    app.products.set_fields(
        product_id,
        price=None,
        previous_price=None,
        lowest_price=None,
        highest_price=None,
        etag=None,
        last_modified=None,
    )
