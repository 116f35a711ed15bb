"""The hover readout over the chart: a vertical line at the mouse and a label with the date and the price."""

from __future__ import annotations

from PySide6.QtCharts import QChart
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsRectItem, QGraphicsSimpleTextItem

_PAD = 4.0


class Crosshair:
    """Graphics items on the chart's scene; :meth:`show_at` places them, :meth:`hide` hides them."""

    def __init__(self, chart: QChart) -> None:
        self.chart = chart
        self.line = QGraphicsLineItem(chart)
        self.line.setPen(QPen(QColor(110, 119, 129), 1, Qt.PenStyle.DashLine))
        self.line.setZValue(20)
        self.box = QGraphicsRectItem(chart)
        self.box.setZValue(21)
        self.label = QGraphicsSimpleTextItem(chart)
        self.label.setZValue(22)
        self.text = ""
        self.hide()

    def show_at(self, x: float, text: str, foreground: QColor, background: QColor) -> None:
        """The line at chart coordinate ``x`` across the plot area, the label beside it (inside the plot)."""
        area = self.chart.plotArea()
        self.text = text
        self.line.setLine(x, area.top(), x, area.bottom())
        self.label.setText(text)
        self.label.setBrush(QBrush(foreground))
        size = self.label.boundingRect()
        left = x + 8 if x + 8 + size.width() + _PAD < area.right() else x - 8 - size.width()
        self.label.setPos(QPointF(left, area.top() + _PAD))
        self.box.setRect(QRectF(left - _PAD, area.top(), size.width() + 2 * _PAD, size.height() + 2 * _PAD))
        fill = QColor(background)
        fill.setAlpha(225)
        self.box.setBrush(QBrush(fill))
        self.box.setPen(QPen(Qt.PenStyle.NoPen))
        for item in (self.line, self.box, self.label):
            item.show()

    def hide(self) -> None:
        self.text = ""
        for item in (self.line, self.box, self.label):
            item.hide()
