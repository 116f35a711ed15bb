"""The observation list under the chart: when, price, availability, newest first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pricewatch.gui import formatting as fmt
from pricewatch.gui.product_model import AVAILABILITY_TEXT
from pricewatch.models import PriceObservation

COL_WHEN, COL_PRICE, COL_AVAILABILITY = range(3)
_HEADERS = ("When", "Price", "Availability")


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[PriceObservation] = []

    def set_history(self, history: list[PriceObservation]) -> None:
        self.beginResetModel()
        self._rows = list(reversed(history))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        obs = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == COL_WHEN:
                return fmt.local_time(obs.observed_at, seconds=True)
            if index.column() == COL_PRICE:
                return fmt.money(obs.price, obs.currency)
            return AVAILABILITY_TEXT.get(obs.availability, str(obs.availability))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_PRICE:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None
