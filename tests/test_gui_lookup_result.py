"""The add/edit dialog reads a look-up's result also when the task queued children (a notification)."""

from __future__ import annotations

from decimal import Decimal

from pytestqt.qtbot import QtBot

from pricewatch.gui.lookup_view import LookupView
from pricewatch.gui.rolled_up import returned_value
from pricewatch.models import AlertKind, AlertRule, TaskState
from tests.support.pageserver import PageServer
from tests.test_checks import fast_app, run
from tests.test_gui_support import product_page

FOUND = {"title": "Kettle", "price": "99.99", "currency": "EUR", "availability": "InStock",
         "methods": {"price": "jsonld"}, "offers": []}  # fmt: skip
ROLL_UP = {"value": FOUND, "total": 1, "succeeded": 1, "failed": 0, "revoked": 0}


def test_a_rolled_up_result_is_read_through_its_value(qtbot: QtBot) -> None:
    assert returned_value(ROLL_UP) == FOUND and returned_value(FOUND) == FOUND
    assert returned_value({"value": 1}) == {"value": 1}  # a task's own dict that happens to have "value"
    view = LookupView()
    qtbot.addWidget(view)
    view.show_result(ROLL_UP)
    assert view.title.text() == "Kettle" and "99.99" in view.price.text()
    assert view.result == FOUND


def test_a_scrape_that_sends_a_notification_returns_its_own_result(page_server: PageServer) -> None:
    """Its notifications are follow-ups (like a check's), so the task's result is the extraction itself."""
    app = fast_app()
    try:
        url = page_server.add("/kettle", product_page("Kettle", "99.99"))
        pid = app.add_product(url, target_price=Decimal("150")).id or 0
        app.set_alert_rules(pid, [AlertRule(pid, AlertKind.TARGET_PRICE, amount=Decimal("150"))])
        record = run(app, app.scrape(url))
        assert record.state is TaskState.SUCCESS
        assert record.result["price"] == "99.99" and record.result["stored"] is True
        assert record.result["notifications"]  # the target rule fired: a notifications.send child
    finally:
        app.close()
