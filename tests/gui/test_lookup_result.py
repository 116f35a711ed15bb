"""What the add/edit dialog shows about a look-up: a rolled-up result read through its value, a shop that
fails for now (the retry, with a way on)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.editor.lookup_view import LookupView
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.tasks.rolled_up import returned_value
from pricewatch.models import AlertKind, AlertRule, TaskState
from tests.support.checks import fast_app, run
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 15_000

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
    app = fast_app()  # not the GUI fixture: the synchronous engine
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


def test_a_failing_shop_shows_the_retry_and_the_product_can_be_added_anyway(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    url = page_server.add("/busy", "Service Unavailable", status=503)
    app.settings.tasks.retry_base_delay = 3600.0  # the first retry waits long enough to look at it
    app.start(scheduler=False)
    window = make_window()
    dialog = window.add_product(url)
    assert not dialog.save_button.isEnabled()
    task_id = dialog.task_id
    assert task_id is not None
    qtbot.waitUntil(lambda: "trying again" in dialog.lookup.busy_label.text(), timeout=WAIT)
    record = app.get_task(task_id)
    assert record.state is TaskState.RETRY and record.eta is not None
    assert (record.error_kind, record.error_status) == ("http_5xx", 503)  # what the dialog reads
    text = dialog.lookup.busy_label.text()
    assert text.startswith("The shop answered 503; trying again (retry 1 of 3) at ")
    assert f"{record.eta.astimezone():%H:%M:%S}" in text
    assert dialog.save_button.isEnabled() and dialog.lookup.stop_button.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.lookup.stop_button, Qt.MouseButton.LeftButton)
    assert app.get_task(task_id).state is TaskState.REVOKED
    assert "stopped" in dialog.lookup.error.text() and dialog.save_button.isEnabled()
    product_id = dialog.save()
    assert product_id is not None and app.get_product(product_id).url == url
