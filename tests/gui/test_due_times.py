"""The products table's kept due times: the slot due first is the one a pass over every product finds,
through changes, additions and removals that cross the blocks of slots."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pricewatch.gui.products.due_times import DueTimes
from pricewatch.models import Product, utcnow

NOW = utcnow()
# minutes from now, None: never checked; paused or not
_dues = st.tuples(st.one_of(st.none(), st.integers(-5, 5)), st.booleans())


def _product(due: tuple[int | None, bool]) -> Product:
    minutes, paused = due
    when = None if minutes is None else NOW + timedelta(minutes=minutes)
    return Product(url="https://shop.example/", next_check_at=when, paused=paused)


def _first_due(products: list[Product]) -> int | None:
    """A pass over every product: the first unpaused never checked, else the first due soonest, else the
    first (paused) product."""
    if not products:
        return None
    unpaused = [slot for slot, p in enumerate(products) if not p.paused]
    never = [slot for slot in unpaused if products[slot].next_check_at is None]
    if never:
        return never[0]
    if not unpaused:
        return 0
    return min(unpaused, key=lambda slot: (products[slot].next_check_at, slot))


_steps = st.lists(
    st.one_of(
        st.tuples(st.just("set"), st.integers(0, 10**6), _dues),
        st.tuples(st.just("add"), st.just(0), _dues),
        st.tuples(st.just("remove"), st.integers(0, 10**6), _dues),
    ),
    max_size=40,
)


@settings(max_examples=150)
@given(st.lists(_dues, max_size=30), _steps)
def test_the_first_slot_due_is_the_one_a_pass_finds(
    start: list[tuple[int | None, bool]], steps: list[tuple[str, int, tuple[int | None, bool]]]
) -> None:
    products = [_product(due) for due in start]
    kept = DueTimes(products, block=4)  # several blocks from a few products
    assert kept.earliest() == _first_due(products)
    for action, at, due in steps:
        product = _product(due)
        if action == "add":
            kept.set(len(products), product)
            products.append(product)
        elif products and action == "set":
            kept.set(at % len(products), product)
            products[at % len(products)] = product
        elif products:
            kept.remove(at % len(products))
            del products[at % len(products)]
        assert len(kept) == len(products)
        assert kept.earliest() == _first_due(products)
