"""Keeps the products table's smart filter and Tags column in step with the database.

One background read (the facade's ``product_facts``: a few queries for every product) gives the Tags column's
text and, while a filter is chosen, the set of the shown products it matches; the filter proxy then only
looks ids up. Reads are grouped: many products refreshed by a check cause one read after a short pause.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from pricewatch.app import PriceWatch
from pricewatch.gui.filters.bar import FilterBar
from pricewatch.gui.filters.labels import labels
from pricewatch.gui.products.model import ProductTableModel
from pricewatch.gui.products.panel import ProductsPanel
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.product_filters import NO_FACTS, ProductQuery, SavedFilter

REFRESH_DELAY_MS = 1500  # a burst of checks refreshes the tags and the filter once


@dataclass(frozen=True, slots=True)
class _Read:
    generation: int
    labels: dict[int, tuple[str, str]]
    matching: frozenset[int] | None
    filters: list[SavedFilter]
    tags: list[tuple[str, int]]


class FilterController(QObject):
    """Signals:
    applied(): the table shows the chosen filter's products and the Tags column is current.
    """

    applied = Signal()

    def __init__(
        self,
        app: PriceWatch,
        model: ProductTableModel,
        panel: ProductsPanel,
        bar: FilterBar,
        work: BackgroundWork,
    ) -> None:
        super().__init__(panel)
        self.app = app
        self.model = model
        self.panel = panel
        self.bar = bar
        self.work = work
        self.query: ProductQuery | None = None
        self.tags: list[tuple[str, int]] = []
        self._generation = 0
        self._labels: dict[int, tuple[str, str]] = {}
        self._matching: frozenset[int] | None = None  # what the table shows now
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        bar.chosen.connect(self.choose)

    @Slot(object)
    def choose(self, query: ProductQuery | None) -> None:
        self.query = query
        self.refresh()

    @Slot()
    @Slot(object)
    def refresh_soon(self, _changed: object = None) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def refresh(self) -> None:
        """Read the facts again now (after an edit here; the timer for changes made by checks)."""
        self._timer.stop()
        self._generation += 1
        generation, query, app = self._generation, self.query, self.app
        # The rows as shown (a list of references: milliseconds for 100,000), matched on the pool thread
        # against facts read there; re-reading every product from the database would cost far more.
        shown = self.model.products() if query else []

        def read() -> _Read:
            # the Tags column needs no price history; a filter may
            facts = app.product_facts(readings=query is not None and query.reads_observations)
            matching = None
            if query is not None:
                matching = frozenset(
                    p.id or 0 for p in shown if query.matches(p, facts.get(p.id or 0, NO_FACTS))
                )
            return _Read(generation, labels(facts), matching, app.saved_filters(), app.tags())

        self.work.submit(read, self._apply)

    def _apply(self, read: _Read) -> None:
        if read.generation != self._generation:
            return  # a newer read is on its way
        self.tags = read.tags
        self.bar.set_choices(read.filters, read.tags)
        if read.labels != self._labels:
            self._labels = read.labels
            self.model.set_labels(read.labels)
        # Filtering again costs a pass over every row (a search's cost): only when the result changed.
        if read.matching != self._matching:
            self._matching = read.matching
            self.model.set_shown_ids(read.matching)
            self.panel.proxy.set_narrowed(read.matching is not None)
            self.panel.apply_search_now()
        self.applied.emit()

    def stop(self) -> None:
        self._timer.stop()
        self._generation += 1  # a read still running is dropped
