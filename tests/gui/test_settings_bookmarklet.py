"""Settings > Advanced > Local HTTP API links to the bookmarklet's install page while the API runs."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from PySide6.QtWidgets import QLabel

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow


def test_the_settings_link_to_the_bookmarklet_page(
    app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    dialog = window.open_settings()
    label = dialog.findChild(QLabel, "apiBookmarklet")
    assert label is not None and label.text() == "Available while the API runs"
    dialog.reject()
    url = app.start_api(port=0)
    dialog = window.open_settings()
    label = dialog.findChild(QLabel, "apiBookmarklet")
    assert label is not None and label.openExternalLinks()
    link = re.search(r"href='([^']+)'", label.text())
    assert link is not None and link.group(1) == f"{url}/bookmarklet"
    page = httpx.get(link.group(1), timeout=10)
    assert page.status_code == 200 and "javascript:" in page.text
    dialog.reject()
