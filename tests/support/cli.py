"""The ``pricewatch`` command as a real process, with settings that keep its checks fast.

The ``home`` fixture (a PRICEWATCH_HOME holding those settings) is a plugin in tests/conftest.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FAST = """
[fetch]
per_host_delay = 0.0
per_host_concurrency = 8

[tasks]
retry_base_delay = 0.01
retry_max_delay = 0.05
max_retries = 1
"""


@pytest.fixture
def home(pricewatch_home: Path) -> Path:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text(FAST, encoding="utf-8")
    return pricewatch_home


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args],
        capture_output=True, text=True, timeout=90, env=os.environ.copy(), stdin=subprocess.DEVNULL,
    )  # fmt: skip
