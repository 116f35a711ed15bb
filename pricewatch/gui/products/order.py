"""The products table's order: rows without a value last in both directions, and whether a changed row still
stands where that order puts it (so an update re-sorts only when it has to).

A sort of 100,000 rows reads each row's value once into a plain list and sorts row numbers by it: no tuple
per row (tuples are containers, and 100,000 new ones wake the garbage collector for full passes over the
table) and no Decimal arithmetic in the comparisons.
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
    """

    values: Callable[[list[Product]], list[Any]]
    groups: Callable[[list[Product]], list[str]] | None = None

    def key(self, product: Product) -> tuple[bool, Any]:
        """(no value, comparable value) for one row."""
        value = self.values([product])[0]
        if value is None:
            return (True, 0)
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


def sort_order(
    values: list[Any], groups: list[str] | None, id_of: Callable[[int], int], descending: bool
) -> list[int]:
    """The positions of ``values`` in sorted order: by value either way, positions with None last (in the
    order of ``id_of``, the product id); ``groups`` (if several) sort first. Ties keep their order in both
    directions (Python's sort is stable with ``reverse`` too)."""
    present = [i for i, v in enumerate(values) if v is not None]
    present.sort(key=values.__getitem__, reverse=descending)
    if groups is not None and len(set(groups)) > 1:  # a second stable pass: groups first, values within
        present.sort(key=groups.__getitem__, reverse=descending)
    if len(present) < len(values):
        missing = [i for i, v in enumerate(values) if v is None]
        missing.sort(key=id_of)
        present.extend(missing)
    return present


def sort_rows(rows: list[Any], column: SortColumn, descending: bool) -> list[int]:
    """Sort ``rows`` (objects with a ``product``) in place; returns the old position of each row in the new
    order."""
    products = [r.product for r in rows]
    groups = column.groups(products) if column.groups is not None else None
    order = sort_order(column.values(products), groups, lambda i: products[i].id or 0, descending)
    rows[:] = [rows[i] for i in order]
    return order


def in_place(rows: list[Any], row: int, column: SortColumn, descending: bool) -> bool:
    """Whether ``rows[row]`` is still in order with its neighbours (two key calls, not a sort)."""
    here = _rank(rows[row].product, column, descending)
    if row > 0 and not _rank(rows[row - 1].product, column, descending) <= here:
        return False
    return row + 1 >= len(rows) or here <= _rank(rows[row + 1].product, column, descending)
