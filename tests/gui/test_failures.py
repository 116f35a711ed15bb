"""Failing products and partly failed batches are visible in the window, not hidden in tooltips (F11)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.language import WindowLanguage
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_AVAILABILITY, COL_LAST_CHECKED, COL_TITLE, ERROR_COLOUR
from pricewatch.gui.tasks import columns as tc
from pricewatch.gui.widgets.product_fault import product_fault
from pricewatch.models import Product, TaskRecord, TaskState
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 30_000


def test_a_failed_check_shows_its_reason_and_the_batch_says_how_many_failed(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    good = app.add_product(page_server.add("/good", product_page("Kettle", "30.00")))
    missing = app.add_product(page_server.add("/gone", "no such page", status=404))
    app.start(scheduler=False)
    window = make_window()
    batch = window.check_all()
    model = window.product_model

    def cell(product_id: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.index(model.row_of(product_id) or 0, column).data(role)

    state = lambda: window.task_model.index_of(batch, tc.COL_STATE).data()  # noqa: E731
    qtbot.waitUntil(lambda: state() == "Done, 1 failed", timeout=WAIT)
    colour = window.task_model.index_of(batch, tc.COL_STATE).data(Qt.ItemDataRole.ForegroundRole)
    assert colour == tc.PARTLY_FAILED_COLOUR != tc.STATE_COLOURS[TaskState.SUCCESS]

    qtbot.waitUntil(lambda: str(cell(missing.id or 0, COL_AVAILABILITY)).startswith("Failed: "), timeout=WAIT)
    said = str(cell(missing.id or 0, COL_AVAILABILITY))
    assert said.startswith("Failed: This page does not exist (404).")  # a sentence, not the raw message
    stored = app.products.get(missing.id or 0)
    assert stored is not None and stored.last_error and stored.last_error not in said
    assert cell(missing.id or 0, COL_LAST_CHECKED, Qt.ItemDataRole.ForegroundRole) == ERROR_COLOUR
    assert cell(missing.id or 0, COL_AVAILABILITY, Qt.ItemDataRole.ForegroundRole) == ERROR_COLOUR
    icon = cell(missing.id or 0, COL_TITLE, Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    qtbot.waitUntil(lambda: cell(good.id or 0, COL_AVAILABILITY) == "In stock", timeout=WAIT)
    assert cell(good.id or 0, COL_AVAILABILITY, Qt.ItemDataRole.ForegroundRole) is None
    assert cell(good.id or 0, COL_TITLE, Qt.ItemDataRole.DecorationRole) is None


def test_task_state_and_subject_wording() -> None:
    batch = TaskRecord(
        id="t1",
        name="price_tracking.check_prices",
        state=TaskState.SUCCESS,
        kwargs={"product_ids": [4]},
        result={"total": 7, "succeeded": 2, "failed": 5},
    )
    assert tc.state_text(batch) == "Done, 5 failed"
    assert tc.default_subject(batch) == "1 product"
    whole = TaskRecord(
        id="t2",
        name="price_tracking.check_prices",
        state=TaskState.SUCCESS,
        kwargs={"product_ids": [4, 5]},
        result={"total": 2, "succeeded": 2, "failed": 0},
    )
    assert tc.state_text(whole) == "Done"
    assert tc.state_colour(whole) == tc.STATE_COLOURS[TaskState.SUCCESS]
    assert tc.default_subject(whole) == "2 products"
    assert (
        tc.default_subject(TaskRecord(id="t3", name="scraping.scrape_batch", kwargs={"urls": ["u"]}))
        == "1 page"
    )


def test_the_failure_is_said_in_the_window_language(qapp: QApplication, app: PriceWatch) -> None:
    """The raw message stays English for the command line; the window says the kind's sentence in Turkish,
    and a failure stored before kinds were kept shows its message."""
    refused = replace(Product(url="https://shop.example/p/1"), last_error="HTTP 403 from shop.example",
                      last_error_kind="http_4xx", last_error_status=403)  # fmt: skip
    old = replace(refused, last_error_kind=None, last_error_status=None)
    language = WindowLanguage(qapp)
    try:
        assert language.use("tr")
        assert product_fault(refused, 300).startswith("Mağaza isteği reddetti (403)")
        assert product_fault(old, 300) == "HTTP 403 from shop.example"
    finally:
        language.close()
    assert product_fault(refused, 300).startswith("The shop refused the request (403).")
    assert product_fault(replace(refused, last_error=None), 300) == ""  # the last check worked
