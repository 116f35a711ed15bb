"""Product thumbnails for the table: decoded and scaled on a pool thread, made pixmaps on the GUI thread.

Only rows being painted ask (the model calls :meth:`ThumbnailLoader.request` from ``data()``), asks are
gathered into one background read, and a file that is missing, stale (its ``.url`` sidecar names another
image) or broken simply gives no thumbnail.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QObject, QSize, QTimer
from PySide6.QtGui import QImage, QImageReader, QPixmap

from pricewatch import thumbnails
from pricewatch.gui.products.model import ProductTableModel
from pricewatch.gui.widgets.worker import BackgroundWork

THUMB_HEIGHT = 32
MAX_WIDTH = THUMB_HEIGHT * 3  # a banner-shaped image is squeezed rather than widening the column
READ_DELAY_MS = 30
READ_CHUNK = 100


def read_thumbnail(cache_dir: Path, product_id: int, url: str, height: int = THUMB_HEIGHT) -> QImage | None:
    """The stored thumbnail of ``url`` scaled to ``height`` px (decoded at that size), or None. Any thread."""
    if not thumbnails.has_thumbnail(cache_dir, product_id, url):
        return None
    reader = QImageReader(str(thumbnails.image_path(cache_dir, product_id)))
    reader.setDecideFormatFromContent(True)  # the file is ".img": trust its bytes, not a name
    size = reader.size()
    if not size.isValid() or size.width() <= 0 or size.height() <= 0:
        return None
    width = max(1, min(MAX_WIDTH, round(size.width() * height / size.height())))
    reader.setScaledSize(QSize(width, height))
    image = reader.read()
    return None if image.isNull() else image


class ThumbnailLoader(QObject):
    """Reads wanted thumbnails in batches off the GUI thread and hands them to the model."""

    def __init__(self, model: ProductTableModel, work: BackgroundWork, cache_dir: Path) -> None:
        super().__init__(model)
        self.model = model
        self.work = work
        self.cache_dir = cache_dir
        self._wanted: dict[int, str] = {}
        self._reading = False
        self._stopped = False
        self._timer = QTimer(self, singleShot=True, interval=READ_DELAY_MS)
        self._timer.timeout.connect(self._read_wanted)
        model.thumbnail_requested = self.request

    def request(self, product_id: int, url: str) -> None:
        self._wanted[product_id] = url
        if not self._timer.isActive() and not self._stopped:
            self._timer.start()

    def _read_wanted(self) -> None:
        if self._reading:
            self._timer.start()  # one read at a time
            return
        batch = list(itertools.islice(self._wanted.items(), READ_CHUNK))
        for product_id, _url in batch:
            del self._wanted[product_id]
        if batch:
            self._reading = True
            self.work.submit(lambda: self._read(batch), self._ready, lambda _error: self._ready([]))

    def _read(self, batch: list[tuple[int, str]]) -> list[tuple[int, str, QImage | None]]:
        found = []
        for product_id, url in batch:
            try:
                image = read_thumbnail(self.cache_dir, product_id, url)
            except OSError:
                image = None
            found.append((product_id, url, image))
        return found

    def _ready(self, found: list[tuple[int, str, QImage | None]]) -> None:
        self._reading = False
        if self._stopped:
            return
        for product_id, url, image in found:
            self.model.set_thumbnail(product_id, url, None if image is None else QPixmap.fromImage(image))
        if self._wanted:
            self._timer.start()

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self._wanted.clear()
