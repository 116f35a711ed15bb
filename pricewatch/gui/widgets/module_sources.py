"""The source text of imported modules, which PySide6 reads and Python's line cache then keeps.

PySide6 reads the whole source of every module imported after it, to see whether the module uses PySide's
``__feature__`` switches; :mod:`linecache` keeps each file's lines for good: 18 MB for the window's 550
modules, never used again (a traceback reads its few files anew).
"""

from __future__ import annotations

import linecache


def forget_module_sources() -> None:
    """Drop the cached lines (after a burst of imports: before a big allocation, the space is reused)."""
    linecache.clearcache()
