"""Guard against a PySide6 6.12 reference-count bug that crashes CPython 3.11.

Measured here (PySide6 6.12.0, CPython 3.11.7): every ``Signal.emit`` drops one reference to ``True`` (its
bool result is returned without a new reference), and every Python ``QRunnable.run`` or queued slot call drops
one to ``None``. CPython 3.12+ makes these singletons immortal, so nothing happens there; on 3.11 ``True``
starts with about 150 references, so the 150th emit aborts the process with "bool_dealloc".

The singletons are never freed anyway, so raising their counts far out of reach (2**40) makes the lost
references harmless. This runs once, at import of the task engine's Qt modules; it is a no-op on 3.12+.
"""

from __future__ import annotations

import ctypes
import sys
import threading

_MARGIN = 1 << 40
_done = False
_lock = threading.Lock()


def protect_singletons() -> bool:
    """Make None, True and False effectively immortal on CPython < 3.12; returns whether it changed them."""
    global _done
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    with _lock:
        if _done:
            return False
        for obj in (None, True, False):
            # ob_refcnt is the first field of every PyObject; id() is the object's address in CPython.
            refcnt = ctypes.c_ssize_t.from_address(id(obj))
            refcnt.value += _MARGIN
        _done = True
    return True
