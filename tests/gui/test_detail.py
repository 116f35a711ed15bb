"""The product window: header numbers, chart ranges, target line, stock markers, check now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from PySide6.QtCharts import QDateTimeAxis, QLineSeries, QScatterSeries
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.history.chart import BACK, PriceChart
from pricewatch.gui.main_window import MainWindow
from pricewatch.models import Availability, PriceObservation, utcnow
from tests.support.pages import product_page
from tests.support.pageserver import PageServer


def _history(app: PriceWatch, url: str) -> int:
    product = app.add_product(url, title="Road bike", target_price="900")
    pid = product.id or 0
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


def test_detail_shows_history_ranges_target_and_stock(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    pid = _history(app, "https://bikes.example/road")
    window = make_window()
    window.products.select_product(pid)
    window.commands.details.trigger()
    detail = window._details[pid]
    qtbot.waitUntil(lambda: detail.loaded)
    assert detail.title.text() == "Road bike"
    assert "949" in detail.price.text()
    assert detail.history_model.rowCount() == 5
    assert detail.range_days() == 30
    series = detail.chart.chart().series()
    names = [s.name() for s in series]
    assert any(n.startswith("Target") for n in names)
    scatter = {s.name(): s.count() for s in series if isinstance(s, QScatterSeries)}
    assert scatter == {"Out of stock": 1, "Back in stock": 1}  # -20 and -10 days; no dot per reading
    assert all(isinstance(s, QLineSeries) for s in detail.chart.segments)
    # 30 days: the price in effect at the start (1100) until it sold out at -20 d (a gap), back at -10 d
    # (999), a step at -3 d (949), and now
    assert [p.y() for p in detail.chart.price_points()] == [1100.0, 1100.0, 999.0, 999.0, 949.0, 949.0]
    assert [s.count() for s in detail.chart.segments] == [2, 4]
    detail.set_range(0)
    assert [p.y() for p in detail.chart.price_points()][:3] == [1200.0, 1200.0, 1100.0]
    detail.set_range(7)
    assert [p.y() for p in detail.chart.price_points()] == [999.0, 999.0, 949.0, 949.0]
    detail.close()
    assert pid not in window._details


def test_check_now_from_the_detail_updates_it(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    pid = _history(app, page_server.add("/bike", product_page("Road bike", "899.00", "EUR")))
    app.start(scheduler=False)
    window = make_window()
    detail = window.show_detail(pid)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.loaded)
    detail.loaded = False
    detail.check_button.click()
    qtbot.waitUntil(lambda: detail.loaded and detail.history_model.rowCount() == 6, timeout=15_000)
    assert "899" in detail.price.text()
    assert "▼" in detail.change.text()


def test_chart_follows_a_palette_change(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    from PySide6.QtGui import QColor, QPalette

    pid = _history(app, "https://bikes.example/dark")
    window = make_window()
    detail = window.show_detail(pid)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.loaded)
    dark = QPalette(detail.chart.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor(30, 30, 30))
    dark.setColor(QPalette.ColorRole.Text, QColor(230, 230, 230))
    detail.chart.setPalette(dark)
    chart = detail.chart.chart()
    assert chart.backgroundBrush().color() == QColor(30, 30, 30)
    assert all(axis.labelsColor() == QColor(230, 230, 230) for axis in chart.axes())
    assert detail.chart.points > 0  # redrawn, not emptied


def _x_range(chart: PriceChart) -> tuple[datetime, datetime]:
    axis = next(a for a in chart.chart().axes() if isinstance(a, QDateTimeAxis))
    return (datetime.fromtimestamp(axis.min().toMSecsSinceEpoch() / 1000, UTC),
            datetime.fromtimestamp(axis.max().toMSecsSinceEpoch() / 1000, UTC))  # fmt: skip


def test_ranges_show_their_span_and_all_fits_a_short_history(qtbot: QtBot) -> None:
    chart = PriceChart()
    qtbot.addWidget(chart)
    now = utcnow()
    history = [PriceObservation(1, now - timedelta(minutes=m), Decimal(p), "GBP", Availability.IN_STOCK)
               for m, p in ((3, "10"), (2, "11"), (1, "9.5"), (0, "9.5"))]  # fmt: skip
    since = now - timedelta(days=30)
    chart.show_history(history, target=None, currency="GBP", since=since)
    left, right = _x_range(chart)
    # 30 days are 30 days (the user chose that span), not an auto-zoom to three minutes of data
    assert abs(left - since) < timedelta(seconds=1) and now < right < now + timedelta(days=1)
    chart.show_history(history, target=None, currency="GBP", since=None)
    left, right = _x_range(chart)
    # All: fitted to the three minutes of data (padded), not squeezed into the right edge
    assert now - timedelta(minutes=20) < left < history[0].observed_at
    assert right > now
    assert not any(s.name() == "Checks" for s in chart.chart().series())  # the line alone reads better

    single = [PriceObservation(1, now, Decimal("34.99"), "GBP", Availability.IN_STOCK)]
    chart.show_history(single, target=None, currency="GBP", since=None)
    left, right = _x_range(chart)
    assert left < now < right and right - left >= timedelta(minutes=10)
    dots = next(s for s in chart.chart().series() if s.name() == "Checks")
    assert dots.count() == 1 and dots.markerSize() >= 6
    assert not any(m.isVisible() for m in chart.chart().legend().markers(dots))


def test_target_spans_every_range_in_its_own_colour_and_the_axis_reads_as_money(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    pid = _history(app, "https://bikes.example/road")
    window = make_window()
    detail = window.show_detail(pid)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.loaded)
    for days in (7, 30, 90, 0):
        detail.set_range(days)
        chart = detail.chart.chart()
        left, right = _x_range(detail.chart)
        target = next(s for s in chart.series() if s.name().startswith("Target"))
        first, last = (
            datetime.fromtimestamp(p.x() / 1000, UTC) for p in (target.points()[0], target.points()[-1])
        )
        assert abs(first - left) < timedelta(seconds=1) and abs(last - right) < timedelta(seconds=1), days
        if days:
            assert abs(right - left - timedelta(days=days)) < timedelta(days=days) * 0.05, days
        backs = [s.color() for s in chart.series() if s.name() == "Back in stock"]
        assert backs == ([] if days == 7 else [BACK]) and target.pen().color() != BACK  # green is "back"
        y_axis = next(a for a in chart.axes(Qt.Orientation.Vertical))
        labels = y_axis.categoriesLabels()
        assert labels and all(label.startswith("€") for label in labels), labels
        assert any("," in label for label in labels), labels  # 1,100 rather than 1100


def test_the_observation_list_has_room(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    pid = _history(app, "https://bikes.example/road")
    window = make_window()
    detail = window.show_detail(pid)
    assert detail is not None
    qtbot.waitUntil(lambda: detail.loaded)
    qtbot.waitExposed(detail)
    table = detail.table
    rows = table.viewport().height() // table.rowHeight(0)
    assert (
        rows >= 5
        and table.model().rowCount() == 5
        and table.rowViewportPosition(4) + table.rowHeight(4) <= table.viewport().height()
    )
