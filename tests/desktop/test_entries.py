"""The applications menu entry, its icon and the autostart entry: written where freedesktop.org desktops look,
and their Exec line really starts this installation."""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pricewatch import __version__, resources
from pricewatch.desktop import entries


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def pricewatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args], capture_output=True, text=True, timeout=60
    )


def test_install_desktop_writes_the_menu_entry_icons_and_autostart(xdg: dict[str, str]) -> None:
    proc = pricewatch("install-desktop", "--autostart")
    assert proc.returncode == 0, proc.stderr
    data, config = Path(xdg["XDG_DATA_HOME"]), Path(xdg["XDG_CONFIG_HOME"])
    menu = data / "applications" / "pricewatch.desktop"
    svg = data / "icons" / "hicolor" / "scalable" / "apps" / "pricewatch.svg"
    png = data / "icons" / "hicolor" / "256x256" / "apps" / "pricewatch.png"
    autostart = config / "autostart" / "pricewatch.desktop"
    assert proc.stdout.splitlines() == [
        f"wrote {svg}", f"wrote {png}", f"wrote {menu}",
        f"wrote {autostart} (PriceWatch starts in the tray at login)",
    ]  # fmt: skip
    assert svg.read_bytes() == resources.read_bytes(resources.ICON_SVG)
    assert png.read_bytes() == resources.read_bytes(resources.ICON_PNG)
    entry, start = read_entry(menu), read_entry(autostart)
    assert (entry["Type"], entry["Name"], entry["Icon"], entry["Terminal"]) == (
        "Application", "PriceWatch", "pricewatch", "false",
    )  # fmt: skip
    assert start["Exec"] == entry["Exec"] + " --minimized"
    assert start["X-GNOME-Autostart-enabled"] == "true"

    proc = pricewatch("install-desktop", "--remove")
    assert proc.returncode == 0 and not menu.exists() and not svg.exists() and not autostart.exists()


def test_the_exec_line_starts_this_installation_with_its_data_folder(
    xdg: dict[str, str], pricewatch_home: Path
) -> None:
    entries.install_menu_entry()
    command = read_entry(entries.menu_entry_path())["Exec"]
    args = shlex.split(command)  # the entry's quoting is the shell's for these characters
    assert args[:2] == ["env", f"PRICEWATCH_HOME={pricewatch_home}"]
    env = {k: v for k, v in os.environ.items() if k != "PRICEWATCH_HOME"}
    proc = subprocess.run([*args, "--version"], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0 and proc.stdout.strip() == f"PriceWatch {__version__}"


@pytest.mark.parametrize(
    ("argument", "written"),
    [
        ("/usr/bin/pricewatch", "/usr/bin/pricewatch"),
        ("/home/a b/pricewatch", '"/home/a b/pricewatch"'),
        ('/x/"q"$`\\', '"/x/\\\\"q\\\\"\\\\$\\\\`\\\\\\\\"'),
        ("100%", "100%%"),
    ],
)
def test_exec_arguments_are_quoted_as_the_specification_asks(argument: str, written: str) -> None:
    assert entries.quote(argument) == written


def test_the_settings_switches_write_and_remove_the_entries(xdg: dict[str, str], qtbot: Any) -> None:
    from pricewatch.app import PriceWatch
    from pricewatch.gui.settings.dialog import SettingsDialog

    with PriceWatch() as app:
        dialog = SettingsDialog(app)
        qtbot.addWidget(dialog)
        assert not dialog.desktop.menu.isChecked() and not dialog.desktop.autostart.isChecked()
        dialog.desktop.menu.setChecked(True)
        dialog.desktop.autostart.setChecked(True)
        assert dialog.save()
        assert entries.menu_entry_installed() and entries.autostart_enabled()
        assert read_entry(entries.autostart_path())["Exec"].endswith(" --minimized")

        again = SettingsDialog(app)
        qtbot.addWidget(again)
        assert again.desktop.menu.isChecked() and again.desktop.autostart.isChecked()
        again.desktop.autostart.setChecked(False)
        assert again.save()
        assert entries.menu_entry_installed() and not entries.autostart_enabled()
