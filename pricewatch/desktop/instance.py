"""One window per data folder: a second ``pricewatch`` hands its request to the running window and ends.

The window listens on a local socket (QLocalServer) whose name comes from its data folder, so instances with
their own ``PRICEWATCH_HOME`` stay apart. A request is one JSON line (``{"command": "raise"}`` or
``{"command": "add", "url": ...}``) answered by ``ok``. Only QtCore and QtNetwork are used: no widgets, no
platform plugin, so a second start hands over even where the window could not open.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

CONNECT_MS = 1000
REPLY_MS = 5000
MAX_REQUEST = 16_384  # bytes: a URL and a command, never more


def server_name(data_dir: Path) -> str:
    """The socket's name: per user and per data folder; a full path on Unix (Qt then uses it as is)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    if sys.platform == "win32":
        return f"pricewatch-{os.environ.get('USERNAME', 'user')}-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(runtime) if runtime and os.path.isdir(runtime) else Path(tempfile.gettempdir())
    return str(folder / f"pricewatch-{os.getuid()}-{digest}.sock")


def send(name: str, request: dict[str, Any]) -> bool:
    """Hand ``request`` to the window listening on ``name``; False when none answers (none runs)."""
    if sys.platform != "win32" and not os.path.exists(name):
        return False  # the usual case: no window, and no need to wait for a connection attempt
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    try:
        socket.write(json.dumps(request).encode() + b"\n")
        if not socket.waitForBytesWritten(REPLY_MS):
            return False
        while not socket.canReadLine():
            if not socket.waitForReadyRead(REPLY_MS):
                return False
        return bytes(socket.readLine().data()).strip() == b"ok"
    finally:
        socket.disconnectFromServer()


class InstanceServer(QObject):
    """The running window's end of the socket.

    Signals:
        raise_requested(): a second ``pricewatch`` started: show the window.
        add_requested(str): ``pricewatch add URL`` while the window runs: open the add dialog with the URL.
    """

    raise_requested = Signal()
    add_requested = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        """Take the name; False when another window holds it (then hand over to that one instead).

        A socket left by a window that crashed answers nobody: it is removed and taken over.
        """
        if self.server.listen(self.name):
            return True
        if send(self.name, {"command": "ping"}):
            return False
        QLocalServer.removeServer(self.name)
        if not self.server.listen(self.name):
            log.warning("single instance: cannot listen on %s: %s", self.name, self.server.errorString())
        return True  # without the socket this window still works; only hand-over from a second start is lost

    def close(self) -> None:
        self.server.close()

    @Slot()
    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_REQUEST:
                socket.abort()
            return
        try:
            request = json.loads(bytes(socket.readLine().data()))
            command = request.get("command") if isinstance(request, dict) else None
        except ValueError:
            command = None
        if command == "raise":
            log.info("another start of PriceWatch asked for this window")
            self.raise_requested.emit()
        elif command == "add" and isinstance(request.get("url"), str):
            log.info("another start of PriceWatch handed over a URL to add")
            self.add_requested.emit(request["url"])
        elif command != "ping":
            socket.write(b"unknown request\n")
            socket.disconnectFromServer()
            return
        socket.write(b"ok\n")
        socket.flush()
