"""How task rows read: a whole check's product count, preview or stored scrape, a check's failed picture."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.tasks import columns as tc
from pricewatch.gui.tasks.detail import task_html
from pricewatch.models import TaskRecord, TaskState
from tests.support.images import page_with_image
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 30_000


def test_a_check_of_all_products_names_how_many(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    for name in ("a", "b", "c"):
        app.add_product(page_server.add(f"/{name}", product_page(name, "1.00")), title=name)
    window = make_window()
    batch = window.check_all()  # every product: no product_ids in its kwargs
    subject = lambda: window.task_model.index_of(batch, tc.COL_SUBJECT).data()  # noqa: E731
    qtbot.waitUntil(lambda: window.task_model.index_of(batch).isValid(), timeout=WAIT)
    assert subject() == "all products"  # not run yet: the count is not known
    app.start(scheduler=False)
    assert app.wait_for_task(batch, timeout=30).state is TaskState.SUCCESS
    qtbot.waitUntil(lambda: subject() == "3 products", timeout=WAIT)


def test_a_finished_whole_check_counts_from_its_result() -> None:
    record = TaskRecord(
        id="t1",
        name="price_tracking.check_prices",
        state=TaskState.SUCCESS,
        kwargs={"force": False},
        result={"value": {"products": 20}, "total": 20, "succeeded": 20, "failed": 0, "revoked": 0},
    )
    assert tc.default_subject(record) == "20 products"
    record.result = None
    assert tc.default_subject(record) == "due products"


def test_the_dialog_preview_and_a_stored_scrape_have_different_names(app: PriceWatch) -> None:
    preview = app.get_task(app.scrape("https://shop.example/kettle", store=False))
    stored = app.get_task(app.scrape("https://shop.example/kettle"))
    assert tc.record_name(preview) == "Look up page (preview)"
    assert tc.record_name(stored) == "Scrape page"
    assert tc.cell_data(stored, tc.COL_NAME, Qt.ItemDataRole.DisplayRole, tc.default_subject) == "Scrape page"
    assert ">Look up page (preview)</h3>" in task_html(preview)  # the detail pane beside the table agrees


def test_an_old_rolled_up_result_shows_the_returned_price(english_formatting: None) -> None:
    value = {"title": "Kettle", "price": "30.00", "currency": "EUR"}
    rolled_up = {"value": value, "total": 1, "succeeded": 1, "failed": 0, "revoked": 0}
    record = TaskRecord(id="t1", name="scraping.scrape_product", state=TaskState.SUCCESS, result=rolled_up)
    assert tc.result_text(record) == "Kettle €30.00"  # the price as the products table writes it


def test_a_check_whose_picture_failed_stays_done_and_says_so(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    app.settings.fetch.per_host_delay = 0.0
    gone = page_server.add("/img/gone.png", "no such picture", status=404)
    product = app.add_product(page_server.add("/kettle", page_with_image(gone)))
    app.start(scheduler=False)
    window = make_window()
    check = app.check_product(product.id or 0)
    assert app.wait_for_task(check, timeout=30).state is TaskState.SUCCESS
    qtbot.waitUntil(lambda: len(app.list_tasks(name="images.fetch_thumbnail")) == 1, timeout=WAIT)
    [picture] = app.list_tasks(name="images.fetch_thumbnail")
    assert app.wait_for_task(picture.id, timeout=30).state is TaskState.FAILURE

    model = window.task_model
    tip = lambda: model.index_of(check, tc.COL_STATE).data(Qt.ItemDataRole.ToolTipRole)  # noqa: E731
    qtbot.waitUntil(lambda: tip() == "Done (picture could not be fetched)", timeout=WAIT)
    assert model.index_of(check, tc.COL_STATE).data() == "Done"
    assert str(model.index_of(check, tc.COL_RESULT).data()).endswith("Picture could not be fetched")
