"""Before Qt loads a platform plugin: is there a display, and are the system libraries the plugin needs here?

Qt aborts the process (a core dump) when its xcb plugin cannot load ("xcb-cursor0 or libxcb-cursor0 is
needed"); this check runs first, without importing Qt, and says instead which Debian packages to install and
how. Libraries are looked up the way the dynamic loader finds them: the ``ldconfig -p`` cache of the
machine's architecture, plus ``$LD_LIBRARY_PATH``. Where ``ldconfig`` is missing (not a glibc system) the
check cannot know and lets Qt try.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

EXIT_UNAVAILABLE = 69  # sysexits.h EX_UNAVAILABLE: something this program needs is not there


@dataclass(frozen=True, slots=True)
class Library:
    soname: str
    package: str  # the Debian package that ships it


def _libs(*pairs: str) -> tuple[Library, ...]:
    return tuple(Library(*pair.split(" ")) for pair in pairs)


# What QtGui itself links to, whatever the platform plugin.
GUI = _libs(
    "libEGL.so.1 libegl1", "libGL.so.1 libgl1", "libfontconfig.so.1 libfontconfig1",
    "libfreetype.so.6 libfreetype6", "libxkbcommon.so.0 libxkbcommon0", "libdbus-1.so.3 libdbus-1-3",
    "libglib-2.0.so.0 libglib2.0-0", "libX11.so.6 libx11-6", "libxcb.so.1 libxcb1",
)  # fmt: skip
# The xcb platform plugin (X11, and XWayland).
XCB = _libs(
    "libxcb-cursor.so.0 libxcb-cursor0", "libxkbcommon-x11.so.0 libxkbcommon-x11-0",
    "libxcb-icccm.so.4 libxcb-icccm4", "libxcb-util.so.1 libxcb-util1", "libxcb-image.so.0 libxcb-image0",
    "libxcb-keysyms.so.1 libxcb-keysyms1", "libxcb-randr.so.0 libxcb-randr0",
    "libxcb-render-util.so.0 libxcb-render-util0", "libxcb-render.so.0 libxcb-render0",
    "libxcb-shm.so.0 libxcb-shm0", "libxcb-sync.so.1 libxcb-sync1", "libxcb-xfixes.so.0 libxcb-xfixes0",
    "libxcb-shape.so.0 libxcb-shape0", "libxcb-xkb.so.1 libxcb-xkb1", "libX11-xcb.so.1 libx11-xcb1",
)  # fmt: skip
WAYLAND = _libs("libwayland-client.so.0 libwayland-client0", "libwayland-cursor.so.0 libwayland-cursor0")
# Qt WebEngine (the browser fetcher's helper process checks these before it starts Chromium).
WEBENGINE = _libs(
    "libnss3.so libnss3", "libnssutil3.so libnss3", "libsmime3.so libnss3", "libnspr4.so libnspr4",
    "libXcomposite.so.1 libxcomposite1", "libXdamage.so.1 libxdamage1", "libXrandr.so.2 libxrandr2",
    "libXtst.so.6 libxtst6", "libxkbfile.so.1 libxkbfile1", "libasound.so.2 libasound2",
    "libgbm.so.1 libgbm1", "libxcb-dri3.so.0 libxcb-dri3-0", "libudev.so.1 libudev1",
)  # fmt: skip
# Platforms that draw nowhere a user looks, or on a framebuffer: no display server needed.
HEADLESS_PLATFORMS = {"offscreen", "minimal", "minimalegl", "vnc", "eglfs", "linuxfb", "vkkhrdisplay"}
_ARCH_TAGS = {"x86_64": "x86-64", "aarch64": "AArch64", "riscv64": "riscv64", "ppc64le": "64bit"}

Lookup = Callable[[str], bool]  # is a library with this soname loadable?


class Problem(Exception):
    """The window cannot start here; the message says why and what to do."""


def ldconfig_sonames(environ: Mapping[str, str] = os.environ) -> set[str] | None:
    """The sonames the dynamic loader finds for this machine's architecture; None when it cannot be told."""
    search = os.pathsep.join([environ.get("PATH", ""), "/sbin", "/usr/sbin"])
    exe = shutil.which("ldconfig", path=search)
    if exe is None:
        return None
    try:
        listing = subprocess.run(
            [exe, "-p"], capture_output=True, text=True, timeout=10, check=True, env=dict(environ)
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    tag = _ARCH_TAGS.get(platform.machine())
    found: set[str] = set()
    for line in listing.splitlines()[1:]:
        name, _, rest = line.strip().partition(" (")
        flags = rest.partition(")")[0]
        if name and (tag is None or tag in flags):
            found.add(name)
    for folder in environ.get("LD_LIBRARY_PATH", "").split(os.pathsep):
        if folder and os.path.isdir(folder):
            found.update(os.listdir(folder))
    return found


def system_lookup(environ: Mapping[str, str] = os.environ) -> Lookup:
    known = ldconfig_sonames(environ)
    if known is None:
        return lambda _soname: True
    return known.__contains__


def platform_plugin(environ: Mapping[str, str]) -> str:
    """The plugin Qt tries first: ``QT_QPA_PLATFORM`` ("xcb:option", "wayland;xcb"), else by the session."""
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip().lower()
    if chosen:
        return chosen
    if environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY"):
        return "wayland"
    return "xcb"


def needed_libraries(environ: Mapping[str, str]) -> tuple[Library, ...]:
    plugin = platform_plugin(environ)
    if plugin in HEADLESS_PLATFORMS:
        return GUI
    if plugin.startswith("wayland"):
        # Qt falls back to xcb when the Wayland plugin fails and XWayland is there.
        return GUI + WAYLAND + (XCB if environ.get("DISPLAY") else ())
    return GUI + XCB


def missing(libraries: Iterable[Library], lookup: Lookup) -> list[Library]:
    return [library for library in libraries if not lookup(library.soname)]


def install_command(libraries: Sequence[Library], *, root: bool) -> str:
    packages = " ".join(dict.fromkeys(library.package for library in libraries))
    return f"{'' if root else 'sudo '}apt-get install {packages}"


def check_window(environ: Mapping[str, str] = os.environ, lookup: Lookup | None = None) -> None:
    """Raise :class:`Problem` when the window cannot open here (no display, a missing system library)."""
    if not sys.platform.startswith("linux"):
        return
    plugin = platform_plugin(environ)
    no_display = not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY")
    if no_display and plugin not in HEADLESS_PLATFORMS:
        raise Problem(
            "there is no display to open the window on ($DISPLAY and $WAYLAND_DISPLAY are not set).\n"
            "On a server or over SSH, `pricewatch serve` runs the checks, notifications and (with --api) the "
            "local HTTP API without a window; the other commands (pricewatch --help) work anywhere."
        )
    absent = missing(needed_libraries(environ), lookup or system_lookup(environ))
    if absent:
        names = ", ".join(library.soname for library in absent)
        root = hasattr(os, "geteuid") and os.geteuid() == 0
        raise Problem(
            f"the window needs system libraries that are not installed: {names}.\n"
            f"On Debian or Ubuntu install them with:\n    {install_command(absent, root=root)}\n"
            "(`make run` does this by itself when run as root.) "
            "`pricewatch serve` runs without a window and needs none of them."
        )


def ensure_window_can_start(environ: Mapping[str, str] = os.environ, lookup: Lookup | None = None) -> int:
    """0 when the window may open; otherwise the message on stderr and :data:`EXIT_UNAVAILABLE`."""
    try:
        check_window(environ, lookup)
    except Problem as problem:
        print(f"pricewatch: {problem}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    return 0


def webengine_missing(lookup: Lookup | None = None) -> list[Library]:
    """What Qt WebEngine lacks here (for the browser fetcher, before it starts its helper process)."""
    return missing(WEBENGINE, lookup or system_lookup()) if sys.platform.startswith("linux") else []
