"""Notification channels behind one small interface: the Qt tray (a callable the GUI sets) and Apprise URLs.

The desktop channel lives in :mod:`pricewatch.notify.desktop`. A channel's ``send`` returns a short
description of what it did, or raises :class:`ChannelError` (worth retrying) or :class:`ChannelUnavailable`
(retrying cannot help: no tray icon, no backend). Texts reach channels already sanitised
(:mod:`pricewatch.notify.sanitize`).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Protocol
from urllib.parse import urlsplit

from pricewatch.text import clean_text

TrayNotifier = Callable[[str, str], None]  # (title, message); called on worker threads


class ChannelError(Exception):
    """A channel failed to deliver; a later try may work."""


class ChannelUnavailable(ChannelError):
    """A channel cannot work here at all (retrying is pointless)."""


class Channel(Protocol):
    name: str

    def send(self, title: str, message: str) -> str:
        """Deliver a notification; returns what was done, raises ChannelError."""
        ...


class ProductChannel(Channel, Protocol):
    """A channel that ties a notification to its product (the desktop: one bubble per product, actions)."""

    def send_about(self, title: str, message: str, product_id: int | None) -> str: ...


class TrayChannel:
    """The tray balloon of the running window; the GUI installs the callable (``app.set_tray_notifier``).

    The callable runs on whichever thread sends (a task worker): the GUI's callable must hand over to the GUI
    thread itself (emit a signal), never touch widgets directly.
    """

    name = "tray"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._notifier: TrayNotifier | None = None

    def set_notifier(self, notifier: TrayNotifier | None) -> None:
        with self._lock:
            self._notifier = notifier

    @property
    def available(self) -> bool:
        with self._lock:
            return self._notifier is not None

    def send(self, title: str, message: str) -> str:
        with self._lock:
            notifier = self._notifier
        if notifier is None:
            raise ChannelUnavailable("no tray icon (the PriceWatch window is not running)")
        try:
            notifier(title, message)
        except Exception as exc:  # the GUI's callable failing must not break the other channels
            raise ChannelError(f"tray message failed: {type(exc).__name__}: {clean_text(exc, 200)}") from exc
        return "shown as a tray message"


def describe_url(url: str) -> str:
    """``scheme://host[:port]`` of an Apprise URL: enough to recognise it, without tokens or passwords."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "invalid URL"
    scheme = parts.scheme or "?"
    return clean_text(f"{scheme}://{host}{port}", 80)


class AppriseChannel:
    """One Apprise URL (ntfy, Telegram, e-mail, JSON webhook, ...); each URL is its own channel."""

    def __init__(self, url: str, *, timeout: float = 15.0) -> None:
        self.url = url
        self.timeout = timeout
        self.name = f"apprise:{describe_url(url)}"

    def send(self, title: str, message: str) -> str:
        import apprise  # lazy: Apprise loads dozens of plugins

        client = apprise.Apprise()
        with warnings.catch_warnings():
            # Apprise loads its plugins on first use; one imports the stdlib's deprecated imghdr.
            warnings.filterwarnings("ignore", message="'imghdr' is deprecated", category=DeprecationWarning)
            added = client.add(self.url)
        if not added:
            raise ChannelUnavailable(f"{self.name}: Apprise does not understand this URL")
        logs: list[str] = []

        def keep(entry: apprise.NotifyLogEntry, _plugin: object = None) -> None:
            if entry.level in ("WARNING", "ERROR", "CRITICAL"):
                logs.append(entry.message)

        result = client.notify(
            body=message,
            title=title,
            body_format=apprise.NotifyFormat.TEXT,
            timeout=self.timeout,
            log_callback=keep,
        )
        try:
            ok = bool(result)
        finally:
            result.close()
        if not ok:
            reason = clean_text(logs[-1], 300) if logs else "delivery failed"
            raise ChannelError(f"{self.name}: {reason}")
        return f"sent to {self.name}"


def apprise_channels(urls: Sequence[str]) -> list[AppriseChannel]:
    channels: list[AppriseChannel] = []
    seen: dict[str, int] = {}
    for url in urls:
        if not url.strip():
            continue
        channel = AppriseChannel(url)
        count = seen.get(channel.name, 0)
        seen[channel.name] = count + 1
        if count:  # two URLs on one host: keep the names (and so the retry bookkeeping) apart
            channel.name = f"{channel.name}#{count + 1}"
        channels.append(channel)
    return channels
