"""The "Next check" the user reads: when the scheduled price check will really take each product.

A product's ``next_check_at`` is only when it becomes due; the hourly job (see scheduling.CheckPlan) is what
checks it. The plan changes when the job fires or the schedule is paused, so it is re-read every half minute
and the column is redrawn only when it moved.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Slot

from pricewatch.app import PriceWatch
from pricewatch.gui.products.model import ProductTableModel
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Product
from pricewatch.scheduling import CheckPlan

REFRESH_MS = 30_000


def next_check_text(plan: CheckPlan, product: Product) -> str:
    """The local time of the run that will check ``product``, or why none is coming ("checks paused")."""
    when = plan.for_product(product)
    return when if isinstance(when, str) else fmt.local_time(when)


class NextCheckColumn(QObject):
    """Feeds the product table's "Next check" column from the scheduler's plan."""

    def __init__(
        self,
        app: PriceWatch,
        model: ProductTableModel,
        parent: QObject | None = None,
        interval_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.model = model
        self.plan: CheckPlan = app.scheduler.check_plan()
        model.next_check_text = self.text
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def text(self, product: Product) -> str:
        return next_check_text(self.plan, product)

    @Slot()
    def refresh(self) -> bool:
        """Re-read the plan; redraw the column (and return True) when it changed."""
        plan = self.app.scheduler.check_plan()
        if plan == self.plan:
            return False
        self.plan = plan
        self.model.refresh_next_check()
        return True

    def stop(self) -> None:
        self._timer.stop()
