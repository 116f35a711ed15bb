"""Qt WebEngine is not part of the window's start: the PriceWatch browser loads it when first opened.

Each case runs in a fresh interpreter: this test process has imported WebEngine already (other GUI test
modules load it before their QApplication exists).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

START_WITHOUT_WEB_ENGINE = """
import sys
import pricewatch.gui.application, pricewatch.gui.main_window
loaded = sorted(m for m in sys.modules if "WebEngine" in m or m == "pricewatch.scraping.browser.window")
assert not loaded, loaded
"""

OPENED_LATER = """
import sys, tempfile
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pricewatch.gui.application import allow_web_engine_later
from tests.support.pageserver import PageServer

allow_web_engine_later()
qt_app = QApplication([])
from pricewatch.scraping.browser.window import BrowserWindow

with PageServer() as server, tempfile.TemporaryDirectory() as folder:
    url = server.add("/item", "<html><head><title>Kettle</title></head><body><h1>Kettle</h1></body></html>")
    window = BrowserWindow(url, Path(folder) / "browser")
    seen = {}
    window.page.loadFinished.connect(lambda ok: (seen.setdefault("ok", ok), qt_app.quit()))
    window.show()
    QTimer.singleShot(30000, qt_app.quit)
    qt_app.exec()
    print("loaded", seen.get("ok"), window.page.title())
    window.close()
"""


def _run(script: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_window_starts_without_web_engine() -> None:
    proc = _run(START_WITHOUT_WEB_ENGINE)
    assert proc.returncode == 0, proc.stderr


def test_the_browser_window_loads_a_page_when_opened_after_the_application_started() -> None:
    proc = _run(OPENED_LATER)
    assert proc.returncode == 0, proc.stderr
    assert "loaded True Kettle" in proc.stdout, proc.stdout + proc.stderr
