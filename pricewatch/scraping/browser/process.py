"""The parent's handle on one renderer helper process: start, talk, measure, stop (no Qt here).

A reader thread takes the helper's answer lines and hands each to the fetch waiting for it. When the helper
dies (crash, SIGKILL, out of memory), every fetch still waiting gets a transient ``browser_crashed`` error
at once; the client starts a new helper for the next fetch.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import logging
import signal
import subprocess
import sys
import threading
from typing import IO, Any

import psutil  # type: ignore[import-untyped]

from pricewatch.errors import PermanentError, TransientError
from pricewatch.scraping.browser.protocol import Request, failure
from pricewatch.scraping.browser.settings import BrowserSettings
from pricewatch.text import clean_line

log = logging.getLogger(__name__)

HELPER_MODULE = "pricewatch.scraping.browser.helper"
MAX_LINE_BYTES = 64_000_000  # an answer line larger than this means a broken helper


class Pending:
    """One render waiting for its answer."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.answer: dict[str, Any] | None = None
        self._event = threading.Event()

    def resolve(self, answer: dict[str, Any]) -> None:
        if self.answer is None:
            self.answer = answer
        self._event.set()

    def wait(self, timeout: float) -> bool:
        return self._event.wait(timeout)


class HelperProcess:
    """A running helper. ``pages`` counts answered renders; ``in_flight`` the ones still out."""

    def __init__(self, settings: BrowserSettings) -> None:
        self.settings = settings
        self.pages = 0
        self.retiring = False
        self.user_agent = ""
        self._ids = itertools.count(1)
        self._pending: dict[int, Pending] = {}
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        self._dead_reason: str | None = None
        config = json.dumps(settings.helper_config("helper"))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", HELPER_MODULE, config],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            close_fds=True,
        )
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(
            target=self._read, args=(self.proc.stdout,), name="browser-helper-out", daemon=True
        ).start()
        threading.Thread(
            target=self._drain, args=(self.proc.stderr,), name="browser-helper-err", daemon=True
        ).start()
        if not self._ready.wait(settings.start_timeout) or self._dead_reason is not None:
            tail = " | ".join(self._stderr_tail)[-600:]
            self.kill()
            if self._dead_reason is not None:
                raise PermanentError(f"the browser could not start ({self._dead_reason}): {tail}",
                                     kind="browser_unavailable")  # fmt: skip
            raise TransientError(f"the browser did not start within {settings.start_timeout:g} s: {tail}",
                                 kind="browser_crashed")  # fmt: skip
        log.info("browser helper started (pid %d)", self.proc.pid)

    # -- requests ---------------------------------------------------------------------------------------
    def submit(self, url: str, deadline: float, selector: str, allow_local: bool) -> Pending:
        with self._lock:
            request = Request(next(self._ids), url, deadline, selector, allow_local)
            pending = Pending(request)
            if self._dead_reason is not None:
                pending.resolve(self._crash_answer(request.id))
                return pending
            self._pending[request.id] = pending
        if not self._send(request.to_json()):
            with self._lock:
                self._pending.pop(request.id, None)
            pending.resolve(self._crash_answer(request.id))
        return pending

    def cancel(self, pending: Pending) -> None:
        with self._lock:
            self._pending.pop(pending.request.id, None)
        self._send({"op": "cancel", "id": pending.request.id})

    def forget(self, pending: Pending) -> None:
        with self._lock:
            self._pending.pop(pending.request.id, None)

    @property
    def in_flight(self) -> int:
        with self._lock:
            return len(self._pending)

    @property
    def alive(self) -> bool:
        return self._dead_reason is None and self.proc.poll() is None

    def rss_bytes(self) -> int:
        """Memory of the helper and its renderer processes together: their proportional set size (shared
        library pages counted once over all of them), or the sum of resident sizes where there is no PSS."""
        try:
            root = psutil.Process(self.proc.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for process in processes:
            with contextlib.suppress(psutil.Error):
                info = process.memory_full_info()
                total += getattr(info, "pss", info.rss)
        return total

    # -- life -------------------------------------------------------------------------------------------
    def stop(self, timeout: float = 5.0) -> None:
        """Ask the helper to quit; kill it (and its renderers) when it does not within ``timeout``."""
        self._send({"op": "quit"})
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.Error:
            children = []
        with contextlib.suppress(OSError):
            self.proc.kill()
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)

    def _send(self, message: dict[str, Any]) -> bool:
        line = (json.dumps(message) + "\n").encode("utf-8")
        try:
            with self._lock:
                assert self.proc.stdin is not None
                self.proc.stdin.write(line)
                self.proc.stdin.flush()
        except (OSError, ValueError):
            return False
        return True

    def _read(self, stream: IO[bytes]) -> None:
        for raw in iter(lambda: stream.readline(MAX_LINE_BYTES), b""):
            try:
                message = json.loads(raw)
            except ValueError:
                log.warning("browser helper wrote a line that is not JSON; ignored")
                continue
            if not isinstance(message, dict):
                continue
            if message.get("op") == "ready":
                self.user_agent = str(message.get("user_agent") or "")
                self._ready.set()
                continue
            with self._lock:
                pending = self._pending.pop(message.get("id"), None)  # type: ignore[arg-type]
            if pending is not None:
                self.pages += 1
                pending.resolve(message)
        stream.close()
        self._died()

    def _drain(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            line = clean_line(raw.decode("utf-8", "replace"), 300)
            if line:
                self._stderr_tail.append(line)
                log.debug("browser helper: %s", line)
        stream.close()

    def _died(self) -> None:
        with contextlib.suppress(OSError, ValueError), self._lock:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            code = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            code = None
        reason = f"exited with status {code}"
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                reason = f"killed by {signal.Signals(-code).name}"
        with self._lock:
            self._dead_reason = reason
            pending = list(self._pending.values())
            self._pending.clear()
        self._ready.set()
        if pending:
            log.warning("browser helper %s with %d pages in flight", reason, len(pending))
        for item in pending:
            item.resolve(self._crash_answer(item.request.id))

    def _crash_answer(self, request_id: int) -> dict[str, Any]:
        message = (
            f"the browser helper stopped ({self._dead_reason or 'not running'}) while rendering the page; "
            "it is restarted for the next try"
        )
        error = TransientError(message, kind="browser_crashed")
        return failure(request_id, error)
