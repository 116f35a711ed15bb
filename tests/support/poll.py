"""Waiting for another thread or process: poll a condition with a deadline, never sleep for a guessed time.

Tests on the GUI thread wait with ``qtbot.waitUntil`` or ``qtbot.waitSignal`` instead: those keep the Qt event
loop running, which a sleeping poll would starve.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def until(
    condition: Callable[[], T],
    *,
    timeout: float = 30.0,
    interval: float = 0.02,
    message: str | Callable[[], str] = "a condition",
) -> T:
    """Call ``condition`` until it returns something true, and return that; fail the test after ``timeout``.

    Args:
        condition: asked first at once, then every ``interval`` seconds; it may fail the test itself (a
            process it waits on has exited, say).
        timeout: seconds; a bound on a hang, not an estimate of how long the work takes.
        interval: seconds between two calls.
        message: what the test waits for; a callable is asked only on failure, for the last state seen.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            what = message() if callable(message) else message
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)
