"""The applications menu entry and the login autostart entry (freedesktop.org desktop entries).

``pricewatch install-desktop`` and the settings' "Desktop" switches write them into the user's folders:
``$XDG_DATA_HOME/applications/pricewatch.desktop`` with the icon under ``$XDG_DATA_HOME/icons/hicolor``, and
``$XDG_CONFIG_HOME/autostart/pricewatch.desktop``, which starts PriceWatch in the tray. The entry comes from
the package's ``pricewatch.desktop`` with ``Exec`` pointing at this installation (a venv's or pipx's
``pricewatch`` is not on the menu's PATH), and ``PRICEWATCH_HOME`` kept when it is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from pricewatch import resources
from pricewatch.config import HOME_ENV

ENTRY_NAME = "pricewatch.desktop"
ICON_NAME = "pricewatch"
MINIMIZED = "--minimized"
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def data_home(environ: Mapping[str, str] = os.environ) -> Path:
    return Path(environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def config_home(environ: Mapping[str, str] = os.environ) -> Path:
    return Path(environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def menu_entry_path(environ: Mapping[str, str] = os.environ) -> Path:
    return data_home(environ) / "applications" / ENTRY_NAME


def autostart_path(environ: Mapping[str, str] = os.environ) -> Path:
    return config_home(environ) / "autostart" / ENTRY_NAME


def icon_paths(environ: Mapping[str, str] = os.environ) -> dict[str, Path]:
    icons = data_home(environ) / "icons" / "hicolor"
    return {
        resources.ICON_SVG: icons / "scalable" / "apps" / f"{ICON_NAME}.svg",
        resources.ICON_PNG: icons / "256x256" / "apps" / f"{ICON_NAME}.png",
    }


def program() -> list[str]:
    """How to start this installation: its ``pricewatch`` script, else ``python -m pricewatch``."""
    beside = Path(sys.executable).with_name("pricewatch")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    return [sys.executable, "-m", "pricewatch"]


def quote(argument: str) -> str:
    """One ``Exec`` argument, quoted as the desktop entry specification asks."""
    escaped = argument.replace("%", "%%")
    if not _RESERVED.intersection(escaped):
        return escaped
    inner = "".join("\\" + c if c in '"`$\\' else c for c in escaped)
    return '"' + inner.replace("\\", "\\\\") + '"'


def exec_line(*extra: str, environ: Mapping[str, str] = os.environ) -> str:
    args = program() + list(extra)
    home = environ.get(HOME_ENV)
    if home:  # an isolated instance keeps its own data folder when started from the menu
        args = ["env", f"{HOME_ENV}={home}", *args]
    return " ".join(quote(a) for a in args)


def entry_text(*extra: str, environ: Mapping[str, str] = os.environ, autostart: bool = False) -> str:
    lines = []
    for line in resources.read_bytes(resources.DESKTOP_ENTRY).decode("utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + exec_line(*extra, environ=environ)
        lines.append(line)
    if autostart:
        lines += ["X-GNOME-Autostart-enabled=true", "X-KDE-autostart-after=panel"]
    return "\n".join(lines) + "\n"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def install_menu_entry(environ: Mapping[str, str] = os.environ) -> list[Path]:
    """Write the menu entry and the icons; returns what was written."""
    written = []
    for name, target in icon_paths(environ).items():
        _write(target, resources.read_bytes(name))
        written.append(target)
    entry = menu_entry_path(environ)
    _write(entry, entry_text(environ=environ).encode("utf-8"))
    written.append(entry)
    refresh_menu(environ)
    return written


def remove_menu_entry(environ: Mapping[str, str] = os.environ) -> list[Path]:
    removed = []
    for path in (menu_entry_path(environ), *icon_paths(environ).values()):
        if path.exists():
            path.unlink()
            removed.append(path)
    refresh_menu(environ)
    return removed


def menu_entry_installed(environ: Mapping[str, str] = os.environ) -> bool:
    return menu_entry_path(environ).is_file()


def set_autostart(enabled: bool, environ: Mapping[str, str] = os.environ) -> Path:
    """Write (or remove) the autostart entry, which opens PriceWatch in the tray at login."""
    path = autostart_path(environ)
    if enabled:
        _write(path, entry_text(MINIMIZED, environ=environ, autostart=True).encode("utf-8"))
    elif path.exists():
        path.unlink()
    return path


def autostart_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    return autostart_path(environ).is_file()


def refresh_menu(environ: Mapping[str, str] = os.environ) -> None:
    """Tell the desktop about the change where its tool is installed; menus also notice by themselves."""
    tool = shutil.which("update-desktop-database", path=environ.get("PATH"))
    if tool is not None:
        subprocess.run([tool, "-q", str(menu_entry_path(environ).parent)], check=False, timeout=30)
