"""Links and bookmarks files dropped on a window: an event filter, so the window needs no drop handlers.

Browsers drag a link as ``text/uri-list`` (Firefox adds ``text/x-moz-url``, the address and its title) and
``text/plain``; a file manager drags files as ``file:`` URLs.

Signals:
    dropped(object): a :class:`~pricewatch.gui.add_many.dropped.Dropped` with what was dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from pricewatch.gui.add_many.dropped import LIST_SUFFIXES, Dropped
from pricewatch.link_lists import LinkEntry
from pricewatch.text import clean_line

_MOZ_URL = "text/x-moz-url"


def dropped_in(mime: QMimeData) -> Dropped:
    """The files, links and text of a drop that PriceWatch can read addresses from (empty: nothing)."""
    files: list[str] = []
    links: list[LinkEntry] = []
    titles = _moz_titles(mime)
    for url in mime.urls() if mime.hasUrls() else []:
        if url.isLocalFile():
            if url.toLocalFile().lower().endswith(LIST_SUFFIXES):
                files.append(url.toLocalFile())
        elif url.scheme():
            text = url.toString()
            links.append(LinkEntry(text, titles.get(text)))
    text = mime.text() if mime.hasText() and not mime.hasUrls() else ""
    return Dropped(tuple(files), tuple(links), text)


def _moz_titles(mime: QMimeData) -> dict[str, str]:
    """Firefox's link titles: ``text/x-moz-url`` is UTF-16, the address and its title on alternate lines."""
    if not mime.hasFormat(_MOZ_URL):
        return {}
    lines = bytes(mime.data(_MOZ_URL).data()).decode("utf-16-le", "replace").split("\n")
    pairs = zip(lines[::2], lines[1::2], strict=False)
    return {url.strip(): title for url, raw in pairs if (title := clean_line(raw, 300))}


class LinkDrops(QObject):
    """Accepts drops of links, text and list files on ``widget`` and emits what was dropped."""

    dropped = Signal(object)

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QDragEnterEvent | QDragMoveEvent):
            if dropped_in(event.mimeData()):
                event.acceptProposedAction()
                return True
            return False
        if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
            found = dropped_in(event.mimeData())
            if not found:
                return False
            event.acceptProposedAction()
            self.dropped.emit(found)
            return True
        return super().eventFilter(watched, event)
