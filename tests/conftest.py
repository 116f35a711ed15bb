"""Every test runs against its own PRICEWATCH_HOME, so nothing touches the user's real data."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.config import Paths

# The helpers assert too: their failures get the same detail as a test's own asserts.
pytest.register_assert_rewrite("tests.support")

# Fixtures shared across folders: page servers, the desktop session, the GUI's app and make_window, the task
# engine's lab and engine, and the command line's home. A folder's conftest.py or a module may override them.
pytest_plugins = [
    "tests.support.fixtures",
    "tests.support.desktop",
    "tests.support.gui",
    "tests.support.window",
    "tests.support.tasks",
    "tests.support.cli",
]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The tests read English money and dates; a German or Turkish machine must not change what they expect. A
# test of another language sets its own locale for the process it starts.
os.environ["LC_ALL"] = "C.UTF-8"
os.environ.pop("LANGUAGE", None)  # Qt takes the window's language from it even under LC_ALL=C
# The default exchange-rate source is the European Central Bank: a test that starts the scheduler with a price
# in another currency would fetch from it. Here it is a closed port on this machine (a test that wants rates
# serves a file and sets [currency] rates_url).
os.environ["PRICEWATCH_RATES_URL"] = "http://127.0.0.1:9/eurofxref-daily.xml"

# A shell without job control starts background commands with SIGINT ignored, and an ignored signal is
# inherited across exec: the `pricewatch check` processes the Ctrl+C tests start would then ignore it. A
# Python handler here is not inherited, so those children start with the default and turn it into
# KeyboardInterrupt, as in a terminal.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def pricewatch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "pricewatch-home"
    monkeypatch.setenv("PRICEWATCH_HOME", str(home))
    yield home


@pytest.fixture
def paths(pricewatch_home: Path) -> Paths:
    paths = Paths.default()
    paths.ensure()
    return paths
