"""Inside the helper: render requested pages side by side and answer each once (Qt WebEngine).

Every job has the same life: load, probe every ``POLL_MS`` until :class:`Settle` says done, serialise the DOM,
answer, delete the page. The deadline covers all of it. A renderer that stops answering (an endless script
loop) is killed at the deadline, so it cannot keep a core busy for the helper's whole life.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import time
from typing import Any, TextIO

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtWebEngineCore import (
    QWebEngineLoadingInfo,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
)

from pricewatch.errors import PermanentError, ScrapeError, TransientError
from pricewatch.scraping.browser.guard import CookieMirror, GuardedPage
from pricewatch.scraping.browser.protocol import Request, failure
from pricewatch.scraping.browser.settle import POLL_MS, Settle, parse_answer, probe_source
from pricewatch.scraping.faults import error_for_status

log = logging.getLogger("pricewatch.browser.helper")

HUNG_PROBE_S = 1.0  # a renderer that has not answered a probe this long at the deadline is killed
_Status = QWebEngineLoadingInfo.LoadStatus
_Domain = QWebEngineLoadingInfo.ErrorDomain


def _now() -> float:
    return time.monotonic()


class Job(QObject):
    """One page being rendered; emits ``done(id, answer)`` exactly once."""

    done = Signal(int, dict)

    def __init__(self, request: Request, profile: QWebEngineProfile, max_bytes: int) -> None:
        super().__init__()
        self.request = request
        self.max_bytes = max_bytes
        self.started = _now()
        self.deadline = self.started + request.deadline
        self.settle = Settle(started_ms=0.0)
        self.status = 200
        self.load_error: ScrapeError | None = None
        self.probe_sent: float | None = None
        self.serialising = False
        self.finished = False
        self.page = GuardedPage(profile, request.allow_local)
        self.page.loadingChanged.connect(self._loading)
        self.page.renderProcessTerminated.connect(self._crashed)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        url = QUrl(self.request.url)
        if url.scheme().lower() not in ("http", "https"):
            self.fail(PermanentError(f"only http and https pages are rendered: {self.request.url[:200]}",
                                     kind="bad_url"))  # fmt: skip
            return
        self.page.setVisible(True)  # a hidden page's timers are throttled like a background tab's
        self.page.load(url)
        self.timer.start()

    def _ms(self) -> float:
        return (_now() - self.started) * 1000

    @Slot(QWebEngineLoadingInfo)
    def _loading(self, info: QWebEngineLoadingInfo) -> None:
        status = info.status()
        if status == _Status.LoadStartedStatus:
            # A new navigation (a bot check reloading, a script redirect): judge the new document afresh.
            self.settle = Settle(started_ms=self._ms())
            self.status, self.load_error = 200, None
            return
        if status == _Status.LoadSucceededStatus:
            self.settle.loaded(self._ms())
        elif status == _Status.LoadFailedStatus:
            self._load_failed(info)
            self.settle.loaded(self._ms())

    def _load_failed(self, info: QWebEngineLoadingInfo) -> None:
        url = info.url().toString()[:200]
        if info.errorDomain() == _Domain.HttpStatusCodeDomain:
            self.status = info.errorCode()  # the page's body is still there (a bot check may reload)
            return
        blocked = self.page.guard.blocked_main
        if blocked is not None:
            self.load_error = PermanentError(
                f"the page led to a local or non-web address, which is refused: {blocked}", kind="redirects"
            )
        elif info.errorDomain() == _Domain.ConnectionErrorDomain:
            self.load_error = TransientError(f"could not connect to the shop: {url}", kind="connect")
        elif info.errorDomain() == _Domain.CertificateErrorDomain:
            self.load_error = PermanentError(f"the shop's certificate is not valid: {url}", kind="tls")
        elif info.errorDomain() != _Domain.NoErrorDomain:
            text = info.errorString()[:120]
            self.load_error = TransientError(f"the browser could not load {url}: {text}", kind="connect")

    @Slot(QWebEnginePage.RenderProcessTerminationStatus, int)
    def _crashed(self, status: QWebEnginePage.RenderProcessTerminationStatus, code: int) -> None:
        if status != QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            self.fail(TransientError("the page's renderer crashed", kind="browser_crashed"))

    @Slot()
    def _tick(self) -> None:
        if self.finished:
            return
        now = _now()
        if now >= self.deadline:
            self._kill_if_hung(now)
            what = "serialising the page" if self.serialising else "waiting for the page to settle"
            shown = self.request.url[:200]
            self.fail(
                TransientError(f"timed out after {self.request.deadline:g} s {what}: {shown}", kind="timeout")
            )
            return
        if self.load_error is not None:
            self.fail(self.load_error)
            return
        if self.serialising or self.probe_sent is not None:
            return
        self.probe_sent = now
        self.page.runJavaScript(
            probe_source(self.request.selector), QWebEngineScript.ScriptWorldId.ApplicationWorld, self._probed
        )

    def _probed(self, answer: Any) -> None:
        self.probe_sent = None
        if self.finished or self.serialising:
            return
        verdict = self.settle.observe(self._ms(), parse_answer(answer))
        if verdict is not None:
            self.serialising = True
            self.page.toHtml(lambda html: self._serialised(html, verdict))

    def _serialised(self, html: str, verdict: str) -> None:
        if self.finished:
            return
        if self.status >= 400:
            error = error_for_status(self.status, {}, self.request.url)  # type: ignore[arg-type]
            if error is not None:
                self.fail(error)
                return
        if len(html) > self.max_bytes:
            limit = f"{self.max_bytes / 1_000_000:g} MB"
            shown = self.request.url[:200]
            self.fail(PermanentError(f"the rendered page is larger than {limit}: {shown}", kind="too_large"))
            return
        self._finish({
            "id": self.request.id, "ok": True, "final_url": self.page.url().toString(), "status": self.status,
            "html": html, "elapsed_ms": round((_now() - self.started) * 1000, 1), "settled": verdict,
        })  # fmt: skip

    def fail(self, error: ScrapeError) -> None:
        self._finish(failure(self.request.id, error))

    def _finish(self, answer: dict[str, Any]) -> None:
        if self.finished:
            return
        self.finished = True
        self.timer.stop()
        self.done.emit(self.request.id, answer)

    def _kill_if_hung(self, now: float) -> None:
        """A renderer stuck in a script answers nothing; deleting its page would leave it spinning."""
        stuck = self.serialising or (self.probe_sent is not None and now - self.probe_sent > HUNG_PROBE_S)
        pid = self.page.renderProcessPid()
        if stuck and pid > 0:
            log.info("killing a renderer that stopped answering (pid %d)", pid)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

    def dispose(self) -> None:
        self.timer.stop()
        self.page.loadingChanged.disconnect(self._loading)
        self.page.renderProcessTerminated.disconnect(self._crashed)
        self.page.triggerAction(QWebEnginePage.WebAction.Stop)
        self.page.deleteLater()
        self.deleteLater()


class Renderer(QObject):
    """Parses request lines, runs jobs, writes answers; ``quit_requested`` on ``{"op": "quit"}``."""

    quit_requested = Signal()

    def __init__(
        self, profile: QWebEngineProfile, cookies: CookieMirror, out: TextIO, max_bytes: int
    ) -> None:
        super().__init__()
        self.profile = profile
        self.cookies = cookies
        self.out = out
        self.max_bytes = max_bytes
        self.jobs: dict[int, Job] = {}

    @Slot(str)
    def on_line(self, line: str) -> None:
        try:
            data = json.loads(line)
            op = data.get("op")
            if op == "render":
                self.start(Request.from_json(data))
            elif op == "cancel":
                self.cancel(int(data["id"]))
            elif op == "quit":
                self.quit_requested.emit()
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("bad request line ignored: %s", exc)

    def start(self, request: Request) -> None:
        self.cookies.refresh()  # a login made in the window since the last page
        job = Job(request, self.profile, self.max_bytes)
        job.done.connect(self._done)
        self.jobs[request.id] = job
        job.start()

    def cancel(self, request_id: int) -> None:
        job = self.jobs.pop(request_id, None)
        if job is not None:
            job.finished = True
            job._kill_if_hung(_now() + HUNG_PROBE_S * 2)
            job.dispose()

    @Slot(int, dict)
    def _done(self, request_id: int, answer: dict[str, Any]) -> None:
        job = self.jobs.pop(request_id, None)
        if job is not None:
            job.dispose()
        self.send(answer)

    def send(self, message: dict[str, Any]) -> None:
        try:
            self.out.write(json.dumps(message, ensure_ascii=False) + "\n")
            self.out.flush()
        except (OSError, ValueError):  # the parent went away
            self.quit_requested.emit()

    def shutdown(self) -> None:
        for request_id in list(self.jobs):
            self.cancel(request_id)
