"""A look-up never stores a stale page: the add/edit dialog's preview stores nothing, and a stored scrape
of a tracked URL is always a fresh fetch newer than the product's last reading.

The page is a real one on the local page server whose price falls by 1 on every request, so a reading taken
from the page cache (or an old fetch) shows up as a false price rise.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal

from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.editor.dialog import ProductDialog
from pricewatch.gui.main_window import MainWindow
from pricewatch.models import AlertKind, AlertRule, TaskState, utcnow
from tests.support.checks import fast_app, run
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 15_000


def falling_page(server: PageServer, path: str = "/falling") -> str:
    """A page whose price is 99.99, 98.99, 97.99, ... on successive requests."""
    counter = itertools.count()

    def body() -> Iterator[bytes]:
        yield product_page("Falling Kettle", f"{99 - next(counter)}.99").encode()

    return server.add(path, body)


def prices(app: PriceWatch, product_id: int) -> list[Decimal | None]:
    return [o.price for o in app.history(product_id)]


def test_stored_scrape_of_a_tracked_url_is_fresh_never_the_cached_preview(page_server: PageServer) -> None:
    app = fast_app()
    try:
        url = falling_page(page_server)
        preview = run(app, app.scrape(url))  # untracked: 99.99, cached for the first check after adding
        assert preview.result["price"] == "99.99" and preview.result["stored"] is False
        product = app.add_product(url)
        pid = product.id or 0
        assert run(app, app.check_product(pid)).state is TaskState.SUCCESS  # takes the preview: 99.99
        assert run(app, app.check_product(pid)).state is TaskState.SUCCESS  # fresh: 98.99
        scraped = run(app, app.scrape(url))
        assert scraped.result["from_cache"] is False and scraped.result["price"] == "97.99"
        assert scraped.result["stored"] is True
        assert prices(app, pid) == [Decimal("99.99"), Decimal("98.99"), Decimal("97.99")]
    finally:
        app.close()


def test_a_preview_scrape_stores_nothing(page_server: PageServer) -> None:
    app = fast_app()
    try:
        url = falling_page(page_server)
        pid = app.add_product(url).id or 0
        run(app, app.check_product(pid))
        before = app.get_product(pid)
        preview = run(app, app.scrape(url, store=False))
        assert preview.result["price"] == "98.99" and preview.result["stored"] is False
        after = app.get_product(pid)
        assert prices(app, pid) == [Decimal("99.99")]
        assert (after.price, after.last_checked_at) == (before.price, before.last_checked_at)
    finally:
        app.close()


def test_a_scrape_older_than_the_last_check_is_not_stored(page_server: PageServer) -> None:
    """A check that finished after the scrape's fetch began wins: the scrape's page is the older one."""
    app = fast_app()
    try:
        url = falling_page(page_server)
        pid = app.add_product(url).id or 0
        run(app, app.check_product(pid))
        app.products.set_fields(pid, last_checked_at=utcnow() + timedelta(minutes=1))
        scraped = run(app, app.scrape(url))
        assert scraped.result["price"] == "98.99" and scraped.result["stored"] is False
        assert prices(app, pid) == [Decimal("99.99")] and app.get_product(pid).price == Decimal("99.99")
    finally:
        app.close()


def test_opening_and_cancelling_edit_or_add_changes_nothing_stored(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    """The QA steps: add through the dialog, check a few times, then open Edit (and Add again) and cancel."""
    url = falling_page(page_server)
    app.start(scheduler=False)
    window = make_window()
    add = window.add_product(url)
    qtbot.waitUntil(lambda: add.lookup.currentWidget() is add.lookup.found, timeout=WAIT)
    pid = add.save()
    assert pid is not None
    app.set_alert_rules(pid, [AlertRule(pid, AlertKind.ANY_DROP), AlertRule(pid, AlertKind.PRICE_INCREASE),
                              AlertRule(pid, AlertKind.BACK_IN_STOCK)])  # fmt: skip
    qtbot.waitUntil(lambda: len(app.history(pid)) == 1, timeout=WAIT)
    for _ in range(2):
        app.wait_for_task(app.check_product(pid), timeout=30)
    qtbot.waitUntil(lambda: app.get_product(pid).price == Decimal("97.99"), timeout=WAIT)
    history = prices(app, pid)
    checked_at = app.get_product(pid).last_checked_at
    notifications = len(app.list_notifications(product_id=pid))

    def selected() -> bool:  # the new row reaches the table's sorted view a moment after the model
        window.products.select_product(pid)
        return window.products.selected_ids() == [pid]

    qtbot.waitUntil(selected, timeout=WAIT)
    edit = window.edit_product()
    assert isinstance(edit, ProductDialog)
    assert edit.task_id is None and "97.99" in edit.lookup.price.text()  # Edit opens with the stored price
    edit.look_up()  # reading the page in Edit is a preview too
    qtbot.waitUntil(lambda: edit.lookup.currentWidget() is edit.lookup.found, timeout=WAIT)
    assert "96.99" in edit.lookup.price.text() or "96,99" in edit.lookup.price.text()  # the page now
    edit.reject()
    again = window.add_product(url)
    qtbot.waitUntil(lambda: again.lookup.currentWidget() is again.lookup.found, timeout=WAIT)
    again.reject()

    assert prices(app, pid) == history
    product = app.get_product(pid)
    assert product.price == Decimal("97.99") and product.last_checked_at == checked_at
    assert len(app.list_notifications(product_id=pid)) == notifications
