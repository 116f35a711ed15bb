"""A delegate that draws the recent price history of a product as a small line in its cell."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QSize
from PySide6.QtGui import QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from pricewatch.gui.products.model import DROP_COLOUR, RISE_COLOUR, SparklineRole


class SparklineDelegate(QStyledItemDelegate):
    """Draws :data:`SparklineRole` values; green when the last price is below the first, red when above."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        style = option.widget.style() if option.widget else None
        if style is not None:  # selection and hover background from the platform style
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            opt.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        values = index.data(SparklineRole) or []
        if len(values) < 2:
            return
        rect = option.rect.adjusted(6, 5, -6, -5)
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        step = rect.width() / (len(values) - 1)
        corners = [QPointF(rect.left() + i * step, rect.bottom() - (v - low) / span * rect.height())
                   for i, v in enumerate(values)]  # fmt: skip
        points = QPolygonF(corners)
        if values[-1] < values[0]:
            colour = DROP_COLOUR
        elif values[-1] > values[0]:
            colour = RISE_COLOUR
        else:
            colour = option.palette.color(QPalette.ColorRole.Text)
        if option.state & QStyle.StateFlag.State_Selected:
            colour = option.palette.color(QPalette.ColorRole.HighlightedText)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, 1.5))
        painter.drawPolyline(points)
        painter.setBrush(colour)
        painter.drawEllipse(corners[-1], 2.0, 2.0)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(110, 24)
