"""The API's bearer token: generated on first use, kept in a file only its owner can read.

The server re-reads the file when it changes on disk, so ``pricewatch api-token --regenerate`` run from
another process takes effect within ``RECHECK`` seconds (the old token is refused from then on); a token
replaced in this process (the settings dialog) takes effect at once. Between two looks at the file the
answer comes from memory: a ``stat()`` per request let the API's event loop lose the interpreter lock to the
task threads once more per request (a tenth of its time under bench/api_load.py).
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
import stat
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)
TOKEN_BYTES = 32
RECHECK = 0.05  # seconds a look at the token file stays good
# Bumped by every token written in this process: every store then looks at the file again at once.
_written = [0]


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class TokenStore:
    """Reads, creates and replaces the token file; :meth:`matches` is safe to call from many threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        # (file stamp, token, look again after (monotonic), _written when looked)
        self._cached: tuple[tuple[int, int, int], str, float, int] | None = None

    def get_or_create(self) -> str:
        with self._lock:
            token = self._read()
            if token is None:
                return self._write(secrets.token_urlsafe(TOKEN_BYTES))
            mode = stat.S_IMODE(os.stat(self.path).st_mode)
            if mode & 0o077:  # copied or restored with looser permissions: others could read it
                log.warning(
                    "API token file %s was readable by others (mode %o); set to 0600", self.path, mode
                )
                os.chmod(self.path, 0o600)
            return token

    def regenerate(self) -> str:
        return self.replace(new_token())

    def replace(self, token: str) -> str:
        """Store ``token`` (made by :func:`new_token`, e.g. shown in the settings dialog before Save)."""
        with self._lock:
            return self._write(token)

    def matches(self, candidate: str) -> bool:
        """Constant-time comparison with the current token; False when no token exists."""
        token = self._current()
        if not token or not candidate:
            return False
        return hmac.compare_digest(candidate.encode("utf-8", "surrogateescape"), token.encode("utf-8"))

    def _current(self) -> str | None:
        cached, now = self._cached, time.monotonic()
        if cached is not None and now < cached[2] and cached[3] == _written[0]:
            return cached[1]
        written = _written[0]
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if cached is not None and cached[0] == stamp:
            self._cached = (stamp, cached[1], now + RECHECK, written)
            return cached[1]
        with self._lock:
            token = self._read()
        if token is not None:
            self._cached = (stamp, token, now + RECHECK, written)
        return token

    def _read(self) -> str | None:
        try:
            token = self.path.read_text(encoding="utf-8").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            return None
        return token or None

    def _write(self, token: str) -> str:
        """Write atomically with mode 0600 from the start (never briefly world-readable)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # an existing temp file keeps its old mode otherwise
            os.write(fd, (token + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        self._cached = None
        _written[0] += 1
        return token
