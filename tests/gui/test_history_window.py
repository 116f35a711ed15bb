"""The product window as a user sees it: the chart's hover readout, zoom and pan, gaps while out of stock,
average and lowest in view, changes only or every check, relative times, the fetch mode and the fetcher
that ran, the last problem in plain words, and "Why this price?"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import tests.gui.conftest_webengine  # noqa: F401 - Qt WebEngine before the QApplication
from pricewatch.app import PriceWatch
from pricewatch.gui.history.model import COL_CHANGE, COL_WHEN
from pricewatch.gui.history.window import ProductDetail
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import Availability, PriceObservation, TaskState, utcnow
from tests.support.editor import UNSURE_PAGE, started_facade
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 15_000


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    with started_facade() as facade:
        yield facade


@pytest.fixture
def work() -> Iterator[BackgroundWork]:
    pool = BackgroundWork()
    yield pool
    pool.close()


def bike(app: PriceWatch, url: str = "https://bikes.example/road") -> int:
    pid = app.add_product(url, title="Road bike").id or 0
    now = utcnow()
    points = [(120, "1200", Availability.IN_STOCK), (60, "1100", Availability.IN_STOCK),
              (20, "1100", Availability.OUT_OF_STOCK), (10, "999", Availability.IN_STOCK),
              (3, "949", Availability.IN_STOCK)]  # fmt: skip
    for days, price, availability in points:
        app.observations.add(
            PriceObservation(pid, now - timedelta(days=days), Decimal(price), "EUR", availability)
        )
    app._refresh_summary(pid, "EUR")
    return pid


def open_detail(qtbot: QtBot, app: PriceWatch, work: BackgroundWork, pid: int) -> ProductDetail:
    detail = ProductDetail(app, app.get_product(pid), work)
    qtbot.addWidget(detail)
    detail.show()
    qtbot.waitExposed(detail)
    qtbot.waitUntil(lambda: detail.loaded, timeout=WAIT)
    return detail


def viewport_point(detail: ProductDetail, days_ago: float, price: float) -> QPoint:
    """Where a (time, price) point is drawn, in the chart view's viewport coordinates."""
    chart = detail.chart
    ms = (utcnow() - timedelta(days=days_ago)).timestamp() * 1000
    in_chart = chart.chart().mapToPosition(QPointF(ms, price), chart.segments[0])
    return chart.mapFromScene(chart.chart().mapToScene(in_chart))


def test_hovering_the_chart_reads_out_the_date_and_price(
    qtbot: QtBot, app: PriceWatch, work: BackgroundWork
) -> None:
    detail = open_detail(qtbot, app, work, bike(app))
    detail.resize(1000, 800)
    qtbot.waitUntil(lambda: detail.chart.width() > 600)
    qtbot.mouseMove(detail.chart.viewport(), viewport_point(detail, 5, 999))
    qtbot.waitUntil(lambda: detail.chart.crosshair.line.isVisible())
    text = detail.chart.crosshair.text
    assert "999.00" in text and " · " in text
    day = utcnow() - timedelta(days=5)
    assert str(day.astimezone().day) in text.split(" · ")[0]
    qtbot.mouseMove(detail.chart.viewport(), viewport_point(detail, 15, 1100))
    qtbot.waitUntil(lambda: detail.chart.crosshair.text.endswith("Out of stock"))  # a gap, not a price


def test_out_of_stock_is_a_gap_in_the_line(qtbot: QtBot, app: PriceWatch, work: BackgroundWork) -> None:
    detail = open_detail(qtbot, app, work, bike(app))
    first, second = detail.chart.segments
    gap_start, gap_end = first.points()[-1].x(), second.points()[0].x()
    assert gap_end - gap_start == pytest.approx(timedelta(days=10).total_seconds() * 1000, rel=1e-6)


def test_zoom_pan_and_the_numbers_in_view(qtbot: QtBot, app: PriceWatch, work: BackgroundWork) -> None:
    detail = open_detail(qtbot, app, work, bike(app))
    detail.set_range(7)
    # 999 for four days, 949 for the last three: weighted by time, and the lowest
    assert detail.range_stats.text() == "In view: average €977.57 · lowest €949.00"
    left, right = detail.chart.span_ms()
    center = viewport_point(detail, 3.5, 970)
    at, globally = QPointF(center), QPointF(detail.chart.mapToGlobal(center))
    wheel = QWheelEvent(at, globally, QPoint(0, 0), QPoint(0, 240), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)  # fmt: skip
    QApplication.sendEvent(detail.chart.viewport(), wheel)
    zoomed = detail.chart.span_ms()
    assert zoomed[1] - zoomed[0] == pytest.approx((right - left) * 0.64, rel=1e-3)  # two notches closer
    detail.chart.pan(-(zoomed[1] - zoomed[0]))  # a span to the left: before the drop to 949
    assert "lowest €999.00" in detail.range_stats.text()
    qtbot.mouseDClick(detail.chart.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert detail.chart.span_ms() == (left, right)


def test_the_list_shows_changes_or_every_check_with_relative_times(
    qtbot: QtBot, app: PriceWatch, work: BackgroundWork, page_server: PageServer
) -> None:
    pid = app.add_product(page_server.add("/mug", product_page("Mug", "9.00")), title="Mug").id or 0
    for _ in range(2):
        assert app.wait_for_task(app.check_product(pid), timeout=30).state is TaskState.SUCCESS
    detail = open_detail(qtbot, app, work, pid)
    model = detail.history_model
    assert model.rowCount() == 1 and model.index(0, COL_CHANGE).data() == "First reading"
    when = model.index(0, COL_WHEN)
    assert when.data() == "now" and when.data(Qt.ItemDataRole.ToolTipRole)  # read seconds ago
    detail.every_check.setChecked(True)
    assert model.rowCount() == 2 and model.index(0, COL_CHANGE).data() == "No change"
    assert detail.checked.text() == "Last checked now"
    assert detail.fetcher.text().startswith("last read without a browser")
    detail.fetch_mode.setCurrentIndex(detail.fetch_mode.findData("browser"))
    detail.fetch_mode.activated.emit(detail.fetch_mode.currentIndex())
    assert app.get_product(pid).fetch_mode == "browser"


def test_the_last_problem_is_said_in_plain_words(
    qtbot: QtBot, app: PriceWatch, work: BackgroundWork, page_server: PageServer
) -> None:
    pid = app.add_product(page_server.url("/gone"), title="Gone").id or 0
    assert app.wait_for_task(app.check_product(pid), timeout=30).state is TaskState.FAILURE
    detail = open_detail(qtbot, app, work, pid)
    assert detail.problem.isVisibleTo(detail)
    assert detail.problem.text().startswith("The last check failed. This page does not exist (404).")
    assert "http" not in detail.problem.text().lower()


def test_why_this_price_shows_the_competing_prices_of_the_last_look_up(
    qtbot: QtBot, app: PriceWatch, work: BackgroundWork, page_server: PageServer
) -> None:
    url = page_server.add("/chair", UNSURE_PAGE)
    pid = app.add_product(url, title="Garden chair").id or 0
    assert app.wait_for_task(app.scrape(url, store=False), timeout=30).state is TaskState.SUCCESS
    hits = page_server.hits("/chair")
    detail = open_detail(qtbot, app, work, pid)
    why = detail.why_this_price()
    qtbot.waitUntil(lambda: why.loaded, timeout=WAIT)
    assert why.status.text().startswith("From the reading") and page_server.hits("/chair") == hits
    assert "49.90" in why.price.text() and why.source.text().startswith("the price shown on the page")
    assert "49,90 €" in why.element.text() and "div:nth-of-type(1)" in why.element.text()
    assert why.sureness.text().startswith("Unsure")
    others = [why.candidates.item(n).text() for n in range(why.candidates.count())]
    assert any("Cushion 12,90 €" in text for text in others) and len(others) == 2
    why.reject()


def test_why_this_price_reads_the_page_again_when_nothing_was_kept(
    qtbot: QtBot, app: PriceWatch, work: BackgroundWork, page_server: PageServer
) -> None:
    url = page_server.add("/kettle", product_page("Kettle", "34.90"))
    pid = app.add_product(url, title="Kettle").id or 0
    detail = open_detail(qtbot, app, work, pid)
    why = detail.why_this_price()
    qtbot.waitUntil(lambda: why.loaded, timeout=WAIT)
    assert why.status.text() == "From the page as it is now."
    assert "34.90" in why.price.text() and "JSON-LD" in why.source.text()
    assert why.list_price.text() == "None shown on the page"
    assert app.get_product(pid).price is None  # a look-up: nothing stored
    why.reject()
