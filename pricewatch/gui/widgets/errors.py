"""Uncaught exceptions in the window's slots: logged to the log file and shown in the status bar.

PySide6 hands an exception raised in a slot to ``sys.excepthook`` and carries on; the default hook prints it
to a terminal the user of a desktop launcher never sees.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtWidgets import QStatusBar

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.storage import SchemaTooNewError

MESSAGE_MS = 15_000
log = logging.getLogger("pricewatch.gui")

Hook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def install_excepthook(status_bar: Callable[[], QStatusBar | None], log_file: str = "") -> Callable[[], None]:
    """Log uncaught exceptions and show a short, non-modal note; returns a function that uninstalls it."""
    previous: Hook = sys.excepthook

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, error, tb)
            return
        if issubclass(kind, SchemaTooNewError):  # not a bug: the user's next step is a restart
            log.warning("refused to write: %s", error)
            bar = status_bar()
            if bar is not None and bar.thread() is QThread.currentThread():
                text = QCoreApplication.translate(
                    "Errors", "Not saved: a newer PriceWatch upgraded the database; restart PriceWatch first"
                )
                bar.showMessage(text, MESSAGE_MS)
            return
        log.error("uncaught exception in the window", exc_info=(kind, error, tb))
        bar = status_bar()
        if bar is not None and bar.thread() is QThread.currentThread():  # widgets only from their thread
            where = (
                " " + QCoreApplication.translate("Errors", "(details in {file})").format(file=log_file)
                if log_file
                else ""
            )
            text = QCoreApplication.translate("Errors", "Internal error: {error}").format(
                error=f"{kind.__name__}: {fmt.clean_text(str(error), 200)}"
            )
            bar.showMessage(text + where, MESSAGE_MS)
        sys.__excepthook__(kind, error, tb)  # the terminal, for people who started it from one

    sys.excepthook = hook

    def uninstall() -> None:
        if sys.excepthook is hook:
            sys.excepthook = previous

    return uninstall
