"""Reading every locale's currency symbols leaves Babel's locale cache as it was: money still formats."""

from __future__ import annotations

import subprocess
import sys

# A fresh process: the cache is process-wide, and another test may already have loaded en_US merged.
SCRIPT = """
from decimal import Decimal
from pricewatch import formatting
from pricewatch.scraping.currencies import symbol_table
formatting.set_locale("en_US")
assert "$" in symbol_table()
print(formatting.money(Decimal("1299.5"), "EUR"))
"""


def test_money_formats_after_the_symbol_table_was_read() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "€1,299.50"
