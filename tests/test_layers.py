"""The Qt-free layers stay Qt-free: importing them with PySide6 blocked must work."""

from __future__ import annotations

import subprocess
import sys

import pytest

QT_FREE = ["pricewatch.models", "pricewatch.config", "pricewatch.storage", "pricewatch.scraping",
           "pricewatch.transfer", "pricewatch.alerts", "pricewatch.alerting", "pricewatch.text",
           "pricewatch.notify", "pricewatch.app"]  # fmt: skip

BLOCKER = """
import importlib, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("PySide6 is blocked in this test")
sys.meta_path.insert(0, Block())
importlib.import_module(sys.argv[1])
assert not any(m.startswith("PySide6") for m in sys.modules), "PySide6 was imported"
"""


@pytest.mark.parametrize("module", QT_FREE)
def test_imports_without_qt(module: str) -> None:
    proc = subprocess.run([sys.executable, "-c", BLOCKER, module], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_the_blocker_really_blocks() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", BLOCKER, "pricewatch.gui.main_window"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0 and "blocked" in proc.stderr
