"""Several processes starting at once on a fresh data folder: each migrates or waits, none fails."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from pricewatch.storage.db import Database
from pricewatch.storage.migrations import LATEST_VERSION, schema_version

# Every child opens the database at the same wall-clock moment, so their migrations overlap.
CHILD = """
import sys, time
import pytest

from pricewatch.storage.db import Database
start = float(sys.argv[2])
while time.time() < start:
    pass
Database(sys.argv[1]).close()
print("ok")
"""
PROCESSES = 6
ROUNDS = 6


@pytest.mark.slow
def test_processes_opening_a_fresh_database_at_once_all_succeed(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        path = tmp_path / f"round{round_}" / "pricewatch.sqlite3"
        path.parent.mkdir()
        start = time.time() + 1.5  # after every child has imported PriceWatch
        children = [
            subprocess.Popen(
                [sys.executable, "-c", CHILD, str(path), str(start)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(PROCESSES)
        ]
        for child in children:
            out, err = child.communicate(timeout=60)
            assert child.returncode == 0 and out.strip() == "ok", err[-2000:]
        db = Database(path)
        try:
            assert schema_version(db.conn()) == LATEST_VERSION
        finally:
            db.close()
