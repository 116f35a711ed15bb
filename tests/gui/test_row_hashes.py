"""The products table as last read (ids with row hashes): lookups in any order of adding, replaced hashes,
absent ids, and the ids listed ascending."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pricewatch.gui.products.row_hashes import RowHashes


def test_ids_added_in_and_out_of_order_are_found() -> None:
    hashes = RowHashes()
    for product_id, row_hash in ((2, -5), (7, 2**62), (4, 11), (1, -(2**63))):
        hashes.add(product_id, row_hash)
    hashes.add(4, 12)  # read again, changed
    assert [hashes.get(i) for i in (1, 2, 3, 4, 7, 8)] == [-(2**63), -5, None, 12, 2**62, None]
    assert list(hashes) == [1, 2, 4, 7]
    assert len(hashes) == 4


@given(st.dictionaries(st.integers(1, 10**12), st.integers(-(2**63), 2**63 - 1)), st.randoms())
def test_it_answers_like_a_dict(table: dict[int, int], rng: object) -> None:
    items = list(table.items())
    rng.shuffle(items)  # type: ignore[attr-defined]
    hashes = RowHashes()
    for product_id, row_hash in items:
        hashes.add(product_id, row_hash)
    assert list(hashes) == sorted(table)
    assert all(hashes.get(product_id) == row_hash for product_id, row_hash in table.items())
    assert hashes.get(0) is None
