"""Extraction in a small process pool, so parsing pages does not hold the GIL the task threads share.

A price check spends most of its CPU in extraction (lxml parse, structured data, the visible-page scan).
The scraping workers are threads, so on a busy check run extraction is what keeps the other threads from
their fetches. :class:`ExtractionPool` runs :func:`~pricewatch.scraping.extract.extract` in worker processes
(one per core, started on first use with ``spawn``: never ``fork`` while Qt threads are alive): the page text
goes in, the Extraction's JSON comes out and is rebuilt here. On one core, when disabled, or after
:meth:`ExtractionPool.close`, extraction runs inline on the caller's thread as before.

Workers are direct children (not of a fork server, whose workers outlive a killed application): each one
leaves when its parent is gone, and ignores Ctrl+C (the application shuts the pool down itself). As with any
``spawn`` child, the main script is imported again in the workers, so it must keep the
``if __name__ == "__main__"`` guard (``pricewatch`` and ``python -m pricewatch`` do).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal
from typing import Any, TypeVar

from pricewatch.errors import CancelledError
from pricewatch.models import Availability
from pricewatch.scraping import money
from pricewatch.scraping.extract import Extraction, Offer, PriceCandidate, extract
from pricewatch.scraping.page_check import PageCheck, check_page
from pricewatch.scraping.reading import PageReading, read_page

log = logging.getLogger(__name__)
T = TypeVar("T")

WAIT_SLICE = 0.25  # seconds between looks at the cancel flag while a worker extracts
PARENT_CHECK = 1.0  # seconds between a worker's looks at whether the application still runs
IDLE_SECONDS = 60.0  # workers unused this long are stopped (checks come in hourly bursts); restarted on use
# Workers run at a lower CPU priority (a nice value): when the cores are busy, the application's threads (the
# window above all) go first. Without it, the workers starting up (an interpreter and lxml each) took both
# cores at the start of a big check, and the window waited for a core, and for the GIL held by a thread that
# waited for one too.
WORKER_NICE = 10
CRASHED = "the page could not be read: the extraction process stopped"


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def extract_json(
    html: str | bytes, url: str | None, selector: str | None, encoding: str | None
) -> dict[str, Any]:
    """The worker's job: extract one page, return its JSON (plain data crosses the process boundary)."""
    return extract(html, url, selector=selector, encoding=encoding).to_json()


def read_json(html: str, url: str | None, selector: str | None, encoding: str | None) -> dict[str, Any]:
    """The worker's job for a fetched page: its extraction and its page check, as JSON."""
    reading = read_page(html, url, selector=selector, encoding=encoding)
    check = reading.check
    return {
        "extraction": reading.extraction.to_json(),
        "check": [check.bot_check, check.empty_shell, check.has_scripts],
    }


def reading_from_json(data: dict[str, Any]) -> PageReading:
    bot_check, empty_shell, has_scripts = data["check"]
    check = PageCheck(bot_check=bot_check, empty_shell=bool(empty_shell), has_scripts=bool(has_scripts))
    return PageReading(extraction_from_json(data["extraction"]), check)


def worker_init(parent: int) -> None:
    """Start of each worker: leave when the application is gone (killed: no one shuts us down), no Ctrl+C."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:  # an orphan is handed to another process at once, even by a kill -9
            time.sleep(PARENT_CHECK)
        os._exit(0)

    threading.Thread(target=watch, name="pricewatch-parent-watch", daemon=True).start()
    money.warm()  # while the worker starts, not during its first page


def _money(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def extraction_from_json(data: dict[str, Any]) -> Extraction:
    """Rebuild an :class:`Extraction` from :meth:`Extraction.to_json` (exact: Decimals travel as text)."""
    offers = [
        Offer(
            price=_money(o["price"]),
            currency=o["currency"],
            availability=Availability(o["availability"]),
            name=o["name"],
            sku=o["sku"],
            url=o["url"],
            method=o["method"],
            list_price=_money(o.get("list_price")),
            valid_until=o.get("valid_until"),
        )
        for o in data["offers"]
    ]
    structured = data["structured_availability"]
    return Extraction(
        price=_money(data["price"]),
        currency=data["currency"],
        availability=Availability(data["availability"]),
        title=data["title"],
        image_url=data["image_url"],
        sku=data["sku"],
        brand=data["brand"],
        offers=offers,
        methods=dict(data["methods"]),
        reason=data["reason"],
        structured_price=_money(data["structured_price"]),
        visible_price=_money(data["visible_price"]),
        structured_availability=None if structured is None else Availability(structured),
        list_price=_money(data.get("list_price")),
        confidence=float(data.get("confidence", 0.0)),
        unsure=bool(data.get("unsure", False)),
        evidence=list(data.get("evidence", [])),
        candidates=[PriceCandidate.from_json(c) for c in data.get("candidates", [])],
        price_selector=data.get("price_selector"),
        quantity=data.get("quantity"),
    )


class ExtractionPool:
    """Thread-safe; see the module docstring. Workers start on the first :meth:`extract`.

    Args:
        enabled: False runs every extraction inline.
        workers: processes to start; by default one per core, and inline on a single core (a worker would
            only add copying there).
        idle_seconds: workers unused this long are stopped, so a desktop app does not keep them (and their
            memory) between hourly check runs; the next extraction starts them again.
    """

    def __init__(
        self, *, enabled: bool = True, workers: int | None = None, idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self.workers = workers if workers is not None else available_cores()
        self.enabled = enabled and self.workers > (0 if workers is not None else 1)
        self.idle_seconds = idle_seconds
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._busy = 0  # extractions between _get_executor and their result
        self._reniced: set[int] = set()  # worker pids given WORKER_NICE
        self._last_used = time.monotonic()
        self._stop = threading.Event()
        self._reaper: threading.Thread | None = None

    @property
    def running(self) -> bool:
        """Whether worker processes are (or are being) used right now."""
        return self._executor is not None

    def extract(
        self,
        html: str | bytes,
        url: str | None = None,
        *,
        selector: str | None = None,
        encoding: str | None = None,
        cancel: threading.Event | None = None,
    ) -> Extraction:
        """Like :func:`~pricewatch.scraping.extract.extract`; raises CancelledError when ``cancel`` is set."""
        return self._run(
            extract_json,
            extraction_from_json,
            lambda: extract(html, url, selector=selector, encoding=encoding),
            (html, url, selector, encoding),
            cancel,
            crashed=lambda: Extraction(reason=CRASHED),
        )

    def read(
        self,
        html: str,
        url: str | None = None,
        *,
        selector: str | None = None,
        encoding: str | None = None,
        cancel: threading.Event | None = None,
    ) -> PageReading:
        """Like :func:`~pricewatch.scraping.reading.read_page`; raises CancelledError on ``cancel``."""
        return self._run(
            read_json,
            reading_from_json,
            lambda: read_page(html, url, selector=selector, encoding=encoding),
            (html, url, selector, encoding),
            cancel,
            crashed=lambda: PageReading(Extraction(reason=CRASHED), check_page(html)),
        )

    def _run(
        self,
        job: Callable[..., dict[str, Any]],
        rebuild: Callable[[dict[str, Any]], T],
        inline: Callable[[], T],
        args: tuple[object, ...],
        cancel: threading.Event | None,
        crashed: Callable[[], T],
    ) -> T:
        """``job(*args)`` in a worker, its JSON rebuilt; ``inline()`` without workers; ``crashed()`` when the
        worker died on it twice."""
        for attempt in range(2):
            executor = self._get_executor()
            if executor is None:
                return inline()
            try:
                future = executor.submit(job, *args)
                self._lower_priority(executor)
                return rebuild(self._wait(future, cancel))
            except BrokenProcessPool:
                # A worker died (out of memory, a crash in a parser): every page it had in flight fails
                # with it, so give each one more try on a fresh pool before blaming the page.
                log.warning("an extraction process stopped; starting a new pool (attempt %d)", attempt + 1)
                self._discard(executor)
            except RuntimeError:  # shut down under us (the application is closing): finish inline
                if not self._closed:
                    raise
                return inline()
            finally:
                with self._lock:
                    self._busy -= 1
                    self._last_used = time.monotonic()
        return crashed()

    def close(self) -> None:
        """Stop the workers (waiting for pages in hand); later extractions run inline."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
            reaper, self._reaper = self._reaper, None
        self._stop.set()
        if reaper is not None:
            reaper.join()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    # -- internals ---------------------------------------------------------------------------------------
    def _get_executor(self) -> ProcessPoolExecutor | None:
        if not self.enabled or self._closed:
            return None
        with self._lock:
            if self._closed:
                return None
            if self._executor is None:
                self._reniced.clear()
                self._executor = ProcessPoolExecutor(
                    self.workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=worker_init,
                    initargs=(os.getpid(),),
                )
                if self._reaper is None:
                    self._reaper = threading.Thread(
                        target=self._reap_idle, name="pricewatch-extract-reaper", daemon=True
                    )
                    self._reaper.start()
            self._busy += 1  # counted under the lock, so the reaper never stops a pool about to be used
            return self._executor

    def _lower_priority(self, executor: ProcessPoolExecutor) -> None:
        """Give the workers started by the last submit (they start lazily, one per submit) WORKER_NICE."""
        processes = getattr(executor, "_processes", None) or {}
        with self._lock:
            new = [pid for pid in processes if pid not in self._reniced]
            self._reniced.update(new)
        for pid in new:
            try:
                os.setpriority(os.PRIO_PROCESS, pid, WORKER_NICE)
            except (OSError, AttributeError):  # gone already, or a platform without priorities
                continue

    def _reap_idle(self) -> None:
        """Stop the workers after ``idle_seconds`` without work; ends with the pool (or on close)."""
        while not self._stop.wait(min(self.idle_seconds / 4, 5.0)):
            with self._lock:
                executor = self._executor
                idle = self._busy == 0 and time.monotonic() - self._last_used >= self.idle_seconds
                if executor is None or not idle:
                    continue
                self._executor = None
            log.debug("extraction workers idle for %.0f s: stopping them", self.idle_seconds)
            executor.shutdown(wait=True)

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)

    @staticmethod
    def _wait(future: Future[dict[str, Any]], cancel: threading.Event | None) -> dict[str, Any]:
        if cancel is None:
            return future.result()
        while True:
            if cancel.is_set():
                future.cancel()
                raise CancelledError()
            try:
                return future.result(timeout=WAIT_SLICE)
            except FutureTimeout:
                continue


__all__ = [
    "ExtractionPool",
    "available_cores",
    "extract_json",
    "extraction_from_json",
    "read_json",
    "reading_from_json",
]
