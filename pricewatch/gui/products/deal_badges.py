"""The Deal column's verdicts, read on a pool thread for the rows being painted, a batch at a time."""

from __future__ import annotations

import itertools
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Slot

from pricewatch.app import PriceWatch
from pricewatch.deals import Deal
from pricewatch.errors import NotFoundError
from pricewatch.gui.products.model import ProductTableModel
from pricewatch.gui.widgets.worker import BackgroundWork

CHUNK = 100  # verdicts per read (each reads one product's history)
DELAY_MS = 40  # gather the cells of one paint into one read

Read = dict[int, tuple[Deal, datetime | None]]


class DealBadges(QObject):
    """Answers the model's ``deal_requested`` with ``set_deals``; one read in flight at a time."""

    def __init__(self, app: PriceWatch, model: ProductTableModel, work: BackgroundWork) -> None:
        super().__init__(model)
        self.app = app
        self.model = model
        self.work = work
        self._wanted: dict[int, None] = {}  # ordered set
        self._reading = False
        self._stopped = False
        self._timer = QTimer(self, singleShot=True, interval=DELAY_MS)
        self._timer.timeout.connect(self._read_wanted)
        model.deal_requested = self.request

    def request(self, product_id: int) -> None:
        self._wanted[product_id] = None
        if not self._timer.isActive() and not self._stopped:
            self._timer.start()

    @Slot()
    def _read_wanted(self) -> None:
        if self._reading:
            self._timer.start()
            return
        ids = list(itertools.islice(self._wanted, CHUNK))
        for product_id in ids:
            del self._wanted[product_id]
        if ids:
            self._reading = True
            self.work.submit(lambda: self._read(ids), self._ready, lambda _error: self._failed(ids))

    def _read(self, ids: list[int]) -> Read:
        found: Read = {}
        for product_id in ids:
            try:
                checked_at = self.app.get_product(product_id).last_checked_at
                found[product_id] = (self.app.deal(product_id), checked_at)
            except NotFoundError:  # removed meanwhile
                continue
        return found

    def _ready(self, found: Read) -> None:
        self._reading = False
        if self._stopped:
            return
        self.model.set_deals(found)
        if self._wanted:
            self._timer.start()

    def _failed(self, ids: list[int]) -> None:
        """A read that failed (the database busy, say) is asked again when the cells are next painted."""
        self.model.forget_deal_requests(ids)
        self._ready({})

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self._wanted.clear()
