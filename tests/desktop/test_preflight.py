"""The start-up check: before Qt loads a platform plugin, a missing library or display is a message, not a
core dump. The subprocess tests run the real ``pricewatch`` entry point with the library lookup made to miss
one library (a ``ldconfig`` on PATH that leaves it out of the cache listing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pricewatch.desktop import preflight

ENTRY = [sys.executable, "-m", "pricewatch"]
MISSING = "libxcb-cursor.so.0"


def without(*sonames: str) -> preflight.Lookup:
    return lambda soname: soname not in sonames


def test_a_missing_xcb_library_names_the_debian_package_and_the_install_line() -> None:
    env = {"DISPLAY": ":0"}
    with pytest.raises(preflight.Problem) as caught:
        preflight.check_window(env, without(MISSING, "libxkbcommon-x11.so.0"))
    text = str(caught.value)
    assert "libxcb-cursor.so.0, libxkbcommon-x11.so.0" in text
    assert "apt-get install libxcb-cursor0 libxkbcommon-x11-0\n" in text
    assert "`pricewatch serve`" in text


def test_the_install_line_uses_sudo_for_a_normal_user_only() -> None:
    libs = [preflight.Library("libnss3.so", "libnss3"), preflight.Library("libnssutil3.so", "libnss3")]
    assert preflight.install_command(libs, root=False) == "sudo apt-get install libnss3"
    assert preflight.install_command(libs, root=True) == "apt-get install libnss3"


@pytest.mark.parametrize(
    ("env", "needs_xcb", "needs_wayland"),
    [
        ({"DISPLAY": ":0"}, True, False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, False, True),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, True, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, False, False),
        ({"QT_QPA_PLATFORM": "xcb:nograb", "DISPLAY": ":0"}, True, False),
    ],
)
def test_the_libraries_follow_the_platform_plugin_qt_will_load(
    env: dict[str, str], needs_xcb: bool, needs_wayland: bool
) -> None:
    needed = set(preflight.needed_libraries(env))
    assert set(preflight.GUI) <= needed
    assert (set(preflight.XCB) <= needed) is needs_xcb
    assert (set(preflight.WAYLAND) <= needed) is needs_wayland


def test_offscreen_needs_no_display_and_this_machine_has_every_library() -> None:
    # make test installs the window's libraries (DEB_TEST_PACKAGES): the real lookup finds them all.
    preflight.check_window({"QT_QPA_PLATFORM": "offscreen"})
    found = preflight.ldconfig_sonames()
    assert found is not None, "ldconfig -p should list the loader's cache here"
    assert preflight.missing(preflight.GUI + preflight.XCB, found.__contains__) == []


def test_the_lookup_reads_ld_library_path_too(tmp_path: Path) -> None:
    (tmp_path / "libonlyhere.so.7").write_bytes(b"")
    found = preflight.ldconfig_sonames({**os.environ, "LD_LIBRARY_PATH": str(tmp_path)})
    assert found is not None and "libonlyhere.so.7" in found and MISSING in found


def hiding_ldconfig(tmp_path: Path, soname: str) -> Path:
    """A folder with an ``ldconfig`` whose cache listing lacks ``soname``: for the loader it is not there."""
    real = shutil.which("ldconfig", path=os.pathsep.join([os.environ.get("PATH", ""), "/sbin", "/usr/sbin"]))
    assert real is not None
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "ldconfig"
    fake.write_text(f"#!/bin/sh\n{real} -p | grep -v -F '{soname}'\n", encoding="utf-8")
    fake.chmod(0o755)
    return folder


def run_entry(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ENTRY, *args], capture_output=True, text=True, timeout=60, env=env)


def test_pricewatch_with_a_library_missing_exits_with_the_message_before_qt_loads(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["DISPLAY"] = ":99"  # never contacted: the check ends the program before Qt looks for it
    env["PATH"] = f"{hiding_ldconfig(tmp_path, MISSING)}{os.pathsep}{env.get('PATH', '')}"
    proc = run_entry(env)
    assert proc.returncode == preflight.EXIT_UNAVAILABLE, proc.stderr  # not -6 (SIGABRT) or a core dump
    assert proc.stderr.startswith(
        "pricewatch: the window needs system libraries that are not installed: libxcb-cursor.so.0.\n"
    )
    assert "apt-get install libxcb-cursor0\n" in proc.stderr
    assert "could not load the Qt platform plugin" not in proc.stderr and proc.stdout == ""


def test_pricewatch_gui_without_a_display_names_serve(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "DISPLAY")}
    proc = run_entry(env, "gui")
    assert proc.returncode == preflight.EXIT_UNAVAILABLE
    assert "no display to open the window on" in proc.stderr
    assert "`pricewatch serve`" in proc.stderr


def test_the_check_loads_no_qt() -> None:
    code = (
        "import sys\nfrom pricewatch.desktop import preflight\n"
        "status = preflight.ensure_window_can_start({'DISPLAY': ':0'}, lambda s: s != 'libGL.so.1')\n"
        "assert not [m for m in sys.modules if m.startswith('PySide6')]\n"
        "sys.exit(status)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == preflight.EXIT_UNAVAILABLE, proc.stderr
    assert "libGL.so.1" in proc.stderr and "install libgl1" in proc.stderr
