"""A work-around for PySide6 6.12 on CPython 3.11: every ``Signal.emit()`` from Python drops one reference to
``True`` that it never took.

After a few thousand emits (task events, dataChanged) ``True``'s reference count reaches zero and the process
aborts with "bool_dealloc: deallocating True or False". CPython 3.12+ makes True, False and None immortal, so
the stray decref is harmless there; on older interpreters we do what 3.12 does: give these singletons a
reference count so large that no number of stray decrefs can bring it to zero. They are never freed anyway, so
nothing leaks. Reproduce with ``tests/test_gui_pyside_fix.py``.
"""

from __future__ import annotations

import ctypes
import sys

_IMMORTAL = 1 << 40  # decades of emits at any plausible rate


def immortalize_singletons() -> bool:
    """Raise the reference counts of True, False and None on CPython < 3.12; returns whether it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for obj in (True, False, None):
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field of every object
        if refcount.value < _IMMORTAL:
            refcount.value += _IMMORTAL
    return True
