"""When each row of the products table is next due, kept so that the product due first is found without a pass
over every row (the status bar asks every few seconds while checks run; a pass over 100,000 rows held the GUI
thread for 13-20 ms).

Rows are named by *slot*, as in :mod:`pricewatch.gui.products.ready_orders`. Each slot's due time is a double
(8 bytes a row): -inf for an unpaused product never checked (due now), +inf for a paused one. Every block of
:data:`BLOCK` slots keeps its smallest time, so the first slot due is the first slot holding the smallest time
of the first block holding the smallest of those: a look at 400 block minima and one block for 100,000 rows.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

from pricewatch.models import Product

BLOCK = 256
_NOW = float("-inf")
_PAUSED = float("inf")


def due_time(product: Product) -> float:
    """When ``product`` is due as a timestamp: -inf never checked (due now), +inf paused (never due)."""
    if product.paused:
        return _PAUSED
    due = product.next_check_at
    return _NOW if due is None else due.timestamp()


class DueTimes:
    """Each slot's due time with the smallest per block of slots (see the module docstring)."""

    __slots__ = ("_block", "_mins", "_times")

    def __init__(self, products: Iterable[Product] = (), block: int = BLOCK) -> None:
        """``products`` by slot (a pool thread may make this: plain Python)."""
        self._block = block
        self._times = array("d", map(due_time, products))
        self._mins = [self._block_min(at) for at in range(0, (len(self._times) + block - 1) // block)]

    def set(self, slot: int, product: Product) -> None:
        """The product in ``slot`` changed; ``slot == len(self)`` adds it after the others."""
        when = due_time(product)
        block = slot // self._block
        if slot == len(self._times):
            self._times.append(when)
            if block == len(self._mins):
                self._mins.append(when)
                return
        else:
            old = self._times[slot]
            self._times[slot] = when
            if when > old and old == self._mins[block]:  # the block's earliest may be later now
                self._mins[block] = self._block_min(block)
                return
        if when < self._mins[block]:
            self._mins[block] = when

    def remove(self, slot: int) -> None:
        """The slot's row is gone; the later slots move up by one (every later block is looked at again)."""
        del self._times[slot]
        first = slot // self._block
        blocks = (len(self._times) + self._block - 1) // self._block
        self._mins[first:] = [self._block_min(block) for block in range(first, blocks)]

    def earliest(self) -> int | None:
        """The slot due first (the first such slot where several are due at once); among paused products
        only, the first slot; None without slots."""
        if not self._mins:
            return None
        soonest = min(self._mins)
        start = self._mins.index(soonest) * self._block
        return start + self._times[start : start + self._block].index(soonest)

    def _block_min(self, block: int) -> float:
        return min(self._times[block * self._block : (block + 1) * self._block])

    def __len__(self) -> int:
        return len(self._times)
