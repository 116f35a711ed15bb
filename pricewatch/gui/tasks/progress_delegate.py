"""A delegate that draws task progress as a native progress bar inside the cell."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from pricewatch.gui.tasks.columns import ProgressRole, TaskRole
from pricewatch.models import TaskState


class ProgressDelegate(QStyledItemDelegate):
    """Shows ``current/total`` as a bar; a running task without a total gets a busy bar."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        record = index.data(TaskRole)
        current, total, _message = index.data(ProgressRole) or (0, 0, "")
        if record is None or (
            not total and record.state is not TaskState.STARTED and not record.state.is_final
        ):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = option.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(3, 4, -3, -4)
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.direction = option.direction
        bar.fontMetrics = option.fontMetrics
        bar.palette = option.palette
        bar.minimum = 0
        if record.state is TaskState.SUCCESS and not total:
            bar.maximum, bar.progress = 1, 1
        elif total:
            bar.maximum, bar.progress = total, min(current, total)
        elif record.state.is_final:
            bar.maximum, bar.progress = 1, 0
        else:
            bar.maximum, bar.progress = 1, 0  # unknown total: an empty bar labelled "running"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.text = f"{current}/{total}" if total else ("" if record.state.is_final else "…")
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        # with uniform row heights this sets every row's height: room for a bar with readable text
        return QSize(120, option.fontMetrics.height() + 10)
