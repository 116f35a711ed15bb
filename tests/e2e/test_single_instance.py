"""One window per data folder, with real processes: a second ``pricewatch`` raises the running window and a
second ``pricewatch add URL`` hands the URL to its add dialog; both end with 0 and open nothing of their own.
A window on another data folder (``PRICEWATCH_HOME``) is left alone."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from pricewatch.desktop.instance import send, server_name
from tests.support.pageserver import PageServer

pytestmark = pytest.mark.slow

PAGE = (
    '<!doctype html><html><head><title>{0}</title><script type="application/ld+json">{{"@type": "Product",'
    ' "name": "{0}", "offers": {{"@type": "Offer", "price": "{1}", "priceCurrency": "EUR"}}}}</script>'
    "</head><body><h1>{0}</h1></body></html>"
)
SETTINGS = """
[fetch]
per_host_delay = 0.0
thumbnails = false

[notify]
desktop = false
tray = false
"""


def env_for(home: Path) -> dict[str, str]:
    return dict(os.environ, PRICEWATCH_HOME=str(home), QT_QPA_PLATFORM="offscreen")


def pricewatch(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args],
        capture_output=True, text=True, timeout=60, env=env_for(home), stdin=subprocess.DEVNULL,
    )  # fmt: skip


def wait_until(condition: Callable[[], object], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


def log_of(home: Path) -> str:
    path = home / "logs" / "pricewatch.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture
def make_home(tmp_path: Path) -> Callable[[str], Path]:
    def make(name: str) -> Path:
        home = tmp_path / name
        home.mkdir()
        (home / "settings.toml").write_text(SETTINGS, encoding="utf-8")
        return home

    return make


@pytest.fixture
def window(tmp_path: Path) -> Iterator[Callable[[Path], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(home: Path) -> subprocess.Popen[bytes]:
        with open(tmp_path / f"window-{len(started)}.out", "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "pricewatch"],
                stdout=out, stderr=subprocess.STDOUT, env=env_for(home), stdin=subprocess.DEVNULL,
            )  # fmt: skip
        started.append(proc)
        name = server_name(home)  # the same environment: XDG_RUNTIME_DIR comes from the test's fixture
        wait_until(lambda: proc.poll() is not None or send(name, {"command": "ping"}), "the window's socket")
        assert proc.poll() is None, (tmp_path / f"window-{len(started) - 1}.out").read_text()
        return proc

    yield start
    for proc in started:
        children = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.wait(timeout=15)


def test_a_second_start_raises_the_running_window_and_ends(
    make_home: Callable[[str], Path], window: Callable[[Path], subprocess.Popen[bytes]]
) -> None:
    home = make_home("one")
    first = window(home)
    started = time.monotonic()
    second = pricewatch(home)
    assert second.returncode == 0, second.stderr
    assert time.monotonic() - started < 30  # it handed over; it did not run a window of its own
    wait_until(lambda: "another start of PriceWatch asked for this window" in log_of(home), "the raise")
    assert first.poll() is None
    first.terminate()  # the first still quits cleanly (SIGTERM is Quit), and frees the name
    assert first.wait(timeout=30) == 0
    assert not Path(server_name(home)).exists()


def test_add_hands_the_url_to_the_windows_add_dialog(
    make_home: Callable[[str], Path],
    window: Callable[[Path], subprocess.Popen[bytes]],
    page_server: PageServer,
) -> None:
    home = make_home("one")
    window(home)
    url = page_server.add("/kettle", PAGE.format("Kettle", "19.99"))
    proc = pricewatch(home, "add", url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"opened the add dialog of the running PriceWatch window for {url}\n"
    wait_until(lambda: "handed over a URL to add" in log_of(home), "the hand-over")
    wait_until(lambda: page_server.hits("/kettle") >= 1, "the add dialog's look-up of the page")
    listed = pricewatch(home, "list", "--json")
    assert json.loads(listed.stdout) == []  # nothing stored: the user confirms in the dialog

    # With an option (a script's form) or --no-window it is stored from the command line, as before.
    stored = pricewatch(home, "add", url, "--no-window")
    assert stored.returncode == 0 and stored.stdout.startswith("added product 1: ")
    bad = pricewatch(home, "add", "ftp://shop.example/x")
    assert bad.returncode == 2 and "pricewatch: error:" in bad.stderr


def test_windows_of_other_data_folders_are_left_alone(
    make_home: Callable[[str], Path],
    window: Callable[[Path], subprocess.Popen[bytes]],
    page_server: PageServer,
) -> None:
    one, two = make_home("one"), make_home("two")
    window(one)
    assert server_name(one) != server_name(two)
    url = page_server.add("/lamp", PAGE.format("Lamp", "5.00"))
    proc = pricewatch(two, "add", url)
    assert proc.returncode == 0 and proc.stdout.startswith("added product 1: ")
    window(two)  # its own window starts and listens beside the first
    assert "another start" not in log_of(one)


def test_a_socket_left_by_a_killed_window_is_taken_over(
    make_home: Callable[[str], Path], window: Callable[[Path], subprocess.Popen[bytes]]
) -> None:
    home = make_home("one")
    first = window(home)
    first.kill()
    first.wait(timeout=15)
    assert Path(server_name(home)).exists()  # nobody removed it
    second = window(home)
    assert second.poll() is None and send(server_name(home), {"command": "ping"})
