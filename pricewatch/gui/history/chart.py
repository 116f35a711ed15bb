"""The price history chart: a step line over a time axis with gaps while out of stock, the target dashed,
stock changes marked; a hover readout (date and price), zoom with the wheel, pan by dragging."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from PySide6.QtCharts import (
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
    QXYSeries,
)
from PySide6.QtCore import QCoreApplication, QDateTime, QEvent, QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette, QPen, QWheelEvent
from PySide6.QtWidgets import QWidget

from pricewatch.gui.history.crosshair import Crosshair
from pricewatch.gui.history.stats import price_at
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Availability, PriceObservation, utcnow

LINE = QColor(9, 105, 218)
TARGET = QColor(130, 80, 223)  # not green: that is "back in stock"
OUT = QColor(207, 34, 46)
BACK = QColor(26, 127, 55)
# The other shops' lines when a product has several listings (the product's own line stays LINE)
OTHER_LINES = (QColor(191, 135, 0), QColor(0, 150, 160), QColor(160, 60, 140), QColor(110, 110, 110))
MIN_PAD = timedelta(minutes=10)  # around a history of a few minutes (or one point), in "All"
EDGE = 0.02  # of the range, right of "now", so the last check's dot is not cut in half
MAX_MARKERS = 1  # a single reading needs a dot (its line is one pixel long); more read better as a line
MIN_SPAN_MS = 10 * 60 * 1000  # zooming in stops at ten minutes across
WHEEL_STEP = 0.8  # one wheel notch shows this much of the span


def _ms(at: datetime) -> float:
    return at.timestamp() * 1000.0


def _when(ms: float) -> datetime:
    return datetime.fromtimestamp(ms / 1000.0, UTC)


def price_segments(
    history: list[PriceObservation], start: datetime, now: datetime
) -> list[list[tuple[float, float]]]:
    """The step line as segments of (ms, price) points: each price holds until it changes; the line stops
    while the product is out of stock and starts again when it is back."""
    ordered = sorted(history, key=lambda o: o.observed_at)
    before = [o for o in ordered if o.observed_at < start]
    price = next((float(o.price) for o in reversed(before) if o.price is not None), None)
    out = bool(before) and before[-1].availability is Availability.OUT_OF_STOCK
    segments: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = [(_ms(start), price)] if price is not None and not out else []
    for obs in ordered:
        if obs.observed_at < start:
            continue
        at = _ms(obs.observed_at)
        new_price = float(obs.price) if obs.price is not None else price
        new_out = obs.availability is Availability.OUT_OF_STOCK
        if new_out and not out:
            if current and price is not None:
                current.append((at, price))
                segments.append(current)
            current = []
        elif out and not new_out:
            current = [(at, new_price)] if new_price is not None else []
        elif not out and new_price != price and new_price is not None:
            if current and price is not None:
                current.append((at, price))  # step: the old price holds until the change
            current.append((at, new_price))
        price, out = new_price, new_out
    if current and price is not None and not out:
        current.append((_ms(now), price))
        segments.append(current)
    return segments


class PriceChart(QChartView):
    """Shows a product's observations since a start time (None: all of them).

    Signals:
        span_changed(object, object): the shown span (aware UTC datetimes) after a redraw, a zoom or a pan.
    """

    span_changed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(240)
        self.setMouseTracking(True)
        self.setRubberBand(QChartView.RubberBand.NoRubberBand)
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.setChart(chart)
        self._apply_palette()
        self.points = 0
        self.segments: list[QLineSeries] = []
        self.other_lines: list[list[QLineSeries]] = []  # per other listing, its segments
        self.other_dots: list[QScatterSeries] = []
        self.crosshair = Crosshair(chart)
        self._history: list[PriceObservation] = []
        self._currency: str | None = None
        self._x_axis: QDateTimeAxis | None = None
        self._full: tuple[float, float] | None = None  # the span drawn before any zoom or pan
        self._drag_from: float | None = None
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
                     since: datetime | None, name: str | None = None,
                     others: Sequence[tuple[str, list[PriceObservation]]] = (),
                     note: str = "") -> None:  # fmt: skip
        """Draw ``history``; ``others`` are the product's other listings (name, history in ``currency``),
        one line each on the same axes, and ``note`` says how they were converted (the chart's title)."""
        self._last = (history, {"target": target, "currency": currency, "since": since, "name": name,
                                "others": others, "note": note})  # fmt: skip
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        now = utcnow()
        priced = [o for o in history if o.price is not None]
        start = since or (priced[0].observed_at if priced else now - timedelta(days=30))
        shown = [o for o in priced if o.observed_at >= start]
        self._history, self._currency = history, currency
        self.crosshair.hide()
        self.segments = []
        chart.setTitle(note)
        name = name or self.tr("Price ({currency})").format(
            currency=fmt.currency_symbol(currency) or self.tr("price")
        )
        for n, points in enumerate(price_segments(history, start, now) or [[]]):
            line = QLineSeries()
            line.setName(name)
            line.setPen(QPen(LINE, 2.2))
            for x, y in points:
                line.append(x, y)
            chart.addSeries(line)
            if n:
                for legend_marker in chart.legend().markers(line):
                    legend_marker.setVisible(False)  # one legend entry for the price, however many gaps
            self.segments.append(line)
        self.points = sum(segment.count() for segment in self.segments)
        self.other_dots = []  # a dot on a shop's single reading
        self.other_lines = [
            self._listing_line(label, other, start, now, OTHER_LINES[n % len(OTHER_LINES)])
            for n, (label, other) in enumerate(others)
        ]

        markers = self._point_markers(shown)

        values = [p.y() for p in self.price_points()]
        values += [p.y() for lines in self.other_lines for line in lines for p in line.points()]
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
        shops: list[QXYSeries] = [line for lines in self.other_lines for line in lines]
        for segment in [*self.segments, *shops, *self.other_dots]:
            segment.attachAxis(x_axis)
            segment.attachAxis(y_axis)
        self._x_axis = x_axis
        self._full = (_ms(left), _ms(right))
        if markers is not None:
            chart.addSeries(markers)
            markers.attachAxis(x_axis)
            markers.attachAxis(y_axis)
            for legend_marker in chart.legend().markers(markers):
                legend_marker.setVisible(False)  # the dots belong to the price line

        if target is not None:
            target_line = QLineSeries()
            target_line.setName(self.tr("Target {price}").format(price=fmt.money(target, currency)))
            pen = QPen(TARGET, 1.5, Qt.PenStyle.DashLine)
            target_line.setPen(pen)
            target_line.append(_ms(left), float(target))  # across the whole chart, whatever the range
            target_line.append(_ms(right), float(target))
            chart.addSeries(target_line)
            target_line.attachAxis(x_axis)
            target_line.attachAxis(y_axis)
        self._stock_markers(history, start, x_axis, y_axis)
        self.span_changed.emit(left, right)

    def _listing_line(
        self, name: str, history: list[PriceObservation], start: datetime, now: datetime, colour: QColor
    ) -> list[QLineSeries]:
        """Another shop's step line (its segments, one legend entry; a dot on a single reading)."""
        lines: list[QLineSeries] = []
        shown = [o for o in history if o.price is not None and o.observed_at >= start]
        dotted = 0 < len(shown) <= MAX_MARKERS
        if dotted:
            dots = QScatterSeries()
            dots.setName(name)
            dots.setColor(colour)
            dots.setBorderColor(colour)
            dots.setMarkerSize(7)
            for obs in shown:
                dots.append(_ms(obs.observed_at), float(obs.price))  # type: ignore[arg-type]  # priced only
            self.chart().addSeries(dots)
            self.other_dots.append(dots)
        for n, points in enumerate(price_segments(history, start, now)):
            line = QLineSeries()
            line.setName(name)
            line.setPen(QPen(colour, 1.8))
            for x, y in points:
                line.append(x, y)
            self.chart().addSeries(line)
            if n or dotted:  # one legend entry per shop (its dot, or its first segment)
                for legend_marker in self.chart().legend().markers(line):
                    legend_marker.setVisible(False)
            lines.append(line)
        return lines

    def price_points(self) -> list[QPointF]:
        """The price line's points, segment after segment."""
        return [point for segment in self.segments for point in segment.points()]

    # -- hover readout ----------------------------------------------------------------------------------
    def readout_at(self, when: datetime) -> str:
        """ "12/3/25, 2:05 PM · €34.90" for the price in effect at ``when`` ("Out of stock" in a gap)."""
        covered, price = price_at(self._history, when, utcnow())
        if not covered:
            return ""
        shown = fmt.money(price, self._currency) if price is not None else fmt.availability("OutOfStock")
        return f"{fmt.short_date(when)} · {shown}"

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        position = self.chart().mapFromScene(self.mapToScene(event.position().toPoint()))
        if self._drag_from is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self.chart().scroll(self._drag_from - position.x(), 0)
            self._drag_from = position.x()
            self._emit_span()
        self._hover(position)
        super().mouseMoveEvent(event)

    def _hover(self, position: QPointF) -> None:
        if not self.segments or not self.chart().plotArea().contains(position):
            self.crosshair.hide()
            return
        when = _when(self.chart().mapToValue(position, self.segments[0]).x())
        text = self.readout_at(when)
        if not text:
            self.crosshair.hide()
            return
        palette = self.palette()
        self.crosshair.show_at(
            position.x(), text, palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
        )

    def leaveEvent(self, event: QEvent) -> None:
        self.crosshair.hide()
        super().leaveEvent(event)

    # -- zoom and pan -----------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120
        if not notches or self._x_axis is None or not self.segments:
            return
        position = self.chart().mapFromScene(self.mapToScene(event.position().toPoint()))
        center = self.chart().mapToValue(position, self.segments[0]).x()
        self.zoom(WHEEL_STEP**notches, center)
        event.accept()

    def zoom(self, factor: float, center_ms: float | None = None) -> None:
        """Show ``factor`` times the span around ``center_ms`` (below 1: closer)."""
        left, right = self.span_ms()
        center = (left + right) / 2 if center_ms is None else center_ms
        span = max(MIN_SPAN_MS, (right - left) * factor)
        share = (center - left) / (right - left) if right > left else 0.5
        self._set_span(center - span * share, center - span * share + span)

    def pan(self, ms: float) -> None:
        left, right = self.span_ms()
        self._set_span(left + ms, right + ms)

    def reset_zoom(self) -> None:
        if self._full is not None:
            self._set_span(*self._full)

    def span_ms(self) -> tuple[float, float]:
        axis = self._x_axis
        if axis is None:
            return (0.0, 0.0)
        return (float(axis.min().toMSecsSinceEpoch()), float(axis.max().toMSecsSinceEpoch()))

    def _set_span(self, left: float, right: float) -> None:
        if self._x_axis is None:
            return
        self._x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(left)), QDateTime.fromMSecsSinceEpoch(int(right))
        )
        self.crosshair.hide()
        self._emit_span()

    def _emit_span(self) -> None:
        left, right = self.span_ms()
        self.span_changed.emit(_when(left), _when(right))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = self.chart().mapFromScene(self.mapToScene(event.position().toPoint())).x()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.reset_zoom()
        super().mouseDoubleClickEvent(event)

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
        """A dot on a single reading (it would otherwise be a 1-pixel line); the line alone reads better."""
        if not shown or len(shown) > MAX_MARKERS:
            return None
        dots = QScatterSeries()
        dots.setName(QCoreApplication.translate("PriceChart", "Checks"))
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
        out.setName(self.tr("Out of stock"))
        back = QScatterSeries()
        back.setName(self.tr("Back in stock"))
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
