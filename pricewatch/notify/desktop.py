"""Desktop notifications: the freedesktop notification server on Linux, plyer on Windows and macOS.

On Linux the channel speaks D-Bus itself (:mod:`pricewatch.notify.freedesktop`): no ``notify-send``, no
dbus-python. A product's alerts update one bubble, and while the window runs the bubble offers "Open",
"Open shop page" and "Snooze 1 day". No session bus (a server, cron without a session) is
:class:`ChannelUnavailable`; a bus without a notification server is a :class:`ChannelError`, so the tray
fallback and the retry queue act on it.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

from pricewatch import resources
from pricewatch.notify.channels import ChannelError, ChannelUnavailable
from pricewatch.notify.dbus_wire import DBusError, NoBus
from pricewatch.notify.freedesktop import ActionHandler, Notifications
from pricewatch.notify.sanitize import escape_markup
from pricewatch.text import clean_text

APP_NAME = "PriceWatch"
ICON = resources.path(resources.ICON_PNG)
EXPIRE_MS = 10_000
BACKENDS = ("dbus", "plyer")
NO_SESSION = "no desktop session (no D-Bus session bus) to show notifications on"
NO_SERVER_ERRORS = ("org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner")


def default_backend() -> str:
    """``dbus`` on Linux (and the BSDs), ``plyer`` on Windows and macOS."""
    return "plyer" if sys.platform in ("win32", "darwin") else "dbus"


class DesktopChannel:
    """The desktop's notification server."""

    name = "desktop"

    def __init__(self, backend: str | None = None, icon: Path | None = ICON) -> None:
        if backend not in (None, *BACKENDS):
            raise ValueError(f"unknown desktop notification backend {backend!r}")
        self._backend = backend
        self.icon = icon if icon is not None and icon.exists() else None
        self.server = Notifications(APP_NAME, str(self.icon) if self.icon else "")

    @property
    def backend(self) -> str:
        return self._backend or default_backend()

    def set_action_handler(self, handler: ActionHandler | None) -> None:
        """While set, bubbles carry actions; ``handler(action, product_id)`` runs on a bus thread."""
        self.server.set_action_handler(handler)

    def send(self, title: str, message: str) -> str:
        return self.send_about(title, message, None)

    def send_about(self, title: str, message: str, product_id: int | None) -> str:
        if self.backend == "plyer":
            return self._plyer(title, message)
        try:
            # The body may carry markup per the notification spec, so escape it; the summary is plain text.
            self.server.notify(title, escape_markup(message), product_id=product_id, timeout_ms=EXPIRE_MS)
        except NoBus as exc:  # headless: retrying cannot help
            raise ChannelUnavailable(NO_SESSION) from exc
        except DBusError as exc:
            reason = clean_text(str(exc), 300)
            if exc.name in NO_SERVER_ERRORS:
                raise ChannelError(f"no notification server on the session bus: {reason}") from exc
            raise ChannelError(f"desktop notification failed: {reason}") from exc
        return "sent to the desktop (D-Bus)"

    def close(self) -> None:
        self.server.close()

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
