"""A newer PriceWatch's migration, as far as the running one can tell: the schema version moves on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# What a newer pricewatch's migration does to the file, from a process of its own.
BUMP = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(f'PRAGMA user_version = {sys.argv[2]}')"
)


def bump_schema(path: Path, version: int) -> None:
    subprocess.run([sys.executable, "-c", BUMP, str(path), str(version)], check=True, timeout=60)
