"""Fixtures for a real local HTTP server (loaded by ``pytest_plugins`` in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pageserver import PAGES_DIR, PageServer


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    """A started :class:`PageServer` on 127.0.0.1 (random port); always shut down after the test."""
    server = PageServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def page_servers() -> Iterator[PageServer]:
    """Like ``page_server`` but listening on 127.0.0.1 and 127.0.0.2 (two "hosts" for politeness tests)."""
    server = PageServer(("127.0.0.1", "127.0.0.2")).start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def pages_dir() -> Path:
    """tests/data/pages: small real shop pages (MIT, see LICENSE there)."""
    return PAGES_DIR


@pytest.fixture
def english_formatting() -> Iterator[None]:
    """Money, dates and relative times formatted as in US English, whatever the machine's locale is."""
    from pricewatch import formatting

    formatting.set_locale("en_US")
    try:
        yield
    finally:
        formatting.set_locale(None)
