"""The bookmarklet in a real browser (Qt WebEngine, offscreen) against the real API server: clicked on a
shop's page it opens PriceWatch's confirm page, whose button adds the product; a shop's page posting the form
itself is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings
from pytestqt.qtbot import QtBot

import tests.gui.conftest_webengine  # noqa: F401 - Qt WebEngine before the QApplication
from pricewatch.api.confirm_pages import bookmarklet_script
from tests.support.api import LiveApi, serving
from tests.support.pageserver import PageServer

TITLE = 'Théière <b>1,7 l</b> & "Filter" \N{EN DASH} Çay'
LOAD_MS = 30_000


class Browser(QWebEnginePage):
    """A page that keeps the windows it is asked to open (``window.open``) in ``opened``."""

    def __init__(self, profile: QWebEngineProfile) -> None:
        super().__init__(profile)
        self.opened: list[QWebEnginePage] = []
        self.settings().setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, True)

    def createWindow(self, kind: QWebEnginePage.WebWindowType) -> QWebEnginePage:
        page = QWebEnginePage(self.profile(), self)
        self.opened.append(page)
        return page


@pytest.fixture
def api() -> Iterator[LiveApi]:
    yield from serving()


@pytest.fixture
def browser(qtbot: QtBot) -> Iterator[Browser]:
    profile = QWebEngineProfile()  # off the record: nothing written to disk
    page = Browser(profile)
    yield page
    for child in page.opened:
        child.deleteLater()
    page.deleteLater()
    # The pages go before their profile (Qt WebEngine warns otherwise).
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    profile.deleteLater()


def run_js(qtbot: QtBot, page: QWebEnginePage, script: str) -> Any:
    results: list[Any] = []
    page.runJavaScript(script, 0, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=LOAD_MS)
    return results[0]


def load(qtbot: QtBot, page: QWebEnginePage, url: str) -> None:
    with qtbot.waitSignal(page.loadFinished, timeout=LOAD_MS) as loaded:
        page.load(QUrl(url))
    assert loaded.args == [True]


def test_the_bookmarklet_on_a_shop_page_adds_it_after_confirm(
    qtbot: QtBot, api: LiveApi, browser: Browser, page_servers: PageServer
) -> None:
    page_servers.add("/p/teapot", f"<html><head><title>{TITLE.replace('<', '&lt;')}</title></head>"
                            "<body><h1>Teapot</h1></body></html>")  # fmt: skip
    shop = page_servers.url("/p/teapot?utm_source=feed", address="127.0.0.2")  # another host than the API
    load(qtbot, browser, shop)
    # What a click on the bookmark does: run its script in the shop's page.
    script = bookmarklet_script(api.url).removeprefix("javascript:")
    run_js(qtbot, browser, f"{script}; 1")
    qtbot.waitUntil(lambda: bool(browser.opened), timeout=LOAD_MS)
    confirm = browser.opened[0]
    qtbot.waitUntil(lambda: confirm.url().path() == "/add" and not confirm.isLoading(), timeout=LOAD_MS)
    qtbot.waitUntil(lambda: run_js(qtbot, confirm, "!!document.getElementById('confirm')"), timeout=LOAD_MS)
    assert run_js(qtbot, confirm, "document.getElementById('title').textContent") == TITLE
    assert run_js(qtbot, confirm, "document.getElementById('url').textContent") == page_servers.url(
        "/p/teapot", address="127.0.0.2"
    )
    assert api.app.list_products() == []  # the page alone adds nothing

    with qtbot.waitSignal(confirm.loadFinished, timeout=LOAD_MS):
        run_js(qtbot, confirm, "document.getElementById('confirm').click(); 1")
    qtbot.waitUntil(lambda: len(api.app.list_products()) == 1, timeout=LOAD_MS)
    (product,) = api.app.list_products()
    assert product.url == page_servers.url("/p/teapot", address="127.0.0.2") and product.title == TITLE
    assert run_js(qtbot, confirm, "document.getElementById('outcome').dataset.product") == str(product.id)

    forged = httpx.post(f"{api.url}/add", data={"url": "https://shop.example/evil"})  # no token
    assert forged.status_code == 403 and "Refused" in forged.text
    assert len(api.app.list_products()) == 1


def test_a_shop_page_posting_the_form_itself_is_refused(
    qtbot: QtBot, api: LiveApi, browser: Browser, page_servers: PageServer
) -> None:
    token = json.dumps("a-token-the-shop-made-up")
    page_servers.add(
        "/sneaky",
        f"<html><body><form id='f' method='post' action='{api.url}/add'>"
        f"<input name='csrf' value={token}></form></body></html>",
    )
    load(qtbot, browser, page_servers.url("/sneaky", address="127.0.0.2"))
    with qtbot.waitSignal(browser.loadFinished, timeout=LOAD_MS):
        run_js(qtbot, browser, "document.getElementById('f').submit(); 1")
    assert browser.url().toString() == f"{api.url}/add"
    assert run_js(qtbot, browser, "document.getElementById('outcome').dataset.status") == "refused"
    assert "another site" in run_js(qtbot, browser, "document.getElementById('reason').textContent")
    assert api.app.list_products() == []
