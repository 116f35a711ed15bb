"""Extraction in worker processes: same results as inline, real processes, crash recovery, cancel, close."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psutil  # type: ignore[import-untyped]
import pytest

from pricewatch.config import Settings
from pricewatch.errors import CancelledError
from pricewatch.models import Availability
from pricewatch.scraping import pool as pool_module
from pricewatch.scraping.extract import Extraction, Offer, extract
from pricewatch.scraping.page_check import check_page
from pricewatch.scraping.pool import ExtractionPool, extraction_from_json
from pricewatch.scraping.reading import read_page
from tests.support.app import open_pricewatch

PAGES = Path(__file__).parents[1] / "data" / "pages"
PAGE = """<html><head><script type="application/ld+json">{"@type": "Product", "name": "Kettle",
"offers": {"@type": "Offer", "price": "19.99", "priceCurrency": "EUR"}}</script></head><body></body></html>"""


def real_pages() -> list[tuple[str, str]]:
    files = sorted(PAGES.glob("*.html.gz"))
    return [*((p.name, gzip.decompress(p.read_bytes()).decode("utf-8")) for p in files), ("tiny", PAGE)]


def worker_pids(pool: ExtractionPool) -> list[int]:
    executor = pool._executor
    assert executor is not None
    return [p.pid for p in executor._processes.values() if p.pid is not None]


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    pool = ExtractionPool(workers=2)
    yield pool
    pool.close()


def test_json_round_trip_is_exact() -> None:
    original = Extraction(
        price=Decimal("1299.00"),
        currency="EUR",
        availability=Availability.IN_STOCK,
        title="Bike",
        image_url="https://shop.example/b.jpg",
        sku="B-1",
        brand="Acme",
        offers=[
            Offer(Decimal("1299.00"), "EUR", Availability.IN_STOCK, "L", "B-1-L", None, "jsonld"),
            Offer(None, None, Availability.OUT_OF_STOCK, "XL", None, "https://shop.example/xl", "microdata"),
        ],
        methods={"price": "visible", "title": "jsonld"},
        reason=None,
        structured_price=Decimal("1399.00"),
        visible_price=Decimal("1299.00"),
        structured_availability=Availability.OUT_OF_STOCK,
    )  # fmt: skip
    assert extraction_from_json(original.to_json()) == original
    assert extraction_from_json(Extraction(reason="no price").to_json()) == Extraction(reason="no price")


def test_workers_give_what_inline_extraction_gives(pool: ExtractionPool) -> None:
    for name, html in real_pages():
        url = f"https://shop.example/{name}"
        assert pool.extract(html, url) == extract(html, url), name
    pids = worker_pids(pool)
    assert pids and os.getpid() not in pids
    assert pool.extract(PAGE, selector="h1") == extract(PAGE, selector="h1")


def test_workers_read_pages_as_inline_reading_does(pool: ExtractionPool) -> None:
    """The page check travels back with the extraction, the same as made on this thread."""
    shell = '<html><head><script src="/app.js"></script></head><body><div id="root"></div></body></html>'
    for name, html in [*real_pages(), ("shell", shell)]:
        url = f"https://shop.example/{name}"
        assert pool.read(html, url) == read_page(html, url), name
        assert pool.read(html, url).check == check_page(html), name
    assert pool.read(shell).check.empty_shell
    assert worker_pids(pool)


def test_workers_yield_the_cores_to_the_application(pool: ExtractionPool) -> None:
    assert pool.extract(PAGE).price == Decimal("19.99")
    pids = worker_pids(pool)
    assert pids
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    assert all(os.getpriority(os.PRIO_PROCESS, pid) == max(mine, pool_module.WORKER_NICE) for pid in pids)


def test_many_threads_share_the_pool(pool: ExtractionPool) -> None:
    pages = real_pages()
    expected = {name: extract(html, "https://shop.example/p") for name, html in pages}
    results: dict[str, list[Extraction]] = {name: [] for name, _ in pages}

    def work(name: str, html: str) -> None:
        results[name].append(pool.extract(html, "https://shop.example/p"))

    threads = [threading.Thread(target=work, args=page) for page in pages * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(found == [expected[name]] * 3 for name, found in results.items())


def test_killed_workers_are_replaced(pool: ExtractionPool) -> None:
    assert pool.extract(PAGE).price == Decimal("19.99")
    executor = pool._executor
    for pid in worker_pids(pool):
        os.kill(pid, signal.SIGKILL)
    for process in list(executor._processes.values()):  # type: ignore[union-attr]
        process.join(10)
    assert pool.extract(PAGE).price == Decimal("19.99")  # a fresh pool, not an error
    assert pool._executor is not executor


def test_cancel_while_waiting_raises(pool: ExtractionPool) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        pool.extract(PAGE, cancel=cancel)


def test_disabled_closed_or_one_core_runs_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    off = ExtractionPool(enabled=False)
    assert off.extract(PAGE).price == Decimal("19.99") and not off.running
    monkeypatch.setattr(pool_module, "available_cores", lambda: 1)
    single = ExtractionPool()
    assert not single.enabled and single.extract(PAGE).price == Decimal("19.99") and not single.running
    monkeypatch.setattr(pool_module, "available_cores", lambda: 4)
    assert ExtractionPool().enabled and ExtractionPool().workers == 4
    pool = ExtractionPool(workers=2)
    pool.close()
    assert pool.extract(PAGE).price == Decimal("19.99") and not pool.running


def test_setting_turns_the_pool_off() -> None:
    assert Settings().tasks.extract_in_processes is True
    app = open_pricewatch()
    try:
        app.settings.tasks.extract_in_processes = False
        assert app.extractor.enabled is False and app.extractor is app.extractor
    finally:
        app.close()
    sync = open_pricewatch(executor="sync")  # one check at a time: a worker would only cost its start
    try:
        assert sync.extractor.enabled is False
    finally:
        sync.close()


def test_closing_the_app_stops_the_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "available_cores", lambda: 2)  # the pool even on a one-core runner
    app = open_pricewatch()
    assert app.extractor.extract(PAGE).price == Decimal("19.99")
    executor = app.extractor._executor
    assert executor is not None
    processes = list(executor._processes.values())
    assert processes and all(p.is_alive() for p in processes)
    app.close()
    assert not any(p.is_alive() for p in processes)
    assert app.extractor.extract(PAGE).price == Decimal("19.99")  # after close: inline


CHILD = """
import json, sys
from pricewatch.scraping.pool import ExtractionPool
if __name__ == "__main__":
    pool = ExtractionPool(workers=2)
    pool.extract(sys.argv[1])
    print(json.dumps([p.pid for p in pool._executor._processes.values()]), flush=True)
    sys.stdin.read()
"""


def test_workers_leave_when_the_application_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "app_main.py"
    script.write_text(CHILD)
    with subprocess.Popen(
        [sys.executable, str(script), PAGE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).parents[2],
    ) as app:  # fmt: skip
        try:
            assert app.stdout is not None
            workers = [psutil.Process(pid) for pid in json.loads(app.stdout.readline())]
            assert workers and all(w.is_running() for w in workers)
            app.send_signal(signal.SIGKILL)
            app.wait(10)
            _gone, alive = psutil.wait_procs(workers, timeout=15)
            assert alive == []
        finally:
            app.kill()


def test_idle_workers_are_stopped_and_started_again_on_use() -> None:
    pool = ExtractionPool(workers=2, idle_seconds=0.3)
    try:
        assert pool.extract(PAGE).price == Decimal("19.99")
        workers = [psutil.Process(pid) for pid in worker_pids(pool)]
        _gone, alive = psutil.wait_procs(workers, timeout=30)  # the reaper stops them after 0.3 s idle
        assert alive == [] and not pool.running
        assert pool.extract(PAGE).price == Decimal("19.99") and pool.running
        assert set(worker_pids(pool)).isdisjoint(w.pid for w in workers)
    finally:
        pool.close()
    assert not any(t.name == "pricewatch-extract-reaper" for t in threading.enumerate())
