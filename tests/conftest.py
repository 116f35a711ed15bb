"""Every test runs against its own PRICEWATCH_HOME, so nothing touches the user's real data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.config import Paths

pytest_plugins = ["tests.support.fixtures", "tests.support.desktop"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def pricewatch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "pricewatch-home"
    monkeypatch.setenv("PRICEWATCH_HOME", str(home))
    yield home


@pytest.fixture
def paths(pricewatch_home: Path) -> Paths:
    paths = Paths.default()
    paths.ensure()
    return paths
