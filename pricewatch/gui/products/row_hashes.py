"""The products table as last read, in 16 bytes a product: each id with a hash of its raw row, so that a
change made by another process is found by reading the table again and comparing (see
sync.ProductSync.sync_outside).

A dict of 100,000 ids to hashes took 8.6 MB (an int object per hash and a dict entry per id); two arrays in id
order take 1.6 MB, and a lookup is a binary search (on a pool thread, once per row read).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator


class RowHashes:
    """Product id -> hash of its raw row; ids added in ascending order are appended, others inserted."""

    __slots__ = ("_hashes", "_ids")

    def __init__(self) -> None:
        self._ids = array("q")
        self._hashes = array("q")

    def add(self, product_id: int, row_hash: int) -> None:
        ids = self._ids
        if not ids or product_id > ids[-1]:  # the products are read by id: the usual case
            ids.append(product_id)
            self._hashes.append(row_hash)
            return
        at = bisect_left(ids, product_id)
        if at < len(ids) and ids[at] == product_id:
            self._hashes[at] = row_hash
        else:
            ids.insert(at, product_id)
            self._hashes.insert(at, row_hash)

    def get(self, product_id: int) -> int | None:
        ids = self._ids
        at = bisect_left(ids, product_id)
        return self._hashes[at] if at < len(ids) and ids[at] == product_id else None

    def __iter__(self) -> Iterator[int]:
        """The ids, ascending."""
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)
