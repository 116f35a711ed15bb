"""``pricewatch serve``: the task engine and the scheduler without a window, until Ctrl+C or SIGTERM.

It runs under a QCoreApplication event loop (the engine's pools and signals are QtCore). A short QTimer tick
returns control to Python regularly, so the signal handlers run promptly and quit the loop; the facade then
stops everything in order (scheduler, running tasks back to PENDING, API, fetcher, database).

When a newer PriceWatch migrates the database under it, serve stops and exits with :data:`EXIT_UPGRADED`
rather than staying up: every write of this old code is refused (SchemaTooNewError), so its scheduler and API
could only fail, and a supervisor (systemd ``Restart=on-failure``, a shell loop) restarts it with the new
code. Until it notices (a header read every :data:`SCHEMA_POLL_MS`), the API answers writes with 503.
"""

from __future__ import annotations

import argparse
import gc
import logging
import signal
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

from pricewatch.cli.common import UserError, open_app
from pricewatch.interpreter import tune_interpreter

TICK_MS = 200
SCHEMA_POLL_MS = 2_000
EXIT_UPGRADED = 75  # sysexits' EX_TEMPFAIL: try again (with the new code)
log = logging.getLogger(__name__)
UPGRADED = "a newer PriceWatch upgraded the database (schema version {old} → {new}); stopping so that it " \
    "can be restarted with the new version"  # fmt: skip


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="run price checks and other jobs in the background, without a window",
        description="Run the task engine and the scheduler headless until Ctrl+C or SIGTERM; tasks left "
        "unfinished by an earlier run are resumed.",
    )
    serve.add_argument("--api", action="store_true", help="also serve the local HTTP API")
    serve.add_argument("--host", help="API address (default: settings, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="API port (default: settings, 8765; 0: any free port)")
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    if (args.host is not None or args.port is not None) and not args.api:
        raise UserError("--host and --port need --api")
    from PySide6.QtCore import QCoreApplication, QTimer

    qt_app = QCoreApplication.instance() or QCoreApplication([sys.argv[0] if sys.argv else "pricewatch"])
    stopped_by: list[str] = []

    def stop(signum: int, frame: Any) -> None:
        stopped_by.append(signal.Signals(signum).name)
        qt_app.quit()

    if args.api and args.front_ends.api_server is None:
        raise UserError("the HTTP API is not part of this installation; run serve without --api")
    tune_interpreter()  # as the window does: the API answers sooner while checks run
    with open_app(api_server=args.front_ends.api_server) as app:
        previous: dict[int, Callable[..., Any] | int | None] = {}
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, stop)
        tick = QTimer()
        tick.timeout.connect(_tick)
        tick.start(TICK_MS)
        schema_poll = QTimer()
        schema_poll.timeout.connect(lambda: _stop_if_upgraded(app, stopped_by, qt_app.quit))
        schema_poll.start(SCHEMA_POLL_MS)
        try:
            app.start(scheduler=True)
            parts = [f"task engine ({app.task_manager.executor_name})"]
            if app.executor_name == "celery":
                celery = app.executor_status(probe=True)["celery"]
                where = "workers" if celery["state"] == "workers" else f"this process: {celery['reason']}"
                parts.append(f"checks read on {where} (broker {celery['broker']})")
            parts.append("scheduler (paused)" if app.settings.schedule.paused else "scheduler")
            if args.api:
                try:
                    url = app.start_api(host=args.host, port=args.port)
                except OSError as exc:
                    raise UserError(f"cannot start the API: {exc}") from None
                parts.append(f"API at {url}")
            elif enabled_url := app.start_api_if_enabled():  # [api] enabled = true in the settings
                parts.append(f"API at {enabled_url}")
            print(f"pricewatch serve: running {', '.join(parts)}; Ctrl+C stops", flush=True)
            # Start-up's objects (modules, Qt, the API's routes) stay out of later full collections: one walks
            # every tracked object with the GIL held, and under bench/api_load.py that stalled the API's event
            # loop and the tasks for up to 270 ms (4 in 15 s). As the window does (gui.application).
            gc.freeze()
            if not stopped_by:  # a signal during start-up already asked to stop
                qt_app.exec()
        finally:
            tick.stop()
            schema_poll.stop()
            for number, handler in previous.items():
                signal.signal(number, handler)
        print(f"pricewatch serve: stopping ({stopped_by[0] if stopped_by else 'quit'})", flush=True)
    print("pricewatch serve: stopped", flush=True)
    return EXIT_UPGRADED if stopped_by and stopped_by[0] == "upgraded" else 0


def _stop_if_upgraded(app: Any, stopped_by: list[str], quit_loop: Callable[[], None]) -> None:
    """Stop the scheduler and the loop once the file's schema is newer than this code knows."""
    from pricewatch.storage import LATEST_VERSION

    if stopped_by:
        return
    try:
        version = app.newer_schema()
    except sqlite3.Error as exc:  # locked for a moment: the next poll tries again
        log.debug("schema version read failed: %s", exc)
        return
    if version is None:
        return
    message = UPGRADED.format(old=LATEST_VERSION, new=version)
    log.error(message)
    print(f"pricewatch serve: {message}", file=sys.stderr, flush=True)
    app.scheduler.shutdown()  # its runs could only fail against the new schema
    stopped_by.append("upgraded")
    quit_loop()


def _tick() -> None:
    """Nothing to do: returning to Python is what lets pending signal handlers run."""
