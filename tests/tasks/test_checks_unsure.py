"""An unsure reading is marked in the history and fires no alert on its own; a sure one after it does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest

from pricewatch.app import PriceWatch
from pricewatch.models import AlertKind, AlertRule, TaskState
from tests.support.checks import fast_app
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

# Two offers at different prices that the page does not tell apart: the extractor is not sure which.
AMBIGUOUS = """<!doctype html><html lang="en"><head><title>Kettle</title>
<script type="application/ld+json">{offers}</script></head><body><h1>Kettle</h1></body></html>"""


def ambiguous(*prices: str) -> str:
    offers = [{"@type": "Offer", "price": p, "priceCurrency": "EUR"} for p in prices]
    data = {"@context": "https://schema.org", "@type": "Product", "name": "Kettle", "offers": offers}
    return AMBIGUOUS.replace("{offers}", json.dumps(data))


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    app = fast_app()
    app.settings.notify.desktop = False
    app.settings.notify.tray = False
    app.settings.notify.default_rules = []
    yield app
    app.close()


def check(app: PriceWatch, product_id: int) -> dict[str, object]:
    record = app.wait_for_task(app.check_product(product_id), timeout=30)
    assert record.state is TaskState.SUCCESS, record.error
    assert isinstance(record.result, dict)
    return record.result


def test_an_unsure_misread_notifies_nothing_and_a_confirmed_drop_notifies_once(
    app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/kettle", product_page("Kettle", "30.00"))
    pid = app.add_product(url).id or 0
    app.set_alert_rules(pid, [AlertRule(pid, AlertKind.ANY_DROP)])
    app.start(scheduler=False)
    assert check(app, pid)["unsure"] is False

    page_server.add("/kettle", ambiguous("20.00", "35.00"))
    result = check(app, pid)
    assert result["unsure"] is True and result["notifications"] == []
    history = app.history(pid)
    assert [(o.price, o.unsure) for o in history] == [(Decimal("30.00"), False), (Decimal("20.00"), True)]

    page_server.add("/kettle", product_page("Kettle", "30.00"))  # the misread: the price never moved
    assert check(app, pid)["notifications"] == []

    page_server.add("/kettle", ambiguous("20.00", "35.00"))
    assert check(app, pid)["notifications"] == []
    page_server.add("/kettle", product_page("Kettle", "20.00"))  # a sure reading confirms the drop
    result = check(app, pid)
    assert len(result["notifications"]) == 1  # type: ignore[arg-type]
    for task_id in result["notifications"]:  # type: ignore[union-attr]
        assert app.wait_for_task(task_id, timeout=30).state.is_final
    assert len(app.list_notifications(product_id=pid)) == 1


def test_the_same_unsure_reading_twice_confirms_it(app: PriceWatch, page_server: PageServer) -> None:
    """A page the extractor is never sure of still notifies: once it says the same thing twice."""
    url = page_server.add("/kettle", product_page("Kettle", "30.00"))
    pid = app.add_product(url).id or 0
    app.set_alert_rules(pid, [AlertRule(pid, AlertKind.ANY_DROP)])
    app.start(scheduler=False)
    check(app, pid)
    page_server.add("/kettle", ambiguous("20.00", "35.00"))
    assert check(app, pid)["notifications"] == []  # read once: not yet
    result = check(app, pid)  # read again, the same: the drop from the last sure 30.00 is told
    assert result["unsure"] is True and len(result["notifications"]) == 1  # type: ignore[arg-type]
    assert check(app, pid)["notifications"] == []  # and only once
