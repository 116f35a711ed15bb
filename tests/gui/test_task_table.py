"""The live task table driven as a user would, against the real engine and a real local HTTP server."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.tasks import columns as tc
from pricewatch.models import TaskRecord, TaskState
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 15_000


def _state_text(window: MainWindow, task_id: str) -> str | None:
    index = window.task_model.index_of(task_id, tc.COL_STATE)
    return index.data() if index.isValid() else None


def _visible_ids(window: MainWindow) -> list[str]:
    proxy = window.task_panel.view_model()
    ids: list[str] = []

    def walk(parent):  # type: ignore[no-untyped-def]
        for row in range(proxy.rowCount(parent)):
            index = proxy.index(row, 0, parent)
            ids.append(index.data(tc.TaskIdRole))
            walk(index)

    from PySide6.QtCore import QModelIndex

    walk(QModelIndex())
    return ids


def test_task_goes_pending_started_success(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    app.settings.tasks.scraping_concurrency = 1  # the second look-up waits for the first
    slow = page_server.add("/slow", product_page("Kettle", "30.00"), delay=1.0)
    url = page_server.add("/p", product_page("Toaster", "24.99"), delay=0.4)
    app.start(scheduler=False)
    window = make_window()
    seen: dict[str, list[TaskState]] = {}

    def record(records: list[TaskRecord]) -> None:
        for rec in records:
            states = seen.setdefault(rec.id, [])
            if not states or states[-1] is not rec.state:
                states.append(rec.state)

    window.task_model.records_updated.connect(record)
    app.scrape(slow)
    task_id = app.scrape(url)
    qtbot.waitUntil(lambda: _state_text(window, task_id) == "Queued", timeout=WAIT)
    qtbot.waitUntil(lambda: _state_text(window, task_id) == "Running", timeout=WAIT)
    qtbot.waitUntil(lambda: _state_text(window, task_id) == "Done", timeout=WAIT)
    assert seen[task_id] == [TaskState.PENDING, TaskState.STARTED, TaskState.SUCCESS]
    result = window.task_model.index_of(task_id, tc.COL_RESULT).data()
    assert "Toaster" in result and "24.99" in result
    assert window.task_panel.select_task(task_id)
    assert "Toaster" in window.task_panel.detail.toPlainText()
    assert "Timeline" in window.task_panel.detail.toPlainText()


def test_cancel_a_running_task(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    url = page_server.add("/slow", product_page("Slow lamp", "10.00"), delay=3.0)
    app.start(scheduler=False)
    window = make_window()
    task_id = app.scrape(url)
    qtbot.waitUntil(lambda: _state_text(window, task_id) == "Running", timeout=WAIT)
    assert window.task_panel.select_task(task_id)
    window.task_panel.cancel_selected()
    qtbot.waitUntil(lambda: _state_text(window, task_id) == "Cancelled", timeout=WAIT)
    assert app.get_task(task_id).state is TaskState.REVOKED


def test_retry_a_failed_task(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    url = page_server.add("/gone", "not here", status=404)
    app.start(scheduler=False)
    window = make_window()
    task_id = app.scrape(url)
    qtbot.waitUntil(lambda: _state_text(window, task_id) == "Failed", timeout=WAIT)
    assert "404" in window.task_model.index_of(task_id, tc.COL_RESULT).data()
    page_server.add("/gone", product_page("Back again", "5.00"))
    assert window.task_panel.select_task(task_id)
    [new_id] = window.task_panel.retry_selected()
    qtbot.waitUntil(lambda: _state_text(window, new_id) == "Done", timeout=WAIT)
    assert app.get_task(new_id).result["title"] == "Back again"


def test_batches_expand_and_filters_apply(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    for n in range(3):
        app.add_product(
            page_server.add(f"/item{n}", product_page(f"Item {n}", f"{n + 1}.50")), title=f"Item {n}"
        )
    bad = page_server.add("/bad", "nope", status=410)
    app.start(scheduler=False)
    window = make_window()
    batch = window.check_all()
    failed = app.scrape(bad)
    qtbot.waitUntil(lambda: _state_text(window, batch) == "Done", timeout=WAIT)
    qtbot.waitUntil(lambda: _state_text(window, failed) == "Failed", timeout=WAIT)
    parent = window.task_model.index_of(batch)
    assert window.task_model.rowCount(parent) == 3
    children = [window.task_model.index(r, tc.COL_STATE, parent).data() for r in range(3)]
    assert children == ["Done", "Done", "Done"]
    assert "3/3" in window.task_model.index_of(batch, tc.COL_PROGRESS).data()
    # the products table shows the prices the checks found
    model = window.product_model
    qtbot.waitUntil(lambda: all(model.product_at(r).price is not None for r in range(3)), timeout=WAIT)

    panel = window.task_panel
    panel.set_state_filter("Failed")
    assert _visible_ids(window) == [failed]
    panel.set_state_filter("All states")
    assert set(_visible_ids(window)) >= {batch, failed}
    panel.queue_filter.setCurrentIndex(panel.queue_filter.findData("scraping"))
    visible = _visible_ids(window)
    assert failed in visible and batch in visible  # the batch stays as the parent of matching children
    panel.queue_filter.setCurrentIndex(0)
    panel.name_filter.setCurrentIndex(panel.name_filter.findData("price_tracking.check_prices"))
    assert _visible_ids(window)[0] == batch and failed not in _visible_ids(window)
    assert "3 running" not in window.status.tasks_label.text()
    assert window.status.tasks_label.text() == "No tasks running"


def test_check_now_on_several_products_is_one_batch(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    for n in range(3):
        app.add_product(page_server.add(f"/s{n}", product_page(f"S {n}", f"{n + 2}.00")), title=f"S {n}")
    app.start(scheduler=False)
    window = make_window()
    window.products.table.selectAll()
    with qtbot.waitSignal(window.checks_queued) as queued:
        window.commands.check.trigger()
    batch = queued.args[0]
    qtbot.waitUntil(lambda: _state_text(window, batch) == "Done", timeout=WAIT)
    assert sorted(app.get_task(batch).kwargs["product_ids"]) == sorted(p.id for p in app.list_products())
    model = window.product_model
    qtbot.waitUntil(lambda: all(model.product_at(r).price is not None for r in range(3)), timeout=WAIT)
