"""The window's process keeps at most two C heaps however many threads allocate at once (glibc only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Six threads allocate inside SQLite at the same time (outside the interpreter lock); malloc_stats() prints
# one "Arena N:" block per heap to stderr.
THREADS_ALLOCATING = """
import ctypes, sqlite3, sys, threading
from pricewatch.gui.malloc_arenas import limit_malloc_arenas

if sys.argv[1] == "limited":
    assert limit_malloc_arenas()

def work():
    sqlite3.connect(":memory:").execute(
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)"
        " SELECT count(DISTINCT printf('%08d-%s', x, hex(randomblob(8)))) FROM c"
    ).fetchone()

threads = [threading.Thread(target=work) for _ in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL(None).malloc_stats()
"""


def _heaps(mode: str) -> int:
    proc = subprocess.run([sys.executable, "-c", THREADS_ALLOCATING, mode], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": ""})  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return sum(line.startswith("Arena ") for line in proc.stderr.splitlines())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_threads_allocating_at_once_share_two_heaps() -> None:
    assert _heaps("limited") <= 2
    assert _heaps("as is") > 2  # the test makes the contention that adds heaps
