"""Qt WebEngine pages and profiles locked down for pages PriceWatch did not write.

Shared by the renderer helper and the interactive window: only http(s) navigation, no pop-ups, downloads,
notifications or permission grants, no local files, and no request to a private or loopback address unless
the product itself lives on one. This module imports Qt WebEngine; only the helper process and the window
load it.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, QUrl
from PySide6.QtNetwork import QNetworkCookie
from PySide6.QtWebEngineCore import (
    QWebEngineDownloadRequest,
    QWebEnginePage,
    QWebEnginePermission,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from pricewatch.scraping.browser.addresses import is_local_host
from pricewatch.scraping.browser.cookies import Cookie, CookieFile, cookie_key

log = logging.getLogger(__name__)

WEB_SCHEMES = frozenset({"http", "https"})
# Subresources may also come from the page itself (inline data, blobs it made).
RESOURCE_SCHEMES = WEB_SCHEMES | {"data", "blob"}


class RequestGuard(QWebEngineUrlRequestInterceptor):
    """Blocks requests to other schemes and to local addresses (unless the product is local).

    ``blocked_main`` remembers the last main-frame address refused, so the fetch can say why it failed.
    """

    def __init__(self, allow_local: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allow_local = allow_local
        self.blocked_main: str | None = None
        self._local: dict[str, bool] = {}

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        scheme = url.scheme().lower()
        if scheme not in RESOURCE_SCHEMES:
            self._block(info, url, "scheme")
            return
        if scheme in WEB_SCHEMES and not self.allow_local and self._is_local(url.host()):
            self._block(info, url, "local address")

    def _is_local(self, host: str) -> bool:
        known = self._local.get(host)
        if known is None:
            known = self._local[host] = is_local_host(host)
        return known

    def _block(self, info: QWebEngineUrlRequestInfo, url: QUrl, why: str) -> None:
        info.block(True)
        if info.resourceType() == QWebEngineUrlRequestInfo.ResourceType.ResourceTypeMainFrame:
            self.blocked_main = url.toString()[:300]
        log.debug("blocked %s request: %.200s", why, url.toString())


class GuardedPage(QWebEnginePage):
    """A page that opens no windows, goes only to http(s) and grants no permission."""

    def __init__(self, profile: QWebEngineProfile, allow_local: bool, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.guard = RequestGuard(allow_local, self)
        self.setUrlRequestInterceptor(self.guard)
        self.permissionRequested.connect(self._deny)

    def createWindow(self, kind: QWebEnginePage.WebWindowType) -> QWebEnginePage:
        log.debug("pop-up refused")
        return None  # type: ignore[return-value]  # Qt's "no window": the pop-up does not open

    def acceptNavigationRequest(
        self, url: QUrl | str, kind: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        scheme = QUrl(url).scheme().lower()
        return scheme in WEB_SCHEMES or (not is_main_frame and scheme in ("about", "data"))

    def _deny(self, permission: QWebEnginePermission) -> None:
        permission.deny()


def lock_down(profile: QWebEngineProfile, *, images: bool) -> None:
    """Settings for untrusted pages; downloads are cancelled as they start."""
    settings = profile.settings()
    attr = QWebEngineSettings.WebAttribute
    for name, on in (
        ("JavascriptCanOpenWindows", False),
        ("JavascriptCanAccessClipboard", False),
        ("JavascriptCanPaste", False),
        ("LocalContentCanAccessFileUrls", False),
        ("LocalContentCanAccessRemoteUrls", False),
        ("PluginsEnabled", False),
        ("PdfViewerEnabled", False),
        ("FullScreenSupportEnabled", False),
        ("ScreenCaptureEnabled", False),
        ("WebRTCPublicInterfacesOnly", True),
        ("AllowWindowActivationFromJavaScript", False),
        ("NavigateOnDropEnabled", False),
        ("AutoLoadImages", images),
    ):
        value = getattr(attr, name, None)
        if value is not None:
            settings.setAttribute(value, on)
    profile.setPushServiceEnabled(False)
    profile.setPersistentPermissionsPolicy(QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime)
    profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
    profile.downloadRequested.connect(_refuse_download)


def _refuse_download(download: QWebEngineDownloadRequest) -> None:
    log.info("download refused: %.200s", download.url().toString())
    download.cancel()


# -- cookies: the profile's cookie store mirrored in the shared cookie file ---------------------------------
def to_cookie(qcookie: QNetworkCookie) -> Cookie:
    expires = qcookie.expirationDate()
    return {
        "name": bytes(qcookie.name().data()).decode("utf-8", "replace"),
        "value": bytes(qcookie.value().data()).decode("utf-8", "replace"),
        "domain": qcookie.domain(),
        "path": qcookie.path() or "/",
        "secure": qcookie.isSecure(),
        "http_only": qcookie.isHttpOnly(),
        "expires": None if qcookie.isSessionCookie() else expires.toSecsSinceEpoch(),
    }


def to_qcookie(cookie: Cookie) -> tuple[QNetworkCookie, QUrl]:
    from PySide6.QtCore import QDateTime

    qcookie = QNetworkCookie(cookie["name"].encode(), cookie["value"].encode())
    domain = str(cookie["domain"])
    qcookie.setDomain(domain)
    qcookie.setPath(str(cookie.get("path") or "/"))
    qcookie.setSecure(bool(cookie.get("secure")))
    qcookie.setHttpOnly(bool(cookie.get("http_only")))
    expires = cookie.get("expires")
    if isinstance(expires, int | float):
        qcookie.setExpirationDate(QDateTime.fromSecsSinceEpoch(int(expires)))
    scheme = "https" if cookie.get("secure") else "http"
    return qcookie, QUrl(f"{scheme}://{domain.lstrip('.')}/")


class CookieMirror(QObject):
    """Loads the cookie file into a profile and writes the cookies pages set back to it."""

    def __init__(self, profile: QWebEngineProfile, cookie_file: CookieFile) -> None:
        super().__init__(profile)
        self._file = cookie_file
        self._store = profile.cookieStore()
        self._known: dict[tuple[str, str, str], str] = {}
        self._seen_mtime = -1.0
        self._store.cookieAdded.connect(self._added)
        self._store.cookieRemoved.connect(self._removed)
        self.refresh()

    def refresh(self) -> None:
        """Take in cookies another process (the window, another helper) wrote since the last look."""
        mtime = self._file.mtime()
        if mtime == self._seen_mtime:
            return
        self._seen_mtime = mtime
        for cookie in self._file.load():
            key = cookie_key(cookie)
            if self._known.get(key) == cookie["value"]:
                continue
            self._known[key] = cookie["value"]
            qcookie, origin = to_qcookie(cookie)
            self._store.setCookie(qcookie, origin)

    def _added(self, qcookie: QNetworkCookie) -> None:
        cookie = to_cookie(qcookie)
        key = cookie_key(cookie)
        if self._known.get(key) == cookie["value"]:
            return
        self._known[key] = cookie["value"]
        self._file.merge(added=[cookie])
        self._seen_mtime = self._file.mtime()

    def _removed(self, qcookie: QNetworkCookie) -> None:
        cookie = to_cookie(qcookie)
        if self._known.pop(cookie_key(cookie), None) is None:
            return
        self._file.merge(removed=[cookie])
        self._seen_mtime = self._file.mtime()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
