"""The price history chart: a step line over a time axis, the target dashed, stock changes marked."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from PySide6.QtCharts import (
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QEvent, QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Availability, PriceObservation, utcnow

LINE = QColor(9, 105, 218)
TARGET = QColor(130, 80, 223)  # not green: that is "back in stock"
OUT = QColor(207, 34, 46)
BACK = QColor(26, 127, 55)
MIN_PAD = timedelta(minutes=10)  # around a history of a few minutes (or one point), in "All"
EDGE = 0.02  # of the range, right of "now", so the last check's dot is not cut in half
MAX_MARKERS = 120  # more observations than this: the line alone reads better


def _ms(at: datetime) -> float:
    return at.timestamp() * 1000.0


class PriceChart(QChartView):
    """Shows a product's observations since a start time (None: all of them)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(240)
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.setChart(chart)
        self._apply_palette()
        self.points = 0
        self._last: tuple[list[PriceObservation], dict[str, object]] | None = None

    def changeEvent(self, event: QEvent) -> None:
        # follow a switch between the system's light and dark palettes while the window is open
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._apply_palette()
            if self._last is not None:
                history, options = self._last
                self.show_history(history, **options)  # type: ignore[arg-type]
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        palette = self.palette()
        chart = self.chart()
        chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        chart.setBackgroundRoundness(0)
        chart.setTitleBrush(palette.color(QPalette.ColorRole.Text))
        chart.legend().setLabelColor(palette.color(QPalette.ColorRole.Text))

    def show_history(self, history: list[PriceObservation], *, target: Decimal | None, currency: str | None,
                     since: datetime | None) -> None:  # fmt: skip
        self._last = (history, {"target": target, "currency": currency, "since": since})
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        now = utcnow()
        priced = [o for o in history if o.price is not None]
        start = since or (priced[0].observed_at if priced else now - timedelta(days=30))
        # the price in effect at the window start is the last one observed before it
        before = [o for o in priced if o.observed_at < start]
        shown = [o for o in priced if o.observed_at >= start]
        line = QLineSeries()
        line.setName(f"Price ({fmt.currency_symbol(currency) or 'price'})")
        line.setPen(QPen(LINE, 2.2))
        last: float | None = float(before[-1].price) if before and before[-1].price is not None else None
        if last is not None:
            line.append(_ms(start), last)
        for obs in shown:
            value = float(obs.price)  # type: ignore[arg-type]  # filtered above
            if value == last:  # an availability change only: no step in the line
                continue
            if last is not None:
                line.append(_ms(obs.observed_at), last)  # step: the old price holds until the change
            line.append(_ms(obs.observed_at), value)
            last = value
        if last is not None:
            line.append(_ms(now), last)
        self.points = line.count()
        chart.addSeries(line)

        markers = self._point_markers(shown)

        values = [p.y() for p in line.points()]
        if target is not None:
            values.append(float(target))
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        pad = (high - low) * 0.12 or max(high * 0.05, 1.0)
        x_axis = QDateTimeAxis()
        left, right = self._x_range(priced, start, now, since)
        span = right - left
        x_axis.setFormat(
            "HH:mm" if span <= timedelta(days=2) else "d MMM" if span <= timedelta(days=300) else "MMM yyyy"
        )
        x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(_ms(left))), QDateTime.fromMSecsSinceEpoch(int(_ms(right)))
        )
        x_axis.setTickCount(7)
        y_axis = self._money_axis(max(0.0, low - pad), high + pad, currency)
        text = self.palette().color(QPalette.ColorRole.Text)
        grid = self.palette().color(QPalette.ColorRole.Mid)
        for axis in (x_axis, y_axis):
            axis.setLabelsColor(text)
            axis.setGridLineColor(grid)
            chart.addAxis(
                axis, Qt.AlignmentFlag.AlignBottom if axis is x_axis else Qt.AlignmentFlag.AlignLeft
            )
        line.attachAxis(x_axis)
        line.attachAxis(y_axis)
        if markers is not None:
            chart.addSeries(markers)
            markers.attachAxis(x_axis)
            markers.attachAxis(y_axis)
            for legend_marker in chart.legend().markers(markers):
                legend_marker.setVisible(False)  # the dots belong to the price line

        if target is not None:
            target_line = QLineSeries()
            target_line.setName(f"Target {fmt.money(target, currency)}")
            pen = QPen(TARGET, 1.5, Qt.PenStyle.DashLine)
            target_line.setPen(pen)
            target_line.append(_ms(left), float(target))  # across the whole chart, whatever the range
            target_line.append(_ms(right), float(target))
            chart.addSeries(target_line)
            target_line.attachAxis(x_axis)
            target_line.attachAxis(y_axis)
        self._stock_markers(history, start, x_axis, y_axis)

    @staticmethod
    def _x_range(
        priced: list[PriceObservation], start: datetime, now: datetime, since: datetime | None
    ) -> tuple[datetime, datetime]:
        """A chosen range (7, 30, 90 days) as it is: the user asked for that span. "All" is the data, padded
        (four checks within three minutes are then not one vertical line at an edge)."""
        if since is not None:
            return since, now + (now - since) * EDGE
        first = priced[0].observed_at if priced else start
        pad = max((now - first) * 0.05, MIN_PAD)
        return first - pad, now + pad

    @staticmethod
    def _money_axis(low: float, high: float, currency: str | None) -> QCategoryAxis:
        """An axis at nice numbers (540, 560, ...) labelled as the locale writes money ("1.250.000 €")."""
        nice = QValueAxis()
        nice.setRange(low, high)
        nice.setTickCount(6)
        nice.applyNiceNumbers()
        axis = QCategoryAxis()
        axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis.setRange(nice.min(), nice.max())
        axis.setStartValue(nice.min())
        step = (nice.max() - nice.min()) / max(nice.tickCount() - 1, 1)
        cents = step < 10
        for n in range(nice.tickCount()):
            value = nice.min() + n * step
            label = fmt.money(Decimal(str(round(value, 2))), currency, cents=cents)
            if label not in axis.categoriesLabels():  # labels must be unique
                axis.append(label, value)
        return axis

    @staticmethod
    def _point_markers(shown: list[PriceObservation]) -> QScatterSeries | None:
        """A dot on each observation (a single one would otherwise be a 1-pixel line); none when crowded."""
        if not shown or len(shown) > MAX_MARKERS:
            return None
        dots = QScatterSeries()
        dots.setName("Checks")
        dots.setColor(LINE)
        dots.setBorderColor(LINE)
        dots.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
        dots.setMarkerSize(7)
        for obs in shown:
            dots.append(_ms(obs.observed_at), float(obs.price))  # type: ignore[arg-type]  # priced only
        return dots

    def _stock_markers(self, history: list[PriceObservation], start: datetime, x_axis: QDateTimeAxis,
                       y_axis: QValueAxis) -> None:  # fmt: skip
        out = QScatterSeries()
        out.setName("Out of stock")
        back = QScatterSeries()
        back.setName("Back in stock")
        shapes = QScatterSeries.MarkerShape
        for series, colour, shape in ((out, OUT, shapes.MarkerShapeTriangle),
                                      (back, BACK, shapes.MarkerShapeCircle)):  # fmt: skip
            series.setColor(colour)
            series.setBorderColor(colour)
            series.setMarkerShape(shape)
            series.setMarkerSize(11)
        previous: Availability | None = None
        last_price: float | None = None
        for obs in history:
            if obs.price is not None:
                last_price = float(obs.price)
            if previous is not None and obs.availability != previous and obs.observed_at >= start:
                y = last_price if last_price is not None else y_axis.min()
                point = QPointF(_ms(obs.observed_at), y)
                if obs.availability is Availability.OUT_OF_STOCK:
                    out.append(point)
                elif previous is Availability.OUT_OF_STOCK and obs.availability.buyable:
                    back.append(point)
            previous = obs.availability
        chart = self.chart()
        for series in (out, back):
            if series.count():
                chart.addSeries(series)
                series.attachAxis(x_axis)
                series.attachAxis(y_axis)
