"""The renderer helper process: ``python -m pricewatch.scraping.browser.helper CONFIG_JSON``.

It renders pages in Qt WebEngine, offscreen, and answers on stdout with one JSON line per page (see
:mod:`pricewatch.scraping.browser.protocol`); requests arrive as JSON lines on stdin. It ends when stdin
closes (the parent went away) or on ``{"op": "quit"}``. Its stdout file descriptor is kept for the protocol
alone: anything a library prints goes to stderr.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from pricewatch.scraping.browser.settings import ensure_private_folder, user_agent_for

log = logging.getLogger("pricewatch.browser.helper")


def prepare_environment(config: dict[str, Any]) -> None:
    """Chromium's switches and Qt's platform, set before Qt starts."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    flags += [
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--mute-audio",
        # Pages without a view count as background tabs; their timers must run at full speed.
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
    ]
    proxy = str(config.get("proxy") or "")
    if proxy:
        # Loopback addresses go through the proxy too when the product itself is local (tests, intranets).
        flags += [f"--proxy-server={proxy}", "--proxy-bypass-list=<-loopback>"]
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)
    if os.geteuid() == 0:
        # Chromium's sandbox cannot run as root; a normal user keeps it.
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        log.warning("running as root: the browser's sandbox is off")


def claim_profile(folder: Path) -> Path | None:
    """The persistent profile folder, or None when another PriceWatch process uses it (then this one runs
    off the record: Chromium must not share a profile folder between processes)."""
    ensure_private_folder(folder)
    handle = os.open(folder / "helper-profile.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(handle)
        return None
    return folder / "helper-profile"  # the lock is held until the process ends


def run(config: dict[str, Any], out: TextIO) -> int:
    from PySide6.QtCore import QCoreApplication, QObject, Signal
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWebEngineCore import QWebEngineProfile

    from pricewatch.scraping.browser.cookies import CookieFile
    from pricewatch.scraping.browser.guard import CookieMirror, lock_down
    from pricewatch.scraping.browser.renderer import Renderer

    app = QGuiApplication([sys.argv[0]])
    folder = Path(config["folder"])
    profile_dir = claim_profile(folder)
    if profile_dir is None:
        profile = QWebEngineProfile(app)
    else:
        profile = QWebEngineProfile("helper", app)
        profile.setPersistentStoragePath(str(profile_dir))
        profile.setCachePath(str(folder / "helper-cache"))
        profile.setHttpCacheMaximumSize(50_000_000)
    lock_down(profile, images=False)
    agent = user_agent_for(profile.httpUserAgent(), str(config.get("user_agent") or ""))
    profile.setHttpUserAgent(agent)
    cookies = CookieMirror(profile, CookieFile(folder / "cookies.json"))

    class Lines(QObject):
        line = Signal(str)
        closed = Signal()

    lines = Lines()
    renderer = Renderer(profile, cookies, out, int(config.get("max_html_bytes", 10_000_000)))
    lines.line.connect(renderer.on_line)
    lines.closed.connect(QCoreApplication.quit)
    renderer.quit_requested.connect(QCoreApplication.quit)

    def read_stdin() -> None:
        for raw in sys.stdin:
            lines.line.emit(raw)
        lines.closed.emit()

    threading.Thread(target=read_stdin, name="helper-stdin", daemon=True).start()
    renderer.send({"op": "ready", "pid": os.getpid(), "user_agent": agent, "profile": str(profile_dir)})
    code = app.exec()
    renderer.shutdown()
    del renderer, cookies
    profile.deleteLater()
    return code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    config = json.loads(argv[0]) if argv else {}
    logging.basicConfig(level=logging.INFO, format="browser helper: %(levelname)s %(message)s")
    # The protocol owns the real stdout; fd 1 now points at stderr for whatever else prints.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    prepare_environment(config)
    return run(config, out)


if __name__ == "__main__":
    sys.exit(main())
