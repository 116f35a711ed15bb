"""The observation list under the chart: when, price, availability, newest first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from pricewatch.gui.products.model import AVAILABILITY_TEXT
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.list_model import ListTableModel
from pricewatch.models import PriceObservation

COL_WHEN, COL_PRICE, COL_AVAILABILITY = range(3)
_HEADERS = ("When", "Price", "Availability")


class HistoryModel(ListTableModel[PriceObservation]):
    HEADERS = _HEADERS

    def set_history(self, history: list[PriceObservation]) -> None:
        self._replace_rows(list(reversed(history)))

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
