"""The journal's write lock: one holder at a time, re-entrant, background writers in a line of their own."""

from __future__ import annotations

import threading
import time

import pytest

from pricewatch.storage.journal_lock import JournalLock, mark_background

WAIT = 5.0  # seconds a test waits for a thread that should get there at once


def _in_thread(fn: object) -> threading.Thread:
    thread = threading.Thread(target=fn, daemon=True)
    thread.start()
    return thread


def _free_for_another_thread(lock: JournalLock) -> bool:
    """Whether a foreground thread could take the lock now (without waiting)."""
    taken: list[bool] = []

    def probe() -> None:
        if lock._write.acquire(blocking=False):
            lock._write.release()
            taken.append(True)

    _in_thread(probe).join(WAIT)
    return bool(taken)


@pytest.mark.parametrize("background", [False, True])
def test_the_lock_is_reentrant_and_released_after_an_error(background: bool) -> None:
    lock = JournalLock()

    def write_twice_then_fail() -> None:
        if background:
            mark_background()
        with pytest.raises(RuntimeError), lock:
            with lock:
                pass
            assert not _free_for_another_thread(lock)
            raise RuntimeError("the statement failed")

    _in_thread(write_twice_then_fail).join(WAIT)
    assert _free_for_another_thread(lock)
    assert lock._line.acquire(blocking=False)  # the line too is free again


def test_a_second_background_writer_waits_in_the_line_not_at_the_write_lock() -> None:
    lock = JournalLock()
    holder_inside, release_holder = threading.Event(), threading.Event()
    order: list[str] = []

    def foreground_holder() -> None:
        with lock:
            holder_inside.set()
            release_holder.wait(WAIT)

    def background(name: str) -> None:
        mark_background()
        with lock:
            order.append(name)

    holder = _in_thread(foreground_holder)
    assert holder_inside.wait(WAIT)
    first = _in_thread(lambda: background("first"))
    deadline = time.monotonic() + WAIT
    while lock._line.acquire(blocking=False):  # until the first has taken its place in the line
        lock._line.release()
        assert time.monotonic() < deadline, "the background writer never lined up"
        first.join(0.001)
    second = _in_thread(lambda: background("second"))
    second.join(0.05)
    # Both wait: the first at the write lock, the second in the line.
    assert second.is_alive() and first.is_alive()
    # A foreground writer is not in that line: it waits for the write lock only, with at most the first.
    assert not _free_for_another_thread(lock)
    release_holder.set()
    for thread in (holder, first, second):
        thread.join(WAIT)
    assert order == ["first", "second"]
