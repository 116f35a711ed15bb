"""Each sortable column's order of the products table, kept ready either way, so that a click on a header
picks a list instead of sorting 100,000 rows.

Rows are named here by their *slot*: their place in the model's storage, which is the order the products were
added in and does not change when the table is sorted (see the model). A column keeps its sort values by slot
and, once made, its order in each direction as a list of slots. A row whose value changes is noted; the next
use of that order sorts the old order with the changed rows moved to the end, which Python's sort (adaptive
to runs already in order) does in a fraction of a full sort. So ties keep the order they had, first the order
products were added in, and a row whose value changed comes after the rows it now ties with.

:func:`make_orders` makes every column's ascending order on a pool thread after the products are loaded, in
short sorts (a long one would hold the interpreter lock, and the window with it, for its whole length); the
descending one is sorted from it at the first click that asks for it.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, MutableSequence, Sequence
from dataclasses import dataclass, field
from typing import Any

from pricewatch.gui.products.order import SortColumn
from pricewatch.models import Product

# A pause after each piece of the background sorts. Each Python call the GUI thread makes (a paint asks the
# model hundreds of times) waits for the interpreter lock up to the switch interval (5 ms) while a pool
# thread computes: right after a load of 100,000 rows that made the first paint wait 0.8 s. Sleeping gives
# the lock away; the orders take about a second longer to be ready.
BREATHER_S = 0.003
RUN = 8192  # slots sorted per call on a pool thread: each sort call holds the interpreter lock throughout
NO_NUMBER = math.nan  # a number column's "no value" (arrays hold no None)
Values = MutableSequence[Any]  # a list, or for numbers an array of doubles: 8 bytes a row instead of 32


@dataclass(slots=True)
class ColumnOrders:
    """One column: its sort values by slot, and its order each way with the slots changed since it was made.

    Attributes:
        values: each slot's sort value; None (NaN in an array of numbers) for a product without one (last in
            both directions).
        groups: sorted by first where values of different groups do not compare (money: the currency).
        orders: descending -> every slot, in that order (4 bytes a row).
        changed: descending -> slots whose value changed (or that were added) since that order was made.
        fold: values compare as ``fold(value)`` (see :class:`SortColumn`).
    """

    values: Values
    groups: list[str] | None
    fold: Callable[[Any], Any] | None = None
    orders: dict[bool, Sequence[int]] = field(default_factory=dict)
    changed: dict[bool, set[int]] = field(default_factory=lambda: {False: set(), True: set()})

    @classmethod
    def read(cls, spec: SortColumn, products: list[Product]) -> ColumnOrders:
        groups = spec.groups(products) if spec.groups is not None else None
        return cls(compact(spec.values(products)), groups, spec.fold)

    def order(self, descending: bool) -> Sequence[int]:
        """Every slot in this column's order (kept: do not change it)."""
        changed = self.changed[descending]
        kept = self.orders.get(descending)
        if kept is None:
            # from the other direction's order when there is one (brought up to date first: the same ties
            # either way): a sorted input sorts in a few passes
            start = self.order(not descending) if (not descending) in self.orders else None
            kept = order_slots(self.values, self.groups, descending, start, fold=self.fold)
        elif changed:
            kept = order_slots(
                self.values, self.groups, descending, moved_last(kept, changed), fold=self.fold
            )
        else:
            return kept
        changed.clear()
        self.orders[descending] = made = array("i", kept)
        return made

    def forget_orders(self) -> None:
        """Slots were renumbered: the orders are made again when next asked for."""
        self.orders.clear()
        self.changed = {False: set(), True: set()}

    def set_product(self, spec: SortColumn, slot: int, product: Product) -> None:
        """A row's product changed (or was added): its value as ``spec`` reads it."""
        group = spec.groups([product])[0] if spec.groups is not None else None
        self.set(slot, spec.values([product])[0], group)

    def set(self, slot: int, value: Any, group: str | None) -> None:
        """A row's new value (slot == len(values): an added row)."""
        if value is None and isinstance(self.values, array):
            value = NO_NUMBER
        if slot == len(self.values):
            self.values.append(value)
            if self.groups is not None:
                self.groups.append(group or "")
        elif _same(self.values[slot], value) and (self.groups is None or self.groups[slot] == (group or "")):
            return
        else:
            self.values[slot] = value
            if self.groups is not None:
                self.groups[slot] = group or ""
        for descending in self.orders:
            self.changed[descending].add(slot)


def compact(values: list[Any]) -> Values:
    """``values`` as an array of doubles when there are floats and nothing else but None, else as they are
    (no values, or none but None, say nothing of the kind the column's later values will be)."""
    if {type(value) for value in values} - {type(None)} == {float}:
        return array("d", [NO_NUMBER if value is None else value for value in values])
    return values


def _same(old: Any, new: Any) -> bool:
    return bool(old == new) or (old != old and new != new)  # NaN == NaN: both without a value


def moved_last(order: Iterable[int], changed: set[int]) -> list[int]:
    """``order`` without the ``changed`` slots, then those (in slot order): the input of a re-sort."""
    kept = [slot for slot in order if slot not in changed]
    kept.extend(sorted(changed))
    return kept


def order_slots(
    values: Sequence[Any],
    groups: Sequence[str] | None,
    descending: bool,
    start: Iterable[int] | None = None,
    *,
    run: int = 0,
    fold: Callable[[Any], Any] | None = None,
    pause: Callable[[], None] = lambda: None,
) -> list[int]:
    """Every slot of ``values`` sorted by value either way, slots without one last (in slot order), ``groups``
    (if several) first. Ties keep their order in ``start`` (default: slot order) in both directions.

    ``run``: sort that many slots per call and then merge them (for a pool thread; see :data:`RUN`).
    ``fold``: values compare as ``fold(value)`` (folded for this sort only).
    """
    # "is not None" for lists, "v == v" for arrays of numbers (NaN: no value)
    slots = range(len(values))
    present = [
        slot for slot in (slots if start is None else start) if (v := values[slot]) is not None and v == v
    ]
    keys = values if fold is None else [None if v is None else fold(v) for v in values]
    _sort(present, keys.__getitem__, descending, run, pause)
    if groups is not None and len(set(groups)) > 1:  # a second stable pass: groups first, values within
        _sort(present, groups.__getitem__, descending, run, pause)
    if len(present) < len(values):
        present.extend(slot for slot in slots if (v := values[slot]) is None or v != v)
    return present


def _sort(
    slots: list[int], key: Any, descending: bool, run: int, pause: Callable[[], None] = lambda: None
) -> None:
    """Sort ``slots`` stably by ``key``; with ``run``, in calls of at most ``run`` slots, then merges of two
    neighbouring sorted runs at a time (Python's sort merges two runs in one pass), the longest one call
    over the whole list: 100,000 slots in calls of a few ms each instead of one of 40 ms."""
    if not run or len(slots) <= run:
        slots.sort(key=key, reverse=descending)
        return
    width = run
    for at in range(0, len(slots), width):
        slots[at : at + width] = sorted(slots[at : at + width], key=key, reverse=descending)
        pause()
    while width < len(slots):
        for at in range(0, len(slots), 2 * width):
            if at + width < len(slots):  # stable: the left run's ties stay before the right run's
                slots[at : at + 2 * width] = sorted(slots[at : at + 2 * width], key=key, reverse=descending)
                pause()
        width *= 2


def make_orders(
    columns: dict[int, SortColumn], products: list[Product], pause: Callable[[], None] = lambda: None
) -> dict[int, ColumnOrders]:
    """Every column's values and its ascending order for ``products`` (by slot), in short sorts; ``pause``
    runs between them (a pool thread's breather: see :data:`BREATHER_S`)."""
    made = {}
    for column, spec in columns.items():
        orders = ColumnOrders.read(spec, products)
        pause()
        # ascending only: the other way is sorted from it at the first click (a sorted input: 10-20 ms), and
        # keeping both for every column cost 4.4 MB more for 100,000 rows
        ascending = order_slots(orders.values, orders.groups, False, run=RUN, fold=orders.fold, pause=pause)
        orders.orders = {False: array("i", ascending)}
        made[column] = orders
    return made
