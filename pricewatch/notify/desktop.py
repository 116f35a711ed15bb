"""Desktop notifications: plyer, with its Linux notify-send path made honest.

plyer covers Windows, macOS and Linux with dbus-python. On Linux without dbus-python (the usual venv), plyer
falls back to running ``notify-send`` but throws its exit status away, passes the icon under a key it never
reads, and puts the texts where a leading ``-`` is parsed as an option. In that one case we run notify-send
ourselves: arguments as a list (never a shell), ``--`` before the texts, the icon, a timeout, and a non-zero
exit (no notification server, no session bus) raised as a :class:`ChannelError`, so the tray fallback and
the retry queue can act on it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

from pricewatch import resources
from pricewatch.notify.channels import ChannelError, ChannelUnavailable
from pricewatch.notify.sanitize import clean_text, escape_markup

APP_NAME = "PriceWatch"
ICON = resources.path(resources.ICON_PNG)
EXPIRE_MS = 10_000
SEND_TIMEOUT = 15.0


def default_backend() -> str:
    """``notify-send`` on Linux without dbus-python when the binary exists, otherwise ``plyer``."""
    if sys.platform.startswith("linux") and importlib.util.find_spec("dbus") is None:
        if shutil.which("notify-send"):
            return "notify-send"
    return "plyer"


def session_bus_reachable() -> bool:
    """Whether a D-Bus session bus can be found the way libnotify looks (address, runtime socket, X11)."""
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return True
    return bool(os.environ.get("DISPLAY"))  # dbus can autolaunch a bus for an X11 session


class DesktopChannel:
    """The desktop's notification server (on Linux: org.freedesktop.Notifications on the session bus)."""

    name = "desktop"

    def __init__(self, backend: str | None = None, icon: Path | None = ICON) -> None:
        if backend not in (None, "plyer", "notify-send"):
            raise ValueError(f"unknown desktop notification backend {backend!r}")
        self._backend = backend
        self.icon = icon if icon is not None and icon.exists() else None

    @property
    def backend(self) -> str:
        return self._backend or default_backend()

    def send(self, title: str, message: str) -> str:
        if self.backend == "notify-send":
            return self._notify_send(title, message)
        return self._plyer(title, message)

    def _notify_send(self, title: str, message: str) -> str:
        exe = shutil.which("notify-send")
        if exe is None:
            raise ChannelUnavailable("notify-send is not installed (Debian package libnotify-bin)")
        if not session_bus_reachable():  # headless (a server, cron without a session): retrying cannot help
            raise ChannelUnavailable("no desktop session (no D-Bus session bus) to show notifications on")
        args = [exe, f"--app-name={APP_NAME}", f"--expire-time={EXPIRE_MS}"]
        if self.icon is not None:
            args.append(f"--icon={self.icon}")
        # The body may carry markup per the notification spec, so escape it; the summary is plain text.
        args += ["--", title, escape_markup(message)]
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=SEND_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ChannelError(f"notify-send did not finish in {SEND_TIMEOUT:.0f} s") from exc
        except OSError as exc:
            raise ChannelError(f"cannot run notify-send: {exc.strerror}") from exc
        if proc.returncode != 0:
            reason = clean_text(proc.stderr or proc.stdout, 300) or f"exit status {proc.returncode}"
            raise ChannelError(f"notify-send failed: {reason}")
        return "sent to the desktop (notify-send)"

    def _plyer(self, title: str, message: str) -> str:
        try:
            from plyer import notification  # type: ignore[import-untyped]

            with warnings.catch_warnings():
                # plyer warns (rather than fails) while it looks for a backend; its choice is reported below.
                warnings.simplefilter("ignore")
                notification.notify(
                    title=title,
                    message=message,
                    app_name=APP_NAME,
                    app_icon=str(self.icon) if self.icon else "",
                    timeout=EXPIRE_MS // 1000,
                )
        except NotImplementedError as exc:
            raise ChannelUnavailable("plyer has no desktop notification backend on this system") from exc
        except Exception as exc:  # plyer backends raise whatever their platform API raises
            reason = f"{type(exc).__name__}: {clean_text(exc, 300)}"
            raise ChannelError(f"desktop notification failed: {reason}") from exc
        return "sent to the desktop (plyer)"
