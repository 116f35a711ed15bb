"""The interactive browser window ("Open in PriceWatch browser"): log in, pass a check, click the price.

It shares the cookie file with the renderer helper (so later checks, browser and plain, reuse what the user
did here) and keeps its own persistent profile folder (Chromium cannot share one between processes). In pick
mode a click on the page does not follow links: it marks the element, and :mod:`.selector` builds a robust
selector for it from the page's report, checked against the page's HTML.

Signals:
    selector_picked(str): the selector for the clicked element (checked to select it alone).
    pick_failed(str): why no selector could be made for the clicked element.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal, Slot
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar, QWidget

from pricewatch.scraping.browser.addresses import is_local_host
from pricewatch.scraping.browser.cookies import CookieFile
from pricewatch.scraping.browser.guard import CookieMirror, GuardedPage, host_of, lock_down
from pricewatch.scraping.browser.selector import ANCESTRY_JS, MARKER, Node, build_selector
from pricewatch.scraping.browser.settings import ensure_private_folder, user_agent_for
from pricewatch.urls import validate_url

log = logging.getLogger(__name__)


def _sandbox_for_this_user() -> None:
    """Chromium's sandbox cannot run as root (CI containers); everyone else keeps it. Read at Qt WebEngine's
    start, so this runs when the module is imported, before the first profile exists."""
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0 and not os.environ.get("QTWEBENGINE_DISABLE_SANDBOX"):
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        log.warning("running as root: the browser window's sandbox is off")


_sandbox_for_this_user()

_WORLD = QWebEngineScript.ScriptWorldId.ApplicationWorld  # the page's own scripts cannot see our objects
_PICK_POLL_MS = 100

_PICK_ON = (
    "(function (ancestry, marker) {"
    "  if (window.__pwPick) return;"
    "  window.__pwPicked = null;"
    "  window.__pwPick = function (e) { e.preventDefault(); e.stopPropagation();"
    "    window.__pwPicked = ancestry(e.target, marker); };"
    "  document.addEventListener('click', window.__pwPick, true);"
    "})(" + ANCESTRY_JS.strip() + ", %s)"
)
# As JSON text: Qt hands arrays of objects back from an isolated world as nothing.
_PICK_TAKE = (
    "(function () { var p = window.__pwPicked; window.__pwPicked = null;"
    "  return p ? JSON.stringify(p) : ''; })()"
)
_PICK_OFF = (
    "(function () { if (window.__pwPick) document.removeEventListener('click', window.__pwPick, true);"
    "  window.__pwPick = null; })()"
)

_profiles: dict[Path, QWebEngineProfile] = {}


def window_profile(folder: Path, user_agent: str = "") -> QWebEngineProfile:
    """The window's persistent profile (one per folder and process, shared by every window)."""
    profile = _profiles.get(folder)
    if profile is None:
        ensure_private_folder(folder)
        profile = QWebEngineProfile("window")
        profile.setPersistentStoragePath(str(folder / "window-profile"))
        profile.setCachePath(str(folder / "window-cache"))
        lock_down(profile, images=True)
        profile.setHttpUserAgent(user_agent_for(profile.httpUserAgent(), user_agent))
        CookieMirror(profile, CookieFile(folder / "cookies.json"))
        _profiles[folder] = profile
    return profile


class BrowserWindow(QMainWindow):
    """A locked-down browser on one shop page; see the module docstring for its signals."""

    selector_picked = Signal(str)
    pick_failed = Signal(str)

    def __init__(self, url: str, folder: Path, user_agent: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        url = validate_url(url)
        self.setWindowTitle(self.tr("PriceWatch browser"))
        self.resize(1100, 800)
        self.view = QWebEngineView(self)
        self.page = GuardedPage(window_profile(folder, user_agent), is_local_host(host_of(url)), self.view)
        self.view.setPage(self.page)
        self.setCentralWidget(self.view)
        toolbar = QToolBar(self)
        self.pick_action = toolbar.addAction(self.tr("Pick the price"))
        self.pick_action.setCheckable(True)
        self.pick_action.toggled.connect(self._pick_toggled)
        self.status = QLabel("", toolbar)
        toolbar.addWidget(self.status)
        self.addToolBar(toolbar)
        self._pick_timer = QTimer(self)
        self._pick_timer.setInterval(_PICK_POLL_MS)
        self._pick_timer.timeout.connect(self._poll_pick)
        self.page.loadFinished.connect(self._loaded)
        self.view.load(QUrl(url))

    # -- picking ----------------------------------------------------------------------------------------
    def start_pick(self) -> None:
        """Pick mode on: the next click on the page chooses the price element."""
        self.pick_action.setChecked(True)

    def stop_pick(self) -> None:
        self.pick_action.setChecked(False)

    @Slot(bool)
    def _pick_toggled(self, on: bool) -> None:
        if on:
            self.status.setText(self.tr("Click the price on the page"))
            self._arm()
            self._pick_timer.start()
        else:
            self._pick_timer.stop()
            self.page.runJavaScript(_PICK_OFF, _WORLD)
            self.status.setText("")

    def _arm(self) -> None:
        self.page.runJavaScript(_PICK_ON % f'"{MARKER}"', _WORLD)

    @Slot(bool)
    def _loaded(self, ok: bool) -> None:
        if self.pick_action.isChecked():  # a new document: its clicks need the listener again
            self._arm()

    @Slot()
    def _poll_pick(self) -> None:
        self.page.runJavaScript(_PICK_TAKE, _WORLD, self._picked)

    def _picked(self, text: Any) -> None:
        if not isinstance(text, str) or not text:
            return
        try:
            report = json.loads(text)
        except ValueError:
            return
        if not isinstance(report, list) or not report:
            return
        ancestry = [Node.from_json(item) for item in report if isinstance(item, dict)]
        self.page.toHtml(lambda html: self._build(ancestry, html))

    def _build(self, ancestry: list[Node], html: str) -> None:
        selector = build_selector(ancestry, html)
        if selector is None:
            self.status.setText(self.tr("No reliable selector for that element; try the price itself"))
            self.pick_failed.emit("no selector selects that element alone")
            return
        self.status.setText(self.tr("Selector: {selector}").format(selector=selector))
        self.stop_pick()
        self.selector_picked.emit(selector)
