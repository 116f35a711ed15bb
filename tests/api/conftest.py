"""Fixtures shared by the API tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pricewatch.app import PriceWatch
from tests.support.checks import fast_app
from tests.support.tasks import Lab


@pytest.fixture
def facade(lab: Lab) -> Iterator[PriceWatch]:
    """A started facade on the threads executor (no scheduler); the lab's gate opens before it closes."""
    app = fast_app("threads")
    app.start(scheduler=False)
    try:
        yield app
    finally:
        lab.gate.set()
        app.close()
