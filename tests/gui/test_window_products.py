"""The products list at the default window size: columns that fit, a next check that agrees with the rows,
the same words for unknown stock, the chosen variant, paused products, unsure readings, and search."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from pricewatch import formatting
from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import DEFAULT_SIZE, MainWindow
from pricewatch.gui.products import model as pm
from pricewatch.models import Availability, utcnow
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

pytestmark = pytest.mark.usefixtures("english_formatting")
WAIT = 20_000
SORT_ARROW = 20  # room the header keeps for its sort indicator and margins


def cell(window: MainWindow, product_id: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    row = window.product_model.row_of(product_id)
    assert row is not None
    return window.product_model.index(row, column).data(role)


def test_every_column_fits_the_default_window(
    window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    product = window_app.add_product("https://shop.example/kettle", title="Kettle")
    window_app.observations.record_check(product.id or 0, checked_at=utcnow(), price=Decimal("1089.00"),
                                         currency="TRY", availability=Availability.IN_STOCK)  # fmt: skip
    window = open_window()
    assert (window.width(), window.height()) == DEFAULT_SIZE
    table = window.products.table
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    assert header.isSectionHidden(pm.COL_TAGS)  # no product has a tag yet: the column waits for one
    for column in range(window.product_model.columnCount()):
        if header.isSectionHidden(column):
            continue
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        name = window.product_model.headerData(column, Qt.Orientation.Horizontal)
        assert right <= table.viewport().width(), f"{name} is cut off"
        assert metrics.horizontalAdvance(name) + SORT_ARROW <= header.sectionSize(column), f"{name} is cut"
    assert not table.horizontalScrollBar().isVisible()


def test_the_status_bar_next_check_agrees_with_the_rows(
    window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    window_app.scheduler.start()
    plan = window_app.scheduler.check_plan()
    assert plan.next_run is not None and plan.slots is not None
    later = window_app.add_product("https://shop.example/lamp", title="Lamp")
    soon = window_app.add_product("https://shop.example/kettle", title="Kettle")
    # Lamp is due hours away; Kettle is due by the next run: the status bar names Kettle's run.
    window_app.products.set_fields(later.id or 0, next_check_at=plan.next_run + timedelta(hours=5))
    window_app.products.set_fields(soon.id or 0, next_check_at=plan.next_run - timedelta(minutes=5))
    window = open_window()
    label = window.status.schedule_label
    earliest = cell(window, soon.id or 0, pm.COL_NEXT_CHECK)
    assert label.text() == f"Next check {earliest}"
    exact = cell(window, soon.id or 0, pm.COL_NEXT_CHECK, Qt.ItemDataRole.ToolTipRole)
    assert label.toolTip() == f"Next check: {exact}"
    assert cell(window, later.id or 0, pm.COL_NEXT_CHECK) != earliest


def test_unknown_stock_reads_the_same_in_the_list_the_cli_and_notifications(
    window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    product = window_app.add_product("https://shop.example/kettle", title="Kettle")
    window_app.observations.record_check(product.id or 0, checked_at=utcnow(), price=Decimal("10"),
                                         currency="EUR", availability=Availability.UNKNOWN)  # fmt: skip
    window = open_window()
    shown = cell(window, product.id or 0, pm.COL_AVAILABILITY)
    assert shown == formatting.availability(Availability.UNKNOWN) == formatting.availability(None)
    assert shown == "Stock not stated"


def test_the_chosen_variant_is_shown_and_checked(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow], page_server: PageServer
) -> None:
    variants = [("HB-40", "40 cm", "79.00"), ("HB-55", "55 cm", "99.00")]
    url = page_server.add("/backpack", product_page("Backpack", "79.00", offers=variants))
    product = window_app.add_product(url, title="Backpack")
    window_app.update_product(product.id or 0, offer_key="sku:HB-55")
    window_app.start(scheduler=False)
    window = open_window()
    assert cell(window, product.id or 0, pm.COL_TITLE) == "Backpack · SKU HB-55"
    assert "Variant: SKU HB-55" in str(
        cell(window, product.id or 0, pm.COL_TITLE, Qt.ItemDataRole.ToolTipRole)
    )
    window_app.check_product(product.id or 0)
    qtbot.waitUntil(lambda: cell(window, product.id or 0, pm.COL_PRICE) == "€99.00", timeout=WAIT)


def test_paused_products_look_paused(window_app: PriceWatch, open_window: Callable[[], MainWindow]) -> None:
    product = window_app.add_product("https://shop.example/kettle", title="Kettle")
    window_app.update_product(product.id or 0, paused=True)
    window = open_window()
    icon = cell(window, product.id or 0, pm.COL_TITLE, Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and icon.cacheKey() == pm.pause_icon().cacheKey()
    assert cell(window, product.id or 0, pm.COL_TITLE, Qt.ItemDataRole.ForegroundRole) == pm.PAUSED_COLOUR
    assert cell(window, product.id or 0, pm.COL_NEXT_CHECK) == "paused"
    assert "Paused" in str(cell(window, product.id or 0, pm.COL_TITLE, Qt.ItemDataRole.ToolTipRole))


def test_an_unsure_latest_reading_is_marked(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    sure = window_app.add_product("https://shop.example/kettle", title="Kettle")
    unsure = window_app.add_product("https://shop.example/lamp", title="Lamp")
    for product, flag in ((sure, False), (unsure, True)):
        window_app.observations.record_check(product.id or 0, checked_at=utcnow(), price=Decimal("24.99"),
                                             currency="EUR", availability=Availability.IN_STOCK,
                                             unsure=flag)  # fmt: skip
    window = open_window()
    qtbot.waitUntil(lambda: cell(window, unsure.id or 0, pm.COL_PRICE) == "~€24.99", timeout=WAIT)
    assert cell(window, sure.id or 0, pm.COL_PRICE) == "€24.99"
    assert "Unsure reading" in str(cell(window, unsure.id or 0, pm.COL_PRICE, Qt.ItemDataRole.ToolTipRole))


@pytest.mark.parametrize("typed", ["kopuklu", "KÖPÜKLÜ", "köpük", "Kopuklu sut"])
def test_search_ignores_accents_and_case(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow], typed: str
) -> None:
    window_app.add_product("https://shop.example/a", title="Köpüklü Süt Makinesi")
    window_app.add_product("https://shop.example/b", title="Kettle")
    window = open_window()
    window.products.search.setText(typed)  # as typed (QTest cannot type every letter offscreen)
    window.products.apply_search_now()
    assert window.products.visible_count() == 1
    assert window.products.stack.currentWidget() is window.products.table


def test_a_search_without_matches_says_so(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    window_app.add_product("https://shop.example/b", title="Kettle")
    window = open_window()
    qtbot.keyClicks(window.products.search, "<b>espresso</b>")
    window.products.apply_search_now()
    panel = window.products
    assert panel.visible_count() == 0 and panel.stack.currentWidget() is panel.no_match
    assert panel.no_match.text().startswith("No product matches “<b>espresso</b>”")
    assert panel.no_match.textFormat() == Qt.TextFormat.PlainText
    panel.search.clear()
    panel.apply_search_now()
    assert panel.stack.currentWidget() is panel.table
