"""Open in PriceWatch browser from the product window: clicking the price there keeps its selector for the
product, checks it, and offers it to the shop's other products (real Qt WebEngine, local shop)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

import tests.gui.conftest_webengine  # noqa: F401 - Qt WebEngine before the QApplication
from pricewatch.app import PriceWatch
from pricewatch.gui.history.window import ProductDetail
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.scraping.browser.window import BrowserWindow
from tests.support.browser_pages import HEAD
from tests.support.editor import started_facade
from tests.support.pageserver import PageServer

PAGE = HEAD.format(title="Lamp") + (
    "<body><h1>Lamp</h1><div class='buy'><span data-testid='price-now'>24,90 €</span></div>"
    "<p>Also bought: <span>9,90 €</span></p></body></html>"
)


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    with started_facade() as facade:
        facade.settings.browser.enabled = False  # checks stay plain: the window is what is tested here
        yield facade


def test_a_clicked_price_becomes_the_selector_and_is_offered_to_the_shop(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/lamp", PAGE)
    page_server.add("/desk", PAGE.replace("Lamp", "Desk"))
    pid = app.add_product(url, title="Lamp").id or 0
    other = app.add_product(page_server.url("/desk"), title="Desk").id or 0
    work = BackgroundWork()
    detail = ProductDetail(app, app.get_product(pid), work)
    qtbot.addWidget(detail)
    checks: list[int] = []
    detail.check_requested.connect(checks.append)
    try:
        browser = detail.open_pricewatch_browser()
        assert isinstance(browser, BrowserWindow)
        qtbot.waitUntil(lambda: browser.page.url().toString() == url, timeout=15_000)
        with qtbot.waitSignal(browser.page.loadFinished, timeout=15_000, raising=False):
            pass
        browser.start_pick()
        with qtbot.waitSignal(browser.selector_picked, timeout=15_000) as picked:
            done: list[object] = []
            script = "document.querySelector('[data-testid=price-now]').click(); 1"
            browser.page.runJavaScript(script, 0, done.append)
            qtbot.waitUntil(lambda: bool(done), timeout=5_000)
        selector = picked.args[0]
        assert app.get_product(pid).css_selector == selector and checks == [pid]
        qtbot.waitUntil(
            lambda: detail.shop_offer is not None and detail.shop_offer.isVisible(), timeout=5_000
        )
        box = detail.shop_offer
        assert box is not None and "1 other product" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()
        assert app.get_product(other).css_selector == selector and checks == [pid, other]
        record = app.wait_for_task(app.check_product(other), timeout=30)
        assert str(record.result["price"]) == "24.90"
    finally:
        if detail.browser is not None:
            detail.browser.close()
        detail.close()
        work.close()
