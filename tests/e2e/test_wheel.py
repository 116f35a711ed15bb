"""The wheel built from the repository, installed (not editable) in a fresh venv without the system's
packages, carries the icon, the desktop entry and the Turkish and German translations, and opens the window
offscreen (in Turkish too)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

CHECK = """
import sys
from pathlib import Path
import pricewatch
from pricewatch import resources
from pricewatch.notify.desktop import ICON
package = Path(pricewatch.__file__).resolve().parent
assert package.is_relative_to(Path(sys.prefix).resolve()), package  # the installed copy, not the repository
for name in resources.SHIPPED:
    assert resources.path(name).is_file() and resources.path(name).is_relative_to(package), name
assert ICON == resources.path(resources.ICON_PNG)
assert set(resources.TRANSLATED) == {"de", "tr"}
assert resources.path(resources.translation("en")).is_file()  # English plural forms
from PySide6.QtCore import QCoreApplication, QTimer, QTranslator
from PySide6.QtWidgets import QApplication
from pricewatch.app import PriceWatch
from pricewatch.gui.application import configure_application
from pricewatch.gui.main_window import MainWindow
from pricewatch.scheduling import Scheduler
qt = QApplication([])
configure_application(qt)
assert not qt.windowIcon().isNull()
for code, price_drop in (("de", "Preis gesunken"), ("tr", "Fiyat d\u00fc\u015ft\u00fc")):
    qm = resources.path(resources.translation(code))
    assert qm.is_file() and qm.is_relative_to(package), qm
    translator = QTranslator()
    assert translator.load(str(qm)), qm
    assert translator.translate("Alerts", "Price drop") == price_drop
from pricewatch.gui.language import WindowLanguage
language = WindowLanguage(qt)
assert language.use("tr")
with PriceWatch(scheduler=Scheduler) as app:
    window = MainWindow(app)
    window.show()
    seen = []
    QTimer.singleShot(200, lambda: (seen.append(window.isVisible()), qt.quit()))
    qt.exec()
    assert seen == [True] and not window.windowIcon().isNull()
    assert window.task_dock.windowTitle() == "G\u00f6revler"  # the window speaks Turkish
    window.shutdown()
print("window opened from", package)
"""


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=1500, cwd=cwd, env=env
    )
    assert proc.returncode == 0, f"{args}: {proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_the_installed_wheel_has_its_resources_and_opens_the_window(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, ROOT, cwd=tmp_path)
    (wheel,) = wheels.glob("pricewatch-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)  # no --system-site-packages: only what it installs
    python = venv / "bin" / "python"
    # Without PYTHONPATH: a checkout on it (with the egg-info the wheel build leaves there) would pass for an
    # installed pricewatch, and pip would then skip the wheel.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path, env=env)
    env.update(QT_QPA_PLATFORM="offscreen", PRICEWATCH_HOME=str(tmp_path / "home"))
    out = run(python, "-c", CHECK, cwd=tmp_path, env=env)
    assert out.startswith("window opened from ") and str(venv) in out
    assert run(venv / "bin" / "pricewatch", "--version", cwd=tmp_path, env=env).startswith("PriceWatch ")
