"""The lines of imported modules that PySide6 reads (and Python's line cache keeps) are let go."""

from __future__ import annotations

import gc
import linecache
from collections.abc import Callable

import pricewatch.gui.products.model as products_model
from pricewatch.gui.application import freeze_heap
from pricewatch.gui.main_window import MainWindow


def _read_as_pyside_does() -> str:
    path = products_model.__file__
    assert linecache.getlines(path)  # PySide6 reads each module imported after it like this
    assert path in linecache.cache
    return path


def test_the_window_lets_the_lines_go_before_it_reads_the_products(
    make_window: Callable[[], MainWindow],
) -> None:
    path = _read_as_pyside_does()
    make_window()
    assert path not in linecache.cache


def test_freezing_the_heap_after_loading_lets_the_lines_go_too() -> None:
    path = _read_as_pyside_does()
    try:
        freeze_heap()
    finally:
        gc.unfreeze()
    assert path not in linecache.cache
