"""Imported by the GUI test modules that open the PriceWatch browser: Qt WebEngine must be loaded before the
QApplication exists, and a test module is imported (collected) before pytest-qt makes it."""

from __future__ import annotations

import pricewatch.scraping.browser.window  # noqa: F401 - loaded for its side effect on Qt's start-up
