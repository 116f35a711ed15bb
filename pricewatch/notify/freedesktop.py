"""Desktop notifications on Linux: ``org.freedesktop.Notifications`` on the session bus.

One bubble per product: a product's next alert replaces its earlier bubble (``replaces_id``). While a
handler is set (the window runs), bubbles carry actions; the server's ``ActionInvoked`` signal calls the
handler with the action and the product, on the connection's reader thread, so a GUI handler must hand over
to its own thread. Signals are believed only from the server that showed the bubble.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping

from pricewatch.notify.dbus_wire import (
    BUS,
    Connection,
    DBusError,
    Message,
    NoBus,
    Variant,
    session_bus_addresses,
)
from pricewatch.translation import QT_TRANSLATE_NOOP, translate

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
DESKTOP_ENTRY = "pricewatch"  # the .desktop file's name: servers take the app's icon and settings from it

OPEN, OPEN_SHOP, SNOOZE = "open", "open-shop", "snooze"
# Key and label pairs; "default" is what clicking the bubble does (most servers show no button for it). The
# labels are translated when a bubble is sent (pricewatch.translation).
PRODUCT_ACTIONS = [
    ("default", QT_TRANSLATE_NOOP("Notifications", "Open")),
    (OPEN, QT_TRANSLATE_NOOP("Notifications", "Open")),
    (OPEN_SHOP, QT_TRANSLATE_NOOP("Notifications", "Open shop page")),
    (SNOOZE, QT_TRANSLATE_NOOP("Notifications", "Snooze 1 day")),
]
PLAIN_ACTIONS = [("default", QT_TRANSLATE_NOOP("Notifications", "Open"))]


def action_list(pairs: list[tuple[str, str]]) -> list[str]:
    """The Notify call's flat list of keys and labels, the labels in the window's language."""
    return [part for key, label in pairs for part in (key, translate("Notifications", label))]


LOW, NORMAL, CRITICAL = 0, 1, 2
REMEMBERED = 500  # bubbles whose product is remembered for their actions

ActionHandler = Callable[[str, "int | None"], None]  # (OPEN | OPEN_SHOP | SNOOZE, product id or None)


class Notifications:
    """The notification server's client; thread-safe."""

    def __init__(self, app_name: str, icon: str = "", environ: Mapping[str, str] = os.environ) -> None:
        self.app_name = app_name
        self.icon = icon
        self._environ = environ
        self._lock = threading.Lock()  # the state below; never held while waiting on the bus
        self._connect_lock = threading.Lock()
        self._connection: Connection | None = None
        self._handler: ActionHandler | None = None
        self._bubbles: dict[int, int] = {}  # product id -> the server's id of its bubble
        self._products: OrderedDict[int, int | None] = OrderedDict()  # bubble id -> product id
        self._server = ""  # the unique bus name of the server that showed our bubbles

    def set_action_handler(self, handler: ActionHandler | None) -> None:
        with self._lock:
            self._handler = handler

    def notify(
        self, summary: str, body: str, *, product_id: int | None = None, urgency: int = NORMAL,
        timeout_ms: int = -1,
    ) -> int:  # fmt: skip
        """Show (or update) a bubble; returns the server's id. Raises :class:`DBusError` (:class:`NoBus`)."""
        with self._lock:
            replaces = self._bubbles.get(product_id, 0) if product_id is not None else 0
            pairs = PRODUCT_ACTIONS if product_id is not None else PLAIN_ACTIONS
            actions = action_list(pairs) if self._handler else []
        hints = {"urgency": Variant("y", urgency), "desktop-entry": Variant("s", DESKTOP_ENTRY)}
        args = [self.app_name, replaces, self.icon, summary, body, actions, hints, timeout_ms]
        reply = self._call("Notify", "susssasa{sv}i", args)
        bubble = int(reply.body[0])
        with self._lock:
            self._server = str(reply.fields.get("sender", ""))
            if product_id is not None:
                self._bubbles[product_id] = bubble
            self._products[bubble] = product_id
            self._products.move_to_end(bubble)
            while len(self._products) > REMEMBERED:
                self._products.popitem(last=False)
        return bubble

    def capabilities(self) -> list[str]:
        return [str(c) for c in self._call("GetCapabilities", "", []).body[0]]

    def close(self) -> None:
        with self._connect_lock, self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    # -- internals --------------------------------------------------------------------------------------
    def _call(self, member: str, signature: str, args: list[object]) -> Message:
        connection = self._connect()
        try:
            return connection.call_message(SERVICE, PATH, SERVICE, member, signature, args)
        except DBusError:
            if connection.closed:  # the bus went away: the next call connects afresh
                with self._lock:
                    if self._connection is connection:
                        self._connection = None
            raise

    def _connect(self) -> Connection:
        with self._connect_lock:
            current = self._connection
            if current is not None and not current.closed:
                return current
            addresses = session_bus_addresses(self._environ)
            if not addresses:
                raise NoBus("org.freedesktop.DBus.Error.NoServer", "no session bus address")
            error: DBusError | None = None
            for address in addresses:
                try:
                    connection = Connection(address, self._on_signal)
                    break
                except DBusError as exc:
                    error = exc
            else:
                assert error is not None
                raise error
            for member in ("ActionInvoked", "NotificationClosed"):
                rule = f"type='signal',interface='{SERVICE}',path='{PATH}',member='{member}'"
                connection.call(BUS, "/org/freedesktop/DBus", BUS, "AddMatch", "s", [rule])
            with self._lock:
                self._connection = connection
            return connection

    def _on_signal(self, message: Message) -> None:
        member = message.fields.get("member")
        with self._lock:
            trusted = bool(self._server) and message.fields.get("sender") == self._server
            handler = self._handler
            if not trusted or not message.body or message.body[0] not in self._products:
                return
            product_id = self._products[message.body[0]]
            if member == "NotificationClosed" and product_id is not None:
                if self._bubbles.get(product_id) == message.body[0]:
                    del self._bubbles[product_id]  # gone: the next alert shows a new bubble
                return
        if member == "ActionInvoked" and handler is not None and len(message.body) > 1:
            key = str(message.body[1])
            action = OPEN if key == "default" else key
            if action in (OPEN, OPEN_SHOP, SNOOZE):
                log.info("notification action %s for product %s", action, product_id)
                handler(action, product_id)
