"""The window's side of adding many: File > Add Many… and drops on the window open the same dialog.

Signals:
    added(list): the ids of the products a dialog added.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from pricewatch.app import PriceWatch
from pricewatch.gui.add_many.dialog import AddManyDialog
from pricewatch.gui.add_many.dropped import Dropped, read_dropped
from pricewatch.gui.add_many.drops import LinkDrops
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.urls import find_url

_SCANNED_LINES = 50  # enough to tell one address from a list without reading a huge paste


def holds_many(text: str) -> bool:
    """Whether pasted text has web addresses on more than one line."""
    lines = text.splitlines()[:_SCANNED_LINES]
    return sum(find_url(line) is not None for line in lines) > 1


class AddMany(QObject):
    added = Signal(list)

    def __init__(self, app: PriceWatch, work: BackgroundWork, window: QWidget) -> None:
        super().__init__(window)
        self.app = app
        self.work = work
        self._window = window
        self.drops = LinkDrops(window)
        self.drops.dropped.connect(self.open_dropped)

    @Slot()
    def open(self, text: str = "") -> AddManyDialog:
        """The dialog, non-modal; with ``text`` its preview starts at once."""
        dialog = AddManyDialog(self.app, self.work, self._window)
        dialog.added.connect(self.added)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        if isinstance(text, str) and text:  # a triggered action passes its checked state
            dialog.set_text(text)
        return dialog

    @Slot(object)
    def open_dropped(self, dropped: Dropped) -> AddManyDialog:
        dialog = self.open()
        dialog.load(lambda: read_dropped(dropped))
        return dialog
