"""The list under the chart: the changes (or every check), newest first, times relative with the exact one in
the tooltip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.list_model import ListTableModel
from pricewatch.models import Availability, PriceObservation, TaskRecord, TaskState
from pricewatch.translation import QT_TRANSLATE_NOOP

COL_WHEN, COL_PRICE, COL_CHANGE, COL_AVAILABILITY = range(4)
_HEADERS = (
    QT_TRANSLATE_NOOP("HistoryModel", "When"),
    QT_TRANSLATE_NOOP("HistoryModel", "Price"),
    QT_TRANSLATE_NOOP("HistoryModel", "Change"),
    QT_TRANSLATE_NOOP("HistoryModel", "Availability"),
)
TimeRole = Qt.ItemDataRole.UserRole + 1  # the row's aware UTC time (sorting, tests)


@dataclass(frozen=True, slots=True)
class Reading:
    """One row: a change of price or stock, or (with every check shown) a check that changed nothing."""

    at: datetime
    price: Decimal | None
    currency: str | None
    availability: Availability
    change: str  # "▼ 8.3%", "Out of stock", "No change"


def changes(history: list[PriceObservation]) -> list[Reading]:
    """The readings that changed the price or the stock, oldest first (repeated readings dropped)."""
    rows: list[Reading] = []
    last: PriceObservation | None = None
    for obs in sorted(history, key=lambda o: o.observed_at):
        if last is not None and (obs.price, obs.availability) == (last.price, last.availability):
            continue
        if last is None:
            what = QCoreApplication.translate("HistoryModel", "First reading")
        elif obs.availability != last.availability and obs.price == last.price:
            what = fmt.availability(obs.availability)
        else:
            what = fmt.change(obs.price, last.price)[0] or fmt.DASH
        rows.append(Reading(obs.observed_at, obs.price, obs.currency, obs.availability, what))
        last = obs
    return rows


def with_checks(history: list[PriceObservation], checks: list[TaskRecord]) -> list[Reading]:
    """The changes and every successful check that changed nothing, oldest first."""
    rows = changes(history)
    seen = {row.at for row in rows}
    for record in checks:
        result = record.result if isinstance(record.result, dict) else {}
        at = record.finished_at
        if record.state is not TaskState.SUCCESS or at is None or result.get("changed") or at in seen:
            continue
        try:
            price = Decimal(str(result["price"])) if result.get("price") is not None else None
            availability = Availability(str(result.get("availability") or "Unknown"))
        except (ArithmeticError, ValueError):
            continue
        no_change = QCoreApplication.translate("HistoryModel", "No change")
        rows.append(Reading(at, price, result.get("currency"), availability, no_change))
    return sorted(rows, key=lambda row: row.at)


class HistoryModel(ListTableModel[Reading]):
    HEADERS = _HEADERS
    HEADER_CONTEXT = "HistoryModel"

    def set_readings(self, readings: list[Reading]) -> None:
        self._replace_rows(list(reversed(readings)))

    def set_history(self, history: list[PriceObservation]) -> None:
        self.set_readings(changes(history))

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_WHEN:
                return fmt.relative_time(row.at)
            if column == COL_PRICE:
                return fmt.money(row.price, row.currency)
            if column == COL_CHANGE:
                return row.change
            return fmt.availability(row.availability)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_WHEN:
            return fmt.exact_time(row.at)
        if role == TimeRole:
            return row.at
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_PRICE, COL_CHANGE):
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None
