"""Import a module in a fresh interpreter with PySide6 blocked, to prove which layers stay free of Qt."""

from __future__ import annotations

import subprocess
import sys

BLOCKER = """
import importlib, sys
allowed = set(sys.argv[2:])
def blocked(name):  # PySide6.support is the binding's own machinery, loaded with any Qt module
    qt = name == "PySide6" or name.startswith("PySide6.")
    return qt and name not in allowed and not name.startswith("PySide6.support")
class Block:
    def find_spec(self, name, path=None, target=None):
        if blocked(name):
            raise ImportError(f"{name} is blocked in this test")
sys.meta_path.insert(0, Block())
importlib.import_module(sys.argv[1])
loaded = {m for m in sys.modules if blocked(m)}
assert not loaded, f"imported {loaded}"
"""


def import_blocking_qt(module: str, *allowed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCKER, module, *allowed], capture_output=True, text=True, timeout=60
    )
