"""Fewer C heaps for the window's process (glibc's malloc arenas), set once at its start.

glibc gives threads that allocate at the same moment heaps of their own, up to eight per core, and each keeps
the memory its thread freed for that thread's next use. The window's threads (Qt's, SQLite running outside
the interpreter lock, the checks' workers) made 16 of them during a check of 1,000 products: 14 MB more at
the peak than with two (of 100,000 products and 10M observations: peak 303 -> 289 MB, the check no slower).
"""

from __future__ import annotations

import ctypes
import sys

M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """At most ``arenas`` heaps from now on (call before other threads start); False where the C library is
    not glibc (macOS, Windows, musl), which is left as it is."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_ARENA_MAX, arenas))
