"""SIGINT (Ctrl+C) and SIGTERM (logout, ``kill``) end the window cleanly instead of killing it.

Python runs its signal handlers only between bytecodes, and the Qt event loop is C++: ``signal.set_wakeup_fd``
writes a byte to a socket on each signal and a QSocketNotifier on that socket wakes the loop, so the handler
runs at once and asks the window to quit (the caller then closes the facade: engine stopped, running tasks
back to PENDING).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Slot

log = logging.getLogger(__name__)
QUIT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class QuitOnSignals(QObject):
    """Calls ``on_signal(signum)`` on the GUI thread on SIGINT or SIGTERM; :meth:`uninstall` undoes it."""

    def __init__(self, on_signal: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on_signal = on_signal
        self.received: int | None = None
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        self._previous: dict[int, Any] = {sig: signal.signal(sig, self._handle) for sig in QUIT_SIGNALS}
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        first = self.received is None
        self.received = signum
        log.info("stopping (%s)", signal.Signals(signum).name)
        if first:
            self.on_signal(signum)

    @Slot()
    def _drain(self) -> None:
        # The Python handler has run by the time this slot's code does; only empty the socket.
        with contextlib.suppress(OSError):
            while self._reader.recv(64):
                pass

    def uninstall(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        self._previous = {}
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()
