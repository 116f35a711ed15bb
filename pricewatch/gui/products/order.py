"""The products table's order: rows without a value last in both directions, and whether a changed row still
stands where that order puts it (so an update re-sorts only when it has to)."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from pricewatch.models import Product

SortKey = Callable[[Product], tuple[bool, Any]]  # (no value, value); rows with no value go last


class _Descending:
    """A value that compares the other way round (strings and tuples cannot be negated)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and bool(self.value == other.value)

    def __lt__(self, other: _Descending) -> bool:
        return bool(other.value < self.value)

    def __le__(self, other: _Descending) -> bool:
        return bool(other.value <= self.value)

    __hash__ = None  # type: ignore[assignment]


def _rank(product: Product, key: SortKey, descending: bool) -> tuple[int, Any]:
    missing, value = key(product)
    if missing:
        return (1, product.id or 0)  # last, in the order products were added
    return (0, _Descending(value) if descending else value)


def sort_rows(rows: list[Any], key: SortKey, descending: bool) -> None:
    """Sort ``rows`` (objects with a ``product``) in place: by value either way, rows with none last."""
    keyed = [(key(r.product), r) for r in rows]
    present = [(k[1], r) for k, r in keyed if not k[0]]
    present.sort(key=itemgetter(0), reverse=descending)  # stable either way: ties keep their order
    missing = [r for k, r in keyed if k[0]]
    missing.sort(key=lambda r: r.product.id or 0)
    rows[:] = [r for _, r in present] + missing


def in_place(rows: list[Any], row: int, key: SortKey, descending: bool) -> bool:
    """Whether ``rows[row]`` is still in order with its neighbours (two key calls, not a sort)."""
    here = _rank(rows[row].product, key, descending)
    if row > 0 and not _rank(rows[row - 1].product, key, descending) <= here:
        return False
    return row + 1 >= len(rows) or here <= _rank(rows[row + 1].product, key, descending)
