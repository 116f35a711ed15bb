"""The parent side of the browser fetcher imports no Qt: only the helper and the window do."""

from __future__ import annotations

import subprocess
import sys

import pytest

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


@pytest.mark.parametrize(
    "module",
    ["pricewatch.scraping.browser", "pricewatch.scraping.browser.selector", "pricewatch.scraping.fetch_modes",
     "pricewatch.scraping.page_check", "pricewatch.storage.shop_modes", "pricewatch.cli.page_reader"],
)  # fmt: skip
def test_imports_without_qt(module: str) -> None:
    proc = subprocess.run([sys.executable, "-c", BLOCKER, module], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_the_window_needs_qt() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", BLOCKER, "pricewatch.scraping.browser.window"], capture_output=True, text=True
    )
    assert proc.returncode != 0 and "blocked" in proc.stderr
