"""The PySide6 6.12 / CPython 3.11 work-around: many signal emits must not abort the interpreter."""

from __future__ import annotations

import subprocess
import sys

EMITS = """
import sys
import pricewatch.gui  # applies the work-around on import
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Source(QObject):
    changed = Signal(str, str)

app = QCoreApplication([])
source = Source()
received = []
source.changed.connect(lambda a, b: received.append(a))
for n in range(200_000):  # far more than True's natural reference count
    source.changed.emit("task", "SUCCESS")
assert len(received) == 200_000
print("ok", True, False, None)
"""


def test_two_hundred_thousand_emits_do_not_abort_the_interpreter() -> None:
    proc = subprocess.run([sys.executable, "-c", EMITS], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "ok True False None"
