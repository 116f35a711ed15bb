"""The interactive window, driven like a user would: point and click, and a login later checks reuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pricewatch.scraping.browser import BrowserFetcher, BrowserSettings
from pricewatch.scraping.browser.cookies import CookieFile, SharedCookieJar
from pricewatch.scraping.browser.window import BrowserWindow
from pricewatch.scraping.extract import extract
from pricewatch.scraping.fetch import Fetcher, FetchSettings
from tests.scraping.browser.test_selector import STYLES, rename_classes
from tests.support.browser_pages import HEAD, cookie_of
from tests.support.pageserver import PageServer
from tests.support.replies import Reply, Seen


@pytest.fixture
def window_folder(tmp_path: Path) -> Path:
    return tmp_path / "browser"


def open_window(qtbot: QtBot, url: str, folder: Path) -> BrowserWindow:
    window = BrowserWindow(url, folder)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.page.loadFinished, timeout=15000):
        window.show()
    return window


def run_js(qtbot: QtBot, window: BrowserWindow, script: str) -> None:
    done: list[object] = []
    window.page.runJavaScript(script, 0, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)


@pytest.mark.parametrize("style", list(STYLES))
def test_clicking_the_price_gives_a_selector_that_survives_renamed_classes(
    qtbot: QtBot, page_server: PageServer, window_folder: Path, style: str
) -> None:
    body, click, expected = STYLES[style]
    url = page_server.add("/item", HEAD.format(title="Kettle") + f"<body><h1>Kettle</h1>{body}</body></html>")
    window = open_window(qtbot, url, window_folder)
    window.start_pick()
    with qtbot.waitSignal(window.selector_picked, timeout=10000) as picked:
        run_js(qtbot, window, f"document.querySelector({click!r}).click(); 1")
    selector = picked.args[0]
    assert selector == expected
    renamed = rename_classes(body)
    assert str(extract(f"<html><body>{renamed}</body></html>", selector=selector).price) == "49.90"
    assert not window.pick_action.isChecked()


def test_a_click_in_pick_mode_follows_no_link(
    qtbot: QtBot, page_server: PageServer, window_folder: Path
) -> None:
    page_server.add("/elsewhere", "<p>gone</p>")
    url = page_server.add("/item", '<body><a id="go" href="/elsewhere" data-testid="deal">19,99 €</a></body>')
    window = open_window(qtbot, url, window_folder)
    window.start_pick()
    with qtbot.waitSignal(window.selector_picked, timeout=10000) as picked:
        run_js(qtbot, window, "document.getElementById('go').click(); 1")
    assert picked.args[0] == "#go" or picked.args[0] == 'a[data-testid="deal"]'
    assert page_server.hits("/elsewhere") == 0


def member_pages(server: PageServer) -> str:
    server.add(
        "/login",
        HEAD.format(title="Log in")
        + """<body><form action="/do-login" method="get">
        <input name="user"><input name="password" type="password"><button>Log in</button>
        </form></body></html>""",
    )

    def do_login(seen: Seen) -> Reply:
        if "user=alice" in seen.path and "password=secret" in seen.path:
            cookie = "member=alice-token; Path=/; HttpOnly; Max-Age=3600"
            return Reply(status=302, headers={"Location": "/member", "Set-Cookie": cookie}, content_type=None)
        return Reply(status=302, headers={"Location": "/login"}, content_type=None)

    def member(seen: Seen) -> Reply:
        if cookie_of(seen, "member") == "alice-token":
            body = '<h1>Kettle</h1><p>Member price: <span class="member">39,00 €</span></p>'
        else:
            body = "<h1>Kettle</h1><p>Log in to see the member price.</p>"
        return Reply(body=HEAD.format(title="Kettle") + f"<body>{body}</body></html>")

    server.add_dynamic("/do-login", do_login)
    server.add_dynamic("/member", member)
    return server.url("/login")


def test_a_login_in_the_window_is_reused_by_later_browser_and_plain_checks(
    qtbot: QtBot, page_server: PageServer, window_folder: Path
) -> None:
    login = member_pages(page_server)
    member_url = page_server.url("/member")
    settings = BrowserSettings(folder=window_folder, deadline=6.0)
    with BrowserFetcher(settings) as browser:
        assert extract(browser.fetch(member_url).html or "").price is None  # not logged in yet
        window = open_window(qtbot, login, window_folder)
        with qtbot.waitSignal(window.page.loadFinished, timeout=10000):
            run_js(
                qtbot,
                window,
                """
                document.querySelector('[name=user]').value = 'alice';
                document.querySelector('[name=password]').value = 'secret';
                document.querySelector('form').submit(); 1""",
            )
        qtbot.waitUntil(lambda: window.page.url().path() == "/member", timeout=10000)
        cookies = CookieFile(settings.cookie_file)
        qtbot.waitUntil(lambda: any(c["name"] == "member" for c in cookies.load()), timeout=5000)
        window.close()
        rendered = browser.fetch(member_url)  # the running helper takes in the new cookie
    assert str(extract(rendered.html or "").price) == "39.00"
    with Fetcher(FetchSettings(per_host_delay=0), cookies=SharedCookieJar(cookies)) as plain:
        page = plain.fetch(member_url, use_cache=False)
    assert str(extract(page.html or "").price) == "39.00"
