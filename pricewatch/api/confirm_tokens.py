"""One-time tokens for the bookmarklet's confirm page: what the page showed, redeemable once, for a while.

A token is the page's CSRF token and the server's record of what it asked to add: the POST carries only the
token, so a request without one that the server handed out (a forged form on a shop's page, a replay, a
guess) adds nothing and cannot choose what would be added.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

TOKEN_LIFETIME = 15 * 60.0
MAX_PENDING = 200  # a page that opens the confirm page in a loop only pushes out the oldest


@dataclass(frozen=True, slots=True)
class PendingAdd:
    """The address and title a confirm page showed."""

    url: str
    title: str | None


class ConfirmTokens:
    """Hands out tokens (:meth:`issue`) and redeems each once (:meth:`take`); thread-safe."""

    def __init__(
        self,
        lifetime: float = TOKEN_LIFETIME,
        capacity: int = MAX_PENDING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lifetime = lifetime
        self._capacity = capacity
        self._clock = clock
        self._pending: OrderedDict[str, tuple[float, PendingAdd]] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self, pending: PendingAdd) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._drop_expired()
            self._pending[token] = (self._clock() + self._lifetime, pending)
            while len(self._pending) > self._capacity:
                self._pending.popitem(last=False)
        return token

    def take(self, token: str) -> PendingAdd | None:
        """What ``token`` was issued for, once; None for an unknown, used or expired token."""
        with self._lock:
            self._drop_expired()
            entry = self._pending.pop(token, None)
        return None if entry is None else entry[1]

    def _drop_expired(self) -> None:
        now = self._clock()
        for token in [t for t, (expires, _) in self._pending.items() if expires <= now]:
            del self._pending[token]
