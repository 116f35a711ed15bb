"""The products table's order: how each column sorts (rows without a value last in both directions), and
whether a changed row still stands where that order puts it (so an update re-sorts only when it has to).

A column's values are read for a whole list of products at once into a plain list (see ready_orders, which
sorts slots by them): no tuple per row (tuples are containers, and 100,000 new ones wake the garbage collector
for full passes over the table) and no Decimal arithmetic in the comparisons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pricewatch.models import Product


@dataclass(frozen=True, slots=True)
class SortColumn:
    """How one column sorts, given for a whole list of products at once (one loop, no call per row).

    Attributes:
        values: each product's sort value (str, float, int or datetime; one kind per column), None for a
            product without one (it goes last).
        groups: sorted by first where values of different groups do not compare (money: the currency code).
        fold: values compare as ``fold(value)``: the values kept can be the products' own strings, folded
            only while sorting (a folded copy of every title would stay in memory: 7 MB for 100,000).
    """

    values: Callable[[list[Product]], list[Any]]
    groups: Callable[[list[Product]], list[str]] | None = None
    fold: Callable[[Any], Any] | None = None

    def key(self, product: Product) -> tuple[bool, Any]:
        """(no value, comparable value) for one row."""
        value = self.values([product])[0]
        if value is None:
            return (True, 0)
        if self.fold is not None:
            value = self.fold(value)
        return (False, (self.groups([product])[0], value) if self.groups is not None else value)


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


def _rank(product: Product, column: SortColumn, descending: bool) -> tuple[int, Any]:
    missing, value = column.key(product)
    if missing:
        return (1, product.id or 0)  # last, in the order products were added
    return (0, _Descending(value) if descending else value)


def in_place(product_at: Callable[[int], Product], count: int, row: int, column: SortColumn,
             descending: bool) -> bool:  # fmt: skip
    """Whether the product in ``row`` (of ``count``) is still in order with its neighbours (two key calls, not
    a sort)."""
    here = _rank(product_at(row), column, descending)
    if row > 0 and not _rank(product_at(row - 1), column, descending) <= here:
        return False
    return row + 1 >= count or here <= _rank(product_at(row + 1), column, descending)
