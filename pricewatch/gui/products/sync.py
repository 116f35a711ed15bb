"""Keeping the products model in step with the database without blocking the GUI thread.

The first load (and a reload after an import) reads every product on a pool thread and hands the list over in
one reset; sparklines are read only for the rows being painted. Later changes arrive as product ids (a check
finished, the user edited a product): a timer has them re-read on a pool thread and applies the rows in
small chunks within a short time budget. Changes made by other processes (the CLI, the API) are found by
comparing the products table with the rows read last time (see :meth:`ProductSync.sync_outside`).
"""

from __future__ import annotations

import gc
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

from PySide6.QtCore import QObject, QTimer, Signal

from pricewatch.app import PriceWatch
from pricewatch.errors import NotFoundError
from pricewatch.gui.products.deal_badges import DealBadges
from pricewatch.gui.products.model import PreparedRows, ProductTableModel, RowIndexes, prepare_rows
from pricewatch.gui.products.ready_orders import ColumnOrders
from pricewatch.gui.products.row_hashes import RowHashes
from pricewatch.gui.products.thumbnails import ThumbnailLoader
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import Product, TaskRecord, TaskState
from pricewatch.storage.products import Amounts, from_row

SPARK_POINTS = 30
SPARK_CHUNK = 200
SPARK_DELAY_MS = 30  # gather the rows of one paint into one read
FLUSH_MS = 100
BACKLOG_MS = 10  # the timer's interval while rows read wait to be applied: other events run in between
BUDGET_S = 0.003  # GUI-thread time per flush for applying rows (see task_model.BUDGET_S)
APPLY_CHUNK = 50  # rows applied at a time; the budget is looked at between chunks
FETCH_BATCH = 300
ORDERS_AFTER_LOAD_MS = 1500  # the ready orders are made once the first paint of a big load is over
RESET_ABOVE = 2000  # outside changes to more rows than this reload the whole table instead
SPARK_WITH_OUTSIDE = 200  # outside changes up to this many rows bring their sparklines along
# While this window's own checks report results (one came in the last OWN_CHECKS_S), the commits of its own
# workers move PRAGMA data_version too, and their changes reach the table as task events anyway: the whole
# table is then re-read for changes made elsewhere at most every OUTSIDE_BUSY_GAP_S, and re-reading takes at
# most OUTSIDE_BUSY_SHARE of the time (100,000 rows take 1-3 s, 0.6 s of it Python competing with the window
# for the GIL); once the own checks stop reporting, at once. (Every 1.5 s poll read 10,000 rows on a pool
# thread, Python competing with the window for the GIL all through a big check.)
OUTSIDE_BUSY_GAP_S = 10.0
OUTSIDE_BUSY_SHARE = 0.05
OWN_CHECKS_S = 3.0
Found = tuple[int, Product | None, list[float] | None]  # id, the product (None: removed), recent prices
# product id -> hash of its raw row as last read: a changed row is found without keeping 100,000 rows' raw
# text alive twice (decoded in the model, raw here: ~90 MB); a hash collision would need 2**-64 luck
Snapshot = RowHashes
_CHECK_TASKS = {"price_tracking.check_product_price", "scraping.scrape_product"}
_BATCH_TASKS = {"price_tracking.check_prices", "scraping.scrape_batch"}
_THUMB_TASK = "images.fetch_thumbnail"


class _CollectionPause:
    """No garbage collection from the start of a whole-table read until its rows are in the model; nests.

    The read makes 500,000 objects for 100,000 products, and the collector's full passes over a heap growing
    that fast came every second or so, each holding the GIL for 50-200 ms: the window froze as long. Nothing
    read here forms a cycle; the window freezes the heap once the rows are in (gui.application.freeze_heap,
    on ``loaded``), and collections resume after that: resumed at the end of the read, the first young
    collection went over all 500,000 new objects, holding the GIL for 130 ms while the rows were handed over.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._enable_after = False

    def pause(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._enable_after = gc.isenabled()
                gc.disable()
            self._depth += 1

    def resume(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._enable_after:
                gc.enable()


_collections_paused = _CollectionPause()


class ProductSync(QObject):
    """Loads products into the model and applies per-product refreshes.

    Signals:
        loaded(): the full list is in the model.
        orders_made(): every column's order is in the model, made after a load (long-lived lists of every
            row: the application freezes the heap again, see gui.application.freeze_heap).
        products_refreshed(object): the ids of products whose rows were re-read.
    """

    loaded = Signal()
    orders_made = Signal()
    products_refreshed = Signal(object)

    def __init__(self, app: PriceWatch, model: ProductTableModel, work: BackgroundWork) -> None:
        super().__init__(model)
        self.app = app
        self.model = model
        self.work = work
        self._pending: dict[int, None] = {}  # ordered set
        self._timer = QTimer(self, interval=FLUSH_MS)
        self._timer.timeout.connect(self._flush)
        self._generation = 0
        self._stopped = False
        self._fetching = False
        self._spark_wanted: dict[int, None] = {}
        self._unsure_read: dict[int, bool] = {}  # filled on the pool thread, applied with the rows
        self._spark_reading = False
        self._spark_timer = QTimer(self, singleShot=True, interval=SPARK_DELAY_MS)
        self._spark_timer.timeout.connect(self._read_wanted_sparklines)
        model.sparkline_requested = self.request_sparkline
        self.deals = DealBadges(app, model, work)
        self.thumbnails = ThumbnailLoader(model, work, app.paths.cache_dir)
        self._ready: deque[Found] = deque()
        self._snapshot = RowHashes()
        self._outside_reading = False
        self._outside_again = False
        self._outside_timer = QTimer(self, singleShot=True)
        self._outside_timer.timeout.connect(self.sync_outside)
        self._last_full_read = time.monotonic()  # when the last whole-table read began (or a load ended)
        self._full_read_s = 0.0  # how long it took
        self._load_started = self._last_full_read
        self._own_check_seen = float("-inf")
        self._paused_loads = 0  # reads under way or not yet handed over, with collections paused for them
        self.is_loaded = False

    def reload(self) -> None:
        """Read all products on a pool thread, then reset the model once."""
        self._generation += 1
        generation = self._generation
        _collections_paused.pause()  # until the rows are in (see _CollectionPause)
        self._paused_loads += 1
        self._load_started = time.monotonic()
        indexes = self.model.indexes_for_rows()  # for the table's sort, made there too
        self.work.submit(lambda: self._read_rows(indexes), lambda found: self._loaded(generation, *found),
                         lambda _error: self._load_over())  # fmt: skip

    def _load_over(self) -> None:
        if self._paused_loads:
            self._paused_loads -= 1
            _collections_paused.resume()

    def _read_rows(
        self, indexes: Callable[[PreparedRows], RowIndexes]
    ) -> tuple[PreparedRows, RowIndexes, Snapshot]:
        snapshot = RowHashes()
        amounts: Amounts = {}  # equal amounts of all rows: one Decimal

        def decoded() -> Iterator[Product]:
            for row in self.app.products.iter_raw_rows():  # streamed: no list of 100,000 raw rows
                snapshot.add(row["id"], hash(tuple(row)))
                yield from_row(row, amounts)

        rows = prepare_rows(decoded())
        return rows, indexes(rows), snapshot

    def _loaded(self, generation: int, rows: PreparedRows, indexes: RowIndexes, snapshot: Snapshot) -> None:
        try:
            if generation == self._generation:
                self._show_loaded(rows, indexes, snapshot)
        finally:
            self._load_over()  # after ``loaded``: the window has frozen the heap by then

    def _show_loaded(self, rows: PreparedRows, indexes: RowIndexes, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._last_full_read = time.monotonic()
        self._full_read_s = self._last_full_read - self._load_started
        self.model.set_rows(rows, indexes)
        self.is_loaded = True
        self.loaded.emit()
        # every column's order, so that a first click on a header of 100,000 rows only picks a list; after
        # the first paint of the rows, which the job's share of the interpreter lock would slow
        generation = self._generation
        QTimer.singleShot(ORDERS_AFTER_LOAD_MS, lambda: self._make_orders(generation))

    def _make_orders(self, generation: int) -> None:
        if generation == self._generation and not self._stopped:
            self.work.submit(self.model.make_orders_job(), self._set_orders)

    def _set_orders(self, made: tuple[int, dict[int, ColumnOrders]]) -> None:
        self.model.set_orders(made)
        self.orders_made.emit()

    # -- changes made by other processes --------------------------------------------------------------
    def sync_outside(self) -> None:
        """Re-read the products table on a pool thread and apply only the rows that differ (no reset)."""
        if self._stopped:
            return
        if self._outside_reading or not self.is_loaded:
            self._outside_again = True  # one more pass once the current read is in
            return
        now = time.monotonic()
        quiet_at = self._own_check_seen + OWN_CHECKS_S  # the own checks have stopped reporting by then
        due_at = self._last_full_read + max(OUTSIDE_BUSY_GAP_S, self._full_read_s / OUTSIDE_BUSY_SHARE)
        if now < quiet_at and now < due_at:
            if not self._outside_timer.isActive():  # then looked at again
                self._outside_timer.start(int((min(quiet_at, due_at) - now) * 1000) + 1)
            return
        self._last_full_read = now
        self._outside_reading = True
        self._outside_again = False
        generation, before = self._generation, self._snapshot
        self.work.submit(lambda: self._diff(before), lambda result: self._outside_read(generation, result),
                         lambda _error: self._outside_read(generation, None))  # fmt: skip

    def _diff(self, before: Snapshot) -> tuple[list[Found], Snapshot]:
        after = RowHashes()
        changed = []
        for row in self.app.products.iter_raw_rows():
            raw = hash(tuple(row))
            after.add(row["id"], raw)
            if before.get(row["id"]) != raw:
                changed.append(from_row(row))
        recent = self.app.observations.recent_prices
        with_spark = len(changed) <= SPARK_WITH_OUTSIDE  # more: read lazily when painted
        found: list[Found] = [
            (p.id or 0, p, [float(v) for v in recent(p.id or 0, SPARK_POINTS)] if with_spark else None)
            for p in changed
        ]
        found.extend((product_id, None, []) for product_id in before if after.get(product_id) is None)
        return found, after

    def _outside_read(self, generation: int, result: tuple[list[Found], Snapshot] | None) -> None:
        self._outside_reading = False
        self._full_read_s = time.monotonic() - self._last_full_read
        if self._stopped:
            return
        if result is not None and generation == self._generation:
            found, snapshot = result
            if len(found) > RESET_ABOVE:  # an import or a mass removal elsewhere: one reset is cheaper
                self.reload()
            else:
                self._snapshot = snapshot
                if found:
                    self._fetched(found)
        if self._outside_again:
            self.sync_outside()

    # -- sparklines, read for the rows being painted ---------------------------------------------------
    def request_sparkline(self, product_id: int) -> None:
        self._spark_wanted[product_id] = None
        if not self._spark_timer.isActive() and not self._stopped:
            self._spark_timer.start()

    def _read_wanted_sparklines(self) -> None:
        if self._spark_reading:
            self._spark_timer.start()  # one read at a time; try again shortly
            return
        ids = list(itertools.islice(self._spark_wanted, SPARK_CHUNK))
        for product_id in ids:
            del self._spark_wanted[product_id]
        if ids:
            self._spark_reading = True
            self.work.submit(lambda: self._read_sparklines(ids), self._sparklines_ready,
                             lambda _error: self._sparklines_ready(({}, {})))  # fmt: skip

    def _read_sparklines(self, ids: list[int]) -> tuple[dict[int, list[float]], dict[int, bool]]:
        recent = self.app.observations.recent_prices
        prices = {product_id: [float(p) for p in recent(product_id, SPARK_POINTS)] for product_id in ids}
        return prices, {product_id: self._latest_unsure(product_id) for product_id in ids}

    def _latest_unsure(self, product_id: int) -> bool:
        """Whether the newest reading is one the extractor was not sure of (shown as "~€24.99")."""
        baseline = self.app.observations.sure_baseline(product_id)
        if baseline is None:  # no sure reading at all: unsure if there is a reading
            return bool(self.app.observations.recent_prices(product_id, 1))
        return baseline.unsure_since

    def _sparklines_ready(self, read: tuple[dict[int, list[float]], dict[int, bool]]) -> None:
        prices, unsure = read
        self._spark_reading = False
        self.model.set_unsure(unsure)
        self.model.set_sparklines(prices)
        if self._spark_wanted and not self._stopped:
            self._spark_timer.start()

    # -- single products ------------------------------------------------------------------------------
    def refresh(self, product_id: int) -> None:
        """Re-read one product soon (coalesced with other refreshes)."""
        self._pending[product_id] = None
        if not self._timer.isActive() and not self._stopped:
            self._timer.start()

    def on_task_records(self, records: list[TaskRecord]) -> None:
        """Tasks changed: re-read the products they checked."""
        for record in records:
            self._on_task_record(record)

    def _on_task_record(self, record: TaskRecord) -> None:
        if record.name == _THUMB_TASK and record.state is TaskState.SUCCESS:
            product_id = record.kwargs.get("product_id")
            if isinstance(product_id, int):
                self.model.forget_thumbnail(product_id)  # the new file is read when the row is painted
            return
        if record.name in _CHECK_TASKS or record.name in _BATCH_TASKS:
            self._own_check_seen = time.monotonic()  # queued ones too: queueing them moved data_version
        # A check stays STARTED while its notifications are sent, but its reading is stored already.
        if record.name in _CHECK_TASKS and record.state is not TaskState.PENDING:
            product_id = record.kwargs.get("product_id")
            if product_id is None and isinstance(record.result, dict):
                product_id = record.result.get("product_id")
            if isinstance(product_id, int):
                self.refresh(product_id)

    def _flush(self) -> None:
        """Read pending products on a pool thread; apply what was read within the budget."""
        if self._pending and not self._fetching:
            ids = list(itertools.islice(self._pending, FETCH_BATCH))
            for product_id in ids:
                del self._pending[product_id]
            self._fetching = True
            self.work.submit(lambda: self._read(ids), self._fetched, lambda _error: self._fetched([]))
        deadline = time.monotonic() + BUDGET_S
        while self._ready:
            self._apply([self._ready.popleft() for _ in range(min(APPLY_CHUNK, len(self._ready)))])
            if time.monotonic() >= deadline:
                break
        if not (self._pending or self._ready or self._fetching):
            self._timer.stop()
        interval = BACKLOG_MS if self._ready else FLUSH_MS
        if self._timer.interval() != interval:
            self._timer.setInterval(interval)

    def _read(self, ids: list[int]) -> list[Found]:
        found: list[Found] = []
        for product_id in ids:
            try:
                product: Product | None = self.app.get_product(product_id)
            except NotFoundError:
                product = None
            recent = self.app.observations.recent_prices(product_id, SPARK_POINTS) if product else []
            found.append((product_id, product, [float(p) for p in recent]))
            if product is not None:
                self._unsure_read[product_id] = self._latest_unsure(product_id)
        return found

    def _fetched(self, found: list[Found]) -> None:
        self._fetching = False
        self._ready.extend(found)
        if not self._timer.isActive() and not self._stopped:
            self._timer.start()

    def flush_now(self) -> None:
        """Read and apply everything pending on this thread (after the user's own edit: one row)."""
        ids = list(self._pending)
        self._pending.clear()
        self._apply(self._read(ids))

    def _apply(self, found: list[Found]) -> None:
        """One model update for the batch (one dataChanged over the rows, not two per product)."""
        gone = [product_id for product_id, product, _spark in found if product is None]
        for product_id in gone:
            self.model.remove(product_id)
        present = [(product, spark) for _id, product, spark in found if product is not None]
        unsure = {p.id or 0: self._unsure_read.pop(p.id or 0, False) for p, _spark in present}
        if unsure:
            self.model.set_unsure(unsure, quiet=True)  # upsert_many redraws the rows
        if present:
            self.model.upsert_many(present)
            self.products_refreshed.emit([product.id for product, _spark in present])

    def idle(self) -> bool:
        return not (self._pending or self._ready or self._fetching or self._outside_reading)

    def stop(self) -> None:
        self._stopped = True
        while self._paused_loads:  # their rows will not be handed over now
            self._load_over()
        self.thumbnails.stop()
        self.deals.stop()
        self._spark_timer.stop()
        self._outside_timer.stop()
        self._spark_wanted.clear()
        self._timer.stop()
        self._pending.clear()
        self._ready.clear()
