"""The "Next check" the user reads: when the scheduled price check will really take each product.

A product's ``next_check_at`` is only when it becomes due; the hourly job (see scheduling.CheckPlan) is what
checks it. The plan changes when the job fires or the schedule is paused, so it is re-read every half minute
and the column is redrawn only when it moved. The cells say "in 47 min" (the exact time in the tooltip), so
they, and "Last checked", are redrawn once a minute too. The status bar's next check is :meth:`earliest`:
the same plan over the same rows, so the two always agree.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from pricewatch.app import PriceWatch
from pricewatch.gui.products.model import ProductTableModel
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Product
from pricewatch.scheduling import CheckPlan

REFRESH_MS = 30_000
TICK_MS = 60_000  # relative times ("in 47 min") are redrawn this often


def next_check_text(plan: CheckPlan, product: Product) -> str:
    """When the run that checks ``product`` comes ("in 47 min"), or why none is coming ("checks paused")."""
    when = plan.for_product(product)
    return fmt.schedule_reason(when) if isinstance(when, str) else fmt.relative(when)


class NextCheckColumn(QObject):
    """Feeds the product table's "Next check" column from the scheduler's plan.

    Signals:
        changed(): the plan moved (the status bar's next check may have too).
    """

    changed = Signal()

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
        model.next_check_when = self.when
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(model.refresh_times)
        self._tick.start()

    def when(self, product: Product) -> datetime | str:
        return self.plan.for_product(product)

    def text(self, product: Product) -> str:
        return next_check_text(self.plan, product)

    def earliest(self) -> datetime | str | None:
        """The first check any product gets (as its row shows it), or why none comes; None: no products."""
        chosen = self.model.earliest_due()
        return None if chosen is None else self.plan.for_product(chosen)

    @Slot()
    def refresh(self) -> bool:
        """Re-read the plan; redraw the column (and return True) when it changed."""
        plan = self.app.scheduler.check_plan()
        if plan == self.plan:
            return False
        self.plan = plan
        self.model.refresh_next_check()
        self.changed.emit()
        return True

    def stop(self) -> None:
        self._timer.stop()
        self._tick.stop()
