"""The cookie file the browser profile and plain fetches share: JSON, owner-only (0600), merged under a lock.

The browser helper and the interactive window write the cookies their pages set (a login, a passed bot
check); plain fetches read them through :class:`SharedCookieJar`, which reloads the file when it changes. It
is the one place cookies are kept on disk: the browser profiles themselves keep none.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import logging
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # not on Windows: writers there are not serialised, the last one wins
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MAX_COOKIES = 5000
MAX_FILE_BYTES = 4_000_000

Cookie = dict[str, Any]  # name, value, domain, path, secure, http_only, expires (epoch seconds or None)


def cookie_key(cookie: Cookie) -> tuple[str, str, str]:
    return (str(cookie.get("domain", "")).lower(), str(cookie.get("path", "/")), str(cookie.get("name", "")))


class CookieFile:
    """Read and merge the shared cookie file; every write keeps it owner-only."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[Cookie]:
        """The cookies that have not expired; a missing or unreadable file counts as none."""
        try:
            with self.path.open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return []
        except OSError as exc:
            log.warning("cannot read the browser cookie file %s: %s", self.path, exc.strerror)
            return []
        if len(raw) > MAX_FILE_BYTES:
            log.warning("the browser cookie file %s is too large; ignored", self.path)
            return []
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            log.warning("the browser cookie file %s is not valid JSON; ignored", self.path)
            return []
        now = time.time()
        return [c for c in data if _valid(c) and not _expired(c, now)] if isinstance(data, list) else []

    def merge(self, added: Iterable[Cookie] = (), removed: Iterable[Cookie] = ()) -> None:
        """Add or replace ``added`` and drop ``removed`` (matched by domain, path and name)."""
        added, removed = list(added), list(removed)
        if not added and not removed:
            return
        with self._locked():
            cookies = {cookie_key(c): c for c in self.load()}
            for cookie in removed:
                cookies.pop(cookie_key(cookie), None)
            for cookie in added:
                if _valid(cookie):
                    cookies[cookie_key(cookie)] = cookie
            self._write(list(cookies.values())[-MAX_COOKIES:])

    def mtime(self) -> float:
        try:
            return self.path.stat().st_mtime_ns / 1e9
        except OSError:
            return 0.0

    def _write(self, cookies: list[Cookie]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o600)
            json.dump(cookies, handle)
        os.replace(tmp, self.path)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock


def _valid(cookie: object) -> bool:
    if not isinstance(cookie, dict):
        return False
    name, value, domain = cookie.get("name"), cookie.get("value"), cookie.get("domain")
    return isinstance(name, str) and bool(name) and isinstance(value, str) and isinstance(domain, str)


def _expired(cookie: Cookie, now: float) -> bool:
    expires = cookie.get("expires")
    return isinstance(expires, int | float) and expires < now


def to_jar_cookie(cookie: Cookie) -> http.cookiejar.Cookie:
    domain = str(cookie["domain"]).lower()
    expires = cookie.get("expires")
    return http.cookiejar.Cookie(
        version=0,
        name=str(cookie["name"]),
        value=str(cookie["value"]),
        port=None,
        port_specified=False,
        domain=domain,
        domain_specified=domain.startswith("."),
        domain_initial_dot=domain.startswith("."),
        path=str(cookie.get("path") or "/"),
        path_specified=True,
        secure=bool(cookie.get("secure")),
        expires=int(expires) if isinstance(expires, int | float) else None,
        discard=not isinstance(expires, int | float),
        comment=None,
        comment_url=None,
        rest={"HttpOnly": ""} if cookie.get("http_only") else {},
    )


class SharedCookieJar(http.cookiejar.CookieJar):
    """A cookie jar for the plain fetcher that takes in the browser's cookie file whenever it changed.

    Cookies the shops set on plain responses live in memory as usual; the file's cookies are laid over them
    when the file is newer than the last look.
    """

    def __init__(self, cookie_file: CookieFile) -> None:
        super().__init__()
        self._file = cookie_file
        self._seen_mtime = -1.0

    def refresh(self) -> None:
        """Take in the cookie file when it changed since the last look (a stat per request otherwise)."""
        mtime = self._file.mtime()
        if mtime == self._seen_mtime:
            return
        self._seen_mtime = mtime
        for cookie in self._file.load():
            self.set_cookie(to_jar_cookie(cookie))

    # httpx copies the client's jar into each request by iterating over it; urllib asks add_cookie_header.
    def __iter__(self) -> Iterator[http.cookiejar.Cookie]:
        self.refresh()
        return super().__iter__()

    def add_cookie_header(self, request: Any) -> None:
        self.refresh()
        super().add_cookie_header(request)
