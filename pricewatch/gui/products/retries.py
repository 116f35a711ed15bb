"""Which products' checks wait for a retry: the products table shows them as "Retrying at HH:MM", not failed.

A check that fails transiently stores the error on the product at once (so a final failure is shown even if
the window was closed), but the task engine tries it again; until that try ends the row says so.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from pricewatch.gui.products.model import ProductTableModel
from pricewatch.models import TaskRecord, TaskState

CHECK_TASK = "price_tracking.check_product_price"


class CheckRetries(QObject):
    """Feeds :meth:`ProductTableModel.set_retrying` from the task records the window sees."""

    def __init__(self, model: ProductTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model

    @Slot(object)
    def on_task_records(self, records: list[TaskRecord]) -> None:
        for record in records:
            if record.name != CHECK_TASK:
                continue
            product_id = (record.kwargs or {}).get("product_id")
            if not isinstance(product_id, int):
                continue
            retrying = record.state is TaskState.RETRY
            self.model.set_retrying(product_id, record.eta, record.error or "", on=retrying)
