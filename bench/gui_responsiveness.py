"""How responsive the real main window stays with a big database while a large check runs.

Usage: .venv/bin/python bench/gui_responsiveness.py [--products N] [--observations M] [--check K]

1. A child process writes N products and M observations straight into a fresh SQLite database (executemany),
   so generating the data costs this process no memory.
2. This process then imports the GUI, creates the facade and the real MainWindow (offscreen unless
   QT_QPA_PLATFORM says otherwise) and measures the time from the start of that to the window being exposed.
3. A 10 ms heartbeat QTimer records the longest gap between its ticks (a GUI-thread stall) from the window
   being shown until a check of K products against a local HTTP server (tests/support/pageserver.py) has
   finished and every update has reached the tables. RSS is sampled on every tick (psutil).
4. Comparison figures from the same run: the same heartbeat in an idle Qt event loop after the window closed
   (idle_max_stall_ms: what the machine and OS alone cause), and the stall a naive window would cause by
   reading all products and their sparklines on the GUI thread (naive_load_ms, timed at the end).
5. After the check, with the heartbeat stopped: the GUI thread's time for a user's searches (filter_ms) and
   clicks on column headers (sort_ms), each until the table has repainted; the slowest of each is reported.

The last line holds the figures as key=value pairs. Targets at 100,000 products and 10M observations:
max_stall_ms <= 50, startup_s < 1.5, peak_rss_mb < 400, filter_ms < 100, sort_ms < 100. ``--home DIR``
keeps the generated data in DIR and reuses it on the next run (the checks change the first K products).
Debugging: BENCH_VERBOSE=1 lists the stalls over 40 ms, the GUI thread's stack when it is late and each
search and sort timed; BENCH_TRACE=1 splits each stall into the GUI thread's own work, waiting for a core and
waiting for the GIL, with the callbacks and collections that ran (bench/stall_trace.py); BENCH_PROFILE=1
profiles the check.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # the storage codec's format (fixed width, sortable)


def _t(value: datetime) -> str:
    return value.astimezone(UTC).strftime(TIME_FORMAT)


def generate(home: Path, products: int, observations: int, base_url: str) -> None:
    """Runs in a child process: schema through the facade, rows through executemany."""
    os.environ["PRICEWATCH_HOME"] = str(home)
    from pricewatch.app import PriceWatch

    with PriceWatch() as app:  # creates the folders and the schema
        db_path = app.paths.database_file
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    now = datetime.now(UTC)
    per_product = max(1, observations // products)
    rng = random.Random(42)
    prices: dict[int, list[int]] = {}

    def product_rows() -> Iterator[tuple[object, ...]]:
        for pid in range(1, products + 1):
            walk = [rng.randint(2000, 90000)]
            for _ in range(per_product - 1):
                walk.append(max(100, walk[-1] + rng.randint(-900, 800)))
            prices[pid] = walk
            cents = [str(c / 100) for c in walk]
            yield (
                pid, f"{base_url}/p/{pid}", f"{rng.choice(SHOP_WORDS)} {rng.choice(ITEM_WORDS)} {pid}",
                f"shop{pid % 97}.example", "EUR", cents[-1], cents[-2] if len(cents) > 1 else None,
                str(min(walk) / 100), str(max(walk) / 100), "InStock", None, 60, 0, 0,
                _t(now - timedelta(days=200)), _t(now - timedelta(minutes=rng.randint(1, 59))),
                _t(now + timedelta(minutes=rng.randint(1, 59))),
            )  # fmt: skip

    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO products (id, url, title, shop, currency, price, previous_price, lowest_price,"
        " highest_price, availability, target_price, check_interval_minutes, ignore_robots, paused,"
        f" created_at, last_checked_at, next_check_at) VALUES ({', '.join('?' * 17)})",
        product_rows(),
    )

    def observation_rows() -> Iterator[tuple[object, ...]]:
        start = now - timedelta(days=180)
        step = timedelta(days=180) / per_product
        for pid in range(1, products + 1):
            for n, cents in enumerate(prices.pop(pid)):
                yield (pid, _t(start + step * n), str(cents / 100), "EUR", "InStock")

    conn.executemany(
        "INSERT INTO observations (product_id, observed_at, price, currency, availability)"
        " VALUES (?, ?, ?, ?, ?)",
        observation_rows(),
    )
    conn.execute("COMMIT")
    conn.close()


SHOP_WORDS = ("Steel", "Compact", "Wireless", "Classic", "Pro", "Travel", "Smart", "Outdoor", "Kids", "Eco")
ITEM_WORDS = (
    "kettle",
    "headphones",
    "backpack",
    "lamp",
    "blender",
    "jacket",
    "drill",
    "monitor",
    "boots",
    "tent",
)


def page(n: int) -> str:
    data = {"@context": "https://schema.org", "@type": "Product", "name": f"Product {n}",
            "offers": {"@type": "Offer", "price": f"{(n % 500) + 9}.99", "priceCurrency": "EUR",
                       "availability": "https://schema.org/InStock"}}  # fmt: skip
    return (f"<!doctype html><html lang='en'><head><title>Product {n}</title>"
            f"<script type='application/ld+json'>{json.dumps(data)}</script></head>"
            f"<body><h1>Product {n}</h1></body></html>")  # fmt: skip


def _idle_heartbeat(qt_app: object, seconds: float) -> float:
    """The longest gap of a 10 ms timer in an event loop doing nothing else (the machine's own jitter)."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    clock = QElapsedTimer()
    clock.start()
    state = {"last": 0.0, "max": 0.0}

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        state["max"] = max(state["max"], now - state["last"])
        state["last"] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(beat)
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    state["last"] = clock.nsecsElapsed() / 1e6
    timer.start()
    loop.exec()
    timer.stop()
    return state["max"]


def serve(count: int) -> None:
    """Runs in a child process: the product pages on a local threaded HTTP server until stdin closes."""
    from tests.support.pageserver import PageServer

    with PageServer() as server:
        for n in range(1, count + 1):
            server.add(f"/p/{n}", page(n))
        print(server.url("").rstrip("/"), flush=True)
        sys.stdin.read()


def measure(home: Path, products: int, check: int, server_url_file: Path) -> dict[str, float]:
    os.environ["PRICEWATCH_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import psutil

    process = psutil.Process()
    started = time.perf_counter()
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from pricewatch.app import PriceWatch
    from pricewatch.gui.application import allow_web_engine_later, freeze_heap
    from pricewatch.gui.main_window import MainWindow
    from pricewatch.gui.malloc_arenas import limit_malloc_arenas
    from pricewatch.interpreter import tune_interpreter
    from pricewatch.scheduling import Scheduler

    limit_malloc_arenas()  # as run_application does
    tune_interpreter()
    allow_web_engine_later()
    qt_app = QApplication.instance() or QApplication([])
    app = PriceWatch(scheduler=Scheduler)
    app.start(scheduler=False)
    window = MainWindow(app)
    window.product_sync.loaded.connect(freeze_heap)  # as run_application does
    window.product_sync.orders_made.connect(freeze_heap)
    window.show()
    loop = QEventLoop()
    shown = {"at": 0.0}

    def exposed() -> None:
        if window.windowHandle() is not None and window.windowHandle().isExposed():
            shown["at"] = time.perf_counter()
            loop.quit()
        else:
            QTimer.singleShot(1, exposed)

    QTimer.singleShot(0, exposed)
    loop.exec()
    startup = shown["at"] - started

    stats = {"max_gap": 0.0, "rss": process.memory_info().rss, "ticks": 0}
    clock = QElapsedTimer()
    clock.start()
    last = {"ms": clock.nsecsElapsed() / 1e6}

    phase = {"name": "loading"}
    gaps: list[float] = []
    stalls: list[tuple[str, float, float]] = []
    trace: list[Any] = []  # BENCH_TRACE: a StallTrace from the first heartbeat to the end of the check

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        if trace:
            trace[0].tick()
        if now - last["ms"] > 40:
            stalls.append((phase["name"], round(now / 1000, 2), round(now - last["ms"], 1)))
        stats["max_gap"] = max(stats["max_gap"], now - last["ms"])
        gaps.append(now - last["ms"])
        last["ms"] = now
        stats["ticks"] += 1
        if stats["ticks"] % 5 == 0:
            stats["rss"] = max(stats["rss"], process.memory_info().rss)

    if os.environ.get("BENCH_VERBOSE"):
        _start_watchdog(last, clock)
    heartbeat = QTimer()
    heartbeat.setTimerType(Qt.TimerType.PreciseTimer)
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)

    # Like the application's exec(): the GUI thread sleeps until an event arrives (the heartbeat wakes it at
    # least every 10 ms). processEvents(flags, maxtime) would return at once and spin, keeping this thread
    # on a core and in the GIL queue all the time, which no real window does.
    wait_flags = QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents

    def wait_until(condition, timeout_s: float) -> bool:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                return False
            qt_app.processEvents(wait_flags)
        return True

    if os.environ.get("BENCH_TRACE"):
        from bench.stall_trace import StallTrace

        trace.append(StallTrace(wait_until.__code__, {beat.__code__}))
        trace[0].install()
    heartbeat.start()

    wait_until(lambda: window.product_sync.is_loaded and window.product_model.rowCount() == products, 60)
    loaded_s = time.perf_counter() - started
    # A user presses Check Now after seeing the table, not in the event-loop turn that loaded it: let the
    # window paint and settle first (its stalls meanwhile count too).
    settled = time.monotonic() + 0.3
    wait_until(lambda: time.monotonic() > settled, 5)
    phase["name"] = "check"
    # as a user would: select the first rows (the products of the local server) and press Check Now
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    table = window.products.table
    steps = [time.perf_counter()]
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    steps.append(time.perf_counter())
    proxy = table.model()
    selection = QItemSelection(proxy.index(0, 0), proxy.index(check - 1, proxy.columnCount() - 1))
    table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    steps.append(time.perf_counter())
    queued: list[str] = []
    window.checks_queued.connect(queued.append)
    check_started = time.perf_counter()
    profiler = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    if trace:
        trace[0].mark()
    window.commands.check.trigger()
    steps.append(time.perf_counter())
    if trace:
        print("GUI thread ms in the user's steps (sort, select, check):",
              [round((b - a) * 1000, 1) for a, b in itertools.pairwise(steps)])  # fmt: skip
    wait_until(lambda: bool(queued), 60)
    batch = queued[0]

    def batch_done() -> bool:  # read from the task table (in memory): the bench adds no reads of its own
        record = window.task_model.record(batch)
        return record is not None and record.state.is_final

    done = wait_until(batch_done, 600)
    # every update applied to the tables too
    wait_until(lambda: window.task_model.idle() and window.product_sync.idle(), 60)
    check_s = time.perf_counter() - check_started
    if trace:
        trace[0].mark()
        trace[0].uninstall()
        print(trace.pop().report())
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    stats["rss"] = max(stats["rss"], process.memory_info().rss)
    heartbeat.stop()
    children = app.task_children(batch)
    ok = sum(1 for c in children if str(c.state) == "SUCCESS")
    filter_ms, sort_ms, filter_cpu_ms, sort_cpu_ms = _filter_and_sort(window, qt_app)
    stats["rss"] = max(stats["rss"], process.memory_info().rss)

    naive_started = time.perf_counter()
    every = app.list_products()
    for product in every:
        app.observations.recent_prices(product.id or 0, 30)
    naive_load_ms = (time.perf_counter() - naive_started) * 1000

    window.quit()
    app.close()
    idle_max = _idle_heartbeat(qt_app, 3.0)  # the same heartbeat with nothing else running in this process
    if os.environ.get("BENCH_VERBOSE"):
        print("stalls over 40 ms (phase, at s, gap ms):", stalls)
    return {
        "max_stall_ms": round(max(0.0, stats["max_gap"] - 10.0), 1),
        "startup_s": round(startup, 3),
        "p99_stall_ms": round(max(0.0, sorted(gaps)[int(len(gaps) * 0.99)] - 10.0), 1) if gaps else 0.0,
        "peak_rss_mb": round(stats["rss"] / 2**20, 1),
        "products_loaded_s": round(loaded_s, 2),
        "check_s": round(check_s, 2),
        "filter_ms": round(filter_ms, 1),
        "sort_ms": round(sort_ms, 1),
        "filter_cpu_ms": round(filter_cpu_ms, 1),
        "sort_cpu_ms": round(sort_cpu_ms, 1),
        "checks_ok": ok,
        "check_finished": int(done),
        "naive_load_ms": round(naive_load_ms, 1),
        "idle_max_stall_ms": round(max(0.0, idle_max - 10.0), 1),
        "load_average": round(os.getloadavg()[0], 1),  # other work on the machine, which all timings include
    }


# What a user types in the search box, one key at a time and as a whole word; and the columns one clicks.
SEARCHES = ("k", "ke", "kettle", "kettle 12", "shop42.example", "no such product", "")
SORT_COLUMNS = ("Product", "Price", "Change", "Last checked", "Shop")


def _filter_and_sort(window: Any, qt_app: Any) -> tuple[float, float, float, float]:
    """The GUI thread's time to filter and to sort the whole list, each with the repaint it causes.

    Every search in SEARCHES and a sort by each column of SORT_COLUMNS (both directions) are timed from the
    user's action to the table painted (a synchronous repaint), after pending events ran; the slowest of each
    kind is returned, in ms, and the most GUI-thread CPU time one of them took (what a busy machine inflates
    least). BENCH_VERBOSE=1 prints them all.
    """
    from PySide6.QtCore import Qt

    panel = window.products
    table = panel.table
    header = table.horizontalHeader()
    model = window.product_model

    cpu: list[float] = []

    def timed(action: Any) -> float:
        qt_app.processEvents()
        started, started_cpu = time.perf_counter(), time.thread_time()
        action()
        table.viewport().repaint()
        cpu.append((time.thread_time() - started_cpu) * 1000)
        return (time.perf_counter() - started) * 1000

    def search(text: str) -> None:
        panel.search.setText(text)
        panel.apply_search_now()

    filters = {text or "(cleared)": timed(lambda t=text: search(t)) for text in SEARCHES}
    filter_cpu = list(cpu)
    names = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount())]
    sorts: dict[str, float] = {}
    for name in SORT_COLUMNS:
        column = names.index(name)
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            sorts[f"{name} {order.name[:4]}"] = timed(lambda c=column, o=order: header.setSortIndicator(c, o))
    sort_cpu = cpu[len(filter_cpu) :]
    # and a search while sorted (the filter keeps the order)
    filters["kettle (sorted)"] = timed(lambda: search("kettle"))
    filters["(cleared, sorted)"] = timed(lambda: search(""))
    if os.environ.get("BENCH_VERBOSE"):
        print("filter ms:", {k: round(v, 1) for k, v in filters.items()})
        print("sort ms:", {k: round(v, 1) for k, v in sorts.items()})
    filter_cpu += cpu[len(filter_cpu) + len(sort_cpu) :]
    return max(filters.values()), max(sorts.values()), max(filter_cpu), max(sort_cpu)


def _start_watchdog(last: dict[str, float], clock: object) -> None:
    """Debugging aid: print where the GUI thread is when the heartbeat is more than 60 ms late."""
    import threading
    import traceback

    main_id = threading.main_thread().ident

    def watch() -> None:
        reported = 0.0
        while True:
            time.sleep(0.02)
            now = clock.nsecsElapsed() / 1e6  # type: ignore[attr-defined]
            if now - last["ms"] > 60 and last["ms"] != reported:
                reported = last["ms"]
                frame = sys._current_frames().get(main_id or 0)
                if frame is not None:
                    stack = "".join(traceback.format_stack(frame, limit=6))
                    print(f"--- GUI thread {now - last['ms']:.0f} ms late:\n{stack}", flush=True)

    threading.Thread(target=watch, daemon=True, name="stall-watchdog").start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--check", type=int, default=1_000)
    parser.add_argument("--home", help="keep the generated data in this folder and reuse it next time")
    parser.add_argument("--generate", metavar="HOME", help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate), args.products, args.observations, args.base_url)
        return

    if args.serve:
        serve(args.check)
        return
    # The "shops" run in their own process, as real ones would: their threads do not compete for this GIL.
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--check", str(args.check)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert server.stdout is not None and server.stdin is not None
    base_url = server.stdout.readline().strip()
    with tempfile.TemporaryDirectory(prefix="pricewatch-bench-") as tmp:
        home = Path(args.home or tmp)
        generated = time.perf_counter()
        reuse = bool(args.home) and (home / "pricewatch.sqlite3").exists()
        if reuse:  # the page server listens on a new port each run
            with sqlite3.connect(home / "pricewatch.sqlite3") as conn:
                conn.execute("UPDATE products SET url = ? || substr(url, instr(url, '/p/'))", (base_url,))
        else:
            subprocess.run(
                [sys.executable, __file__, "--generate", str(home), "--products", str(args.products),
                 "--observations", str(args.observations), "--base-url", base_url],
                check=True,
            )  # fmt: skip
        print(f"{'reused' if reuse else 'generated'} {args.products} products and {args.observations} "
              f"observations in {time.perf_counter() - generated:.1f} s", flush=True)  # fmt: skip
        # A local server: no politeness delay; the same concurrency a user would set for their own shop.
        (home / "settings.toml").write_text(
            "[fetch]\nper_host_delay = 0.0\nper_host_concurrency = 8\nthumbnails = false\n"
            "[notify]\ndesktop = false\n",
            encoding="utf-8",
        )
        try:
            figures = measure(home, args.products, args.check, home / "server")
        finally:
            server.stdin.close()  # the server process exits when its stdin closes
            server.wait(timeout=30)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
