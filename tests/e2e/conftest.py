"""The end-to-end tests' PRICEWATCH_HOME (quiet, fast settings) and a running ``pricewatch serve --api``.

A module with settings of its own overrides ``home``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.e2e import FAST
from tests.support.serve import Serve


@pytest.fixture
def home(pricewatch_home: Path) -> Path:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text(FAST, encoding="utf-8")
    return pricewatch_home


@pytest.fixture
def serve(home: Path) -> Iterator[Serve]:
    server = Serve(home)
    try:
        yield server
    finally:
        server.kill()
