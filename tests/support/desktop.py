"""A real desktop session for notification tests: Xvfb, a private D-Bus session bus and the dunst daemon.

dunst runs a recorder script for every notification it receives; the script appends one JSON line (app name,
summary, body, icon) to a file, so a test sees exactly what reached the daemon. ``dunstctl count`` asks the
daemon itself how many notifications it holds; a Notify call is queued before the daemon answers it, so that
count is exact as soon as the sender returns (no waiting needed to prove that nothing arrived).

The bus uses its own configuration without service directories, so nothing can be D-Bus-activated behind the
test's back (a system dunst or another daemon); a bus without a daemon is a real "no notification server".

Missing binaries fail the test with the Debian package to install (``make test`` installs them as root); the
tests are never skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.poll import until

REQUIRED = {
    "Xvfb": "xvfb",
    "dbus-daemon": "dbus",
    "dbus-send": "dbus-bin",
    "dunst": "dunst",
    "dunstctl": "dunst",
    "notify-send": "libnotify-bin",
}
START_TIMEOUT = 20.0
NOTIFICATIONS = "org.freedesktop.Notifications"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

DUNSTRC = """[global]
    dmenu = {chooser}
    monitor = 0
    follow = none
    notification_limit = 0
    idle_threshold = 0
    history_length = 1000
    sticky_history = yes
    show_indicators = no
    always_run_script = true

[record_everything]
    summary = "*"
    script = {script}
"""

RECORDER = """#!{python}
import json, os, sys
entry = {{
    "appname": os.environ.get("DUNST_APP_NAME", sys.argv[1] if len(sys.argv) > 1 else ""),
    "summary": os.environ.get("DUNST_SUMMARY", sys.argv[2] if len(sys.argv) > 2 else ""),
    "body": os.environ.get("DUNST_BODY", sys.argv[3] if len(sys.argv) > 3 else ""),
    "icon": os.environ.get("DUNST_ICON_PATH", sys.argv[4] if len(sys.argv) > 4 else ""),
    "urgency": os.environ.get("DUNST_URGENCY", sys.argv[5] if len(sys.argv) > 5 else ""),
    "id": os.environ.get("DUNST_ID", ""),
}}
line = (json.dumps(entry) + "\\n").encode("utf-8")
fd = os.open({log!r}, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
try:
    os.write(fd, line)
finally:
    os.close(fd)
"""


# dunst's context menu (`dunstctl context`) hands its entries to a dmenu-like program and performs the one it
# prints: this one records the entries and picks the first that contains the label in choice.txt.
CHOOSER = """#!{python}
import os, sys
entries = sys.stdin.read().splitlines()
with open({menu!r} + ".tmp", "w", encoding="utf-8") as log:
    log.write("\\n".join(entries) + "\\n")
os.replace({menu!r} + ".tmp", {menu!r})
with open({choice!r}, encoding="utf-8") as wanted:
    label = wanted.read().strip()
print(next((e for e in entries if label and label in e), ""))
"""


def require_binaries() -> None:
    missing = [
        f"{name} (Debian package {pkg})" for name, pkg in REQUIRED.items() if shutil.which(name) is None
    ]
    if missing:
        pytest.fail(
            "the desktop-notification tests need "
            + ", ".join(missing)
            + "; install them (make test does, as root)",
            pytrace=False,
        )


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@dataclass
class DesktopSession:
    """Xvfb + private session bus (+ dunst unless stopped); ``env`` is what a client needs to reach them."""

    root: Path
    display: str = ""
    bus_address: str = ""
    xvfb: subprocess.Popen[bytes] | None = None
    bus: subprocess.Popen[bytes] | None = None
    dunst: subprocess.Popen[bytes] | None = None
    _logs: list[Any] = field(default_factory=list)

    @property
    def log_file(self) -> Path:
        return self.root / "received.jsonl"

    @property
    def menu_file(self) -> Path:
        return self.root / "menu.txt"

    @property
    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.display, "DBUS_SESSION_BUS_ADDRESS": self.bus_address}

    def _child_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "WAYLAND_"))}
        env.update(self.env)
        env["HOME"] = str(self.root)
        env["XDG_CONFIG_HOME"] = str(self.root / "config")
        env["XDG_RUNTIME_DIR"] = str(self.root)
        return env

    def _log(self, name: str) -> Any:
        handle = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 - closed in close()
        self._logs.append(handle)
        return handle

    # -- start and stop ----------------------------------------------------------------------------------
    def start(self) -> DesktopSession:
        require_binaries()
        self.root.mkdir(parents=True, exist_ok=True)
        self._start_xvfb()
        self._start_bus()
        self.start_daemon()
        return self

    def _start_xvfb(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            # -displayfd: Xvfb picks a free display itself and writes its number when it is ready for clients.
            self.xvfb = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", "800x600x24"],
                pass_fds=(write_fd,),
                stdout=subprocess.DEVNULL,
                stderr=self._log("xvfb"),
            )
            os.close(write_fd)
            write_fd = -1
            with os.fdopen(read_fd, "rb") as reader:
                read_fd = -1
                number = reader.readline().decode().strip()
        finally:
            for fd in (read_fd, write_fd):
                if fd >= 0:
                    os.close(fd)
        if not number.isdigit():
            raise RuntimeError(f"Xvfb did not start: {self._read_log('xvfb')}")
        self.display = f":{number}"

    def _start_bus(self) -> None:
        config = self.root / "bus.conf"
        config.write_text(BUS_CONFIG.format(socket=self.root / "bus"), encoding="utf-8")
        self.bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=self._log("dbus"),
            env=self._child_env(),
        )
        assert self.bus.stdout is not None
        address = self.bus.stdout.readline().decode().strip()
        if not address:
            raise RuntimeError(f"dbus-daemon did not start: {self._read_log('dbus')}")
        self.bus_address = address

    def start_daemon(self) -> None:
        """Start dunst with the recorder and wait until it owns the notification service name."""
        recorder = self.root / "record.py"
        recorder.write_text(RECORDER.format(python=sys.executable, log=str(self.log_file)), encoding="utf-8")
        recorder.chmod(0o700)
        chooser = self.root / "choose.py"
        choice = str(self.root / "choice.txt")
        chooser.write_text(
            CHOOSER.format(python=sys.executable, menu=str(self.menu_file), choice=choice), encoding="utf-8"
        )
        chooser.chmod(0o700)
        rc = self.root / "dunstrc"
        rc.write_text(DUNSTRC.format(script=recorder, chooser=chooser), encoding="utf-8")
        self.dunst = subprocess.Popen(
            ["dunst", "-config", str(rc)],
            stdout=self._log("dunst-out"),
            stderr=self._log("dunst"),
            env=self._child_env(),
        )

        def ready() -> bool:
            if self.dunst is not None and self.dunst.poll() is not None:
                raise RuntimeError(f"dunst exited with {self.dunst.returncode}: {self._read_log('dunst')}")
            return self.daemon_running()

        until(
            ready, timeout=START_TIMEOUT, interval=0.05, message="dunst to own org.freedesktop.Notifications"
        )

    def stop_daemon(self) -> None:
        """Stop dunst: the bus stays, with nobody serving notifications (a real delivery failure)."""
        _stop(self.dunst)
        self.dunst = None
        until(
            lambda: not self.daemon_running(),
            timeout=START_TIMEOUT,
            interval=0.05,
            message="dunst to leave the bus",
        )

    def close(self) -> None:
        for proc in (self.dunst, self.bus, self.xvfb):
            with contextlib.suppress(Exception):
                _stop(proc)
            if proc is not None and proc.stdout is not None:
                proc.stdout.close()
        for handle in self._logs:
            handle.close()
        self._logs.clear()

    # -- what the daemon saw -----------------------------------------------------------------------------
    def _read_log(self, name: str) -> str:
        for handle in self._logs:
            handle.flush()
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), capture_output=True, text=True, env=self._child_env(), timeout=10)

    def daemon_running(self) -> bool:
        proc = self._run(
            "dbus-send", "--session", "--print-reply=literal", "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{NOTIFICATIONS}",
        )  # fmt: skip
        return proc.returncode == 0 and "true" in proc.stdout

    def daemon_count(self) -> int:
        """Notifications the daemon holds (waiting + shown + history): everything it has received."""
        total = 0
        for what in ("waiting", "displayed", "history"):
            proc = self._run("dunstctl", "count", what)
            if proc.returncode != 0:
                raise RuntimeError(f"dunstctl count {what} failed: {proc.stderr}")
            total += int(proc.stdout.strip())
        return total

    def choose_action(self, label: str) -> list[str]:
        """Open dunst's context menu and pick the entry with ``label`` (dunst then invokes that action).

        Returns the entries the menu offered: ``#Label (summary) [id,action-key]`` per action.
        """
        (self.root / "choice.txt").write_text(label, encoding="utf-8")
        self.menu_file.unlink(missing_ok=True)
        proc = self._run("dunstctl", "context")
        if proc.returncode != 0:
            raise RuntimeError(f"dunstctl context failed: {proc.stderr}")
        until(self.menu_file.exists, timeout=START_TIMEOUT, interval=0.05, message="dunst's context menu")
        return self.menu_file.read_text(encoding="utf-8").splitlines()

    def received(self) -> list[dict[str, str]]:
        if not self.log_file.exists():
            return []
        lines = self.log_file.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def wait_for(self, count: int, timeout: float = START_TIMEOUT) -> list[dict[str, str]]:
        """The recorded notifications once at least ``count`` have arrived."""
        if count < 1:
            raise ValueError("wait for at least one notification (use daemon_count() to prove none came)")

        def enough() -> list[dict[str, str]] | None:
            got = self.received()
            return got if len(got) >= count else None

        return list(
            until(enough, timeout=timeout, interval=0.05, message=f"{count} notification(s) at the recorder")
        )


@contextlib.contextmanager
def desktop_stack() -> Iterator[DesktopSession]:
    # A short folder in /tmp: the bus socket path must stay under the 108-byte limit of unix sockets.
    root = Path(tempfile.mkdtemp(prefix="pw-desktop-"))
    session = DesktopSession(root)
    try:
        session.start()
        yield session
    finally:
        session.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def no_real_desktop(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without the developer's desktop session.

    Tests that notify (a check below target) would otherwise pop up real notifications on the desktop running
    the tests, or make dbus autolaunch a bus for $DISPLAY that outlives the test. ``desktop_session`` sets up
    its own.
    """
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    runtime = tmp_path_factory.mktemp("xdg-runtime")
    runtime.chmod(0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))


@pytest.fixture
def desktop_session(no_real_desktop: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[DesktopSession]:
    """A running Xvfb + session bus + dunst; the test's environment points at them."""
    with desktop_stack() as session:
        for name, value in session.env.items():
            monkeypatch.setenv(name, value)
        yield session
