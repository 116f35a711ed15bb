"""A failed check keeps the kind of its fault and the shop's HTTP status beside the raw message, so the
window can say it in the user's language; the next good check clears all three."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pricewatch.app import PriceWatch
from tests.support.checks import fast_app, product_page, run
from tests.support.pageserver import PageServer


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    app = fast_app()
    app.settings.notify.desktop = False
    app.settings.notify.tray = False
    yield app
    app.close()


def test_a_refused_check_keeps_its_kind_and_status_until_a_good_check(
    app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/kettle", "Forbidden", status=403)
    product = app.add_product(url)
    assert product.id is not None
    run(app, app.check_product(product.id))
    failed = app.products.get(product.id)
    assert failed is not None
    assert failed.last_error and "403" in failed.last_error  # the raw message, for the CLI and the API
    assert (failed.last_error_kind, failed.last_error_status) == ("http_4xx", 403)

    page_server.add("/kettle", product_page("19.99"))
    run(app, app.check_product(product.id))
    fixed = app.products.get(product.id)
    assert fixed is not None and str(fixed.price) == "19.99"
    assert (fixed.last_error, fixed.last_error_kind, fixed.last_error_status) == (None, None, None)


def test_a_page_without_a_price_keeps_a_kind_without_a_status(
    app: PriceWatch, page_server: PageServer
) -> None:
    product = app.add_product(page_server.add("/empty", "<html><body><p>Nothing to sell</p></body></html>"))
    assert product.id is not None
    run(app, app.check_product(product.id))
    failed = app.products.get(product.id)
    assert failed is not None and failed.last_error
    assert failed.last_error_kind and failed.last_error_kind != "http_4xx"
    assert failed.last_error_status is None
