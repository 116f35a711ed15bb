"""Thumbnails in the products table: a real check through the engine, a real PNG from the page server."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from pytestqt.qtbot import QtBot

from pricewatch import thumbnails
from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_TITLE
from pricewatch.gui.products.thumbnails import THUMB_HEIGHT, read_thumbnail
from pricewatch.models import TaskState
from tests.support.images import page_with_image, png_bytes
from tests.support.pageserver import PageServer


def decoration(window: MainWindow, product_id: int) -> object:
    model = window.product_model
    row = model.row_of(product_id)
    return None if row is None else model.index(row, COL_TITLE).data(Qt.ItemDataRole.DecorationRole)


def test_checked_product_shows_its_thumbnail(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], page_server: PageServer
) -> None:
    app.settings.fetch.per_host_delay = 0.0
    image = page_server.add("/img/kettle.png", png_bytes(64, 48), headers={"Content-Type": "image/png"})
    url = page_server.add("/kettle", page_with_image(image))
    product = app.add_product(url)
    assert product.id is not None
    app.start(scheduler=False)
    window = make_window()
    assert decoration(window, product.id) is None  # no image known yet

    check = app.wait_for_task(app.check_product(product.id), timeout=30)
    assert check.state is TaskState.SUCCESS, check.error
    [task] = app.list_tasks(name="images.fetch_thumbnail")
    assert app.wait_for_task(task.id, timeout=30).state is TaskState.SUCCESS

    def shown() -> bool:
        pixmap = decoration(window, product.id or 0)
        return isinstance(pixmap, QPixmap) and not pixmap.isNull()

    qtbot.waitUntil(shown, timeout=10_000)
    pixmap = decoration(window, product.id)
    assert isinstance(pixmap, QPixmap)
    assert (pixmap.width(), pixmap.height()) == (round(THUMB_HEIGHT * 64 / 48), THUMB_HEIGHT)


def test_broken_or_stale_thumbnail_files_are_ignored(app: PriceWatch, qtbot: QtBot) -> None:
    cache = app.paths.cache_dir
    thumbnails.save_thumbnail(cache, 7, "http://x.test/a.png", b"\x89PNG\r\n\x1a\n garbage")
    assert read_thumbnail(cache, 7, "http://x.test/a.png") is None
    thumbnails.save_thumbnail(cache, 8, "http://x.test/old.png", png_bytes())
    assert read_thumbnail(cache, 8, "http://x.test/new.png") is None  # image_url changed: not this file
    image = read_thumbnail(cache, 8, "http://x.test/old.png")
    assert image is not None and image.height() == THUMB_HEIGHT
