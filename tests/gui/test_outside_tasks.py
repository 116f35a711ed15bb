"""Tasks another process runs on the same database show live in the window's task table.

A real ``pricewatch check --all`` process checks products against the local page server while the window is
open; pages held back by the test (a gate the server waits on) keep a check running until the test has seen
what it wants, so nothing depends on timing.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal

import httpx
import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.cli.check import EXIT_CHECK_CANCELLED
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.tasks import columns as tc
from pricewatch.gui.tasks.outside import cancel_label
from pricewatch.models import TaskRecord, TaskState
from tests.support.app import open_pricewatch
from tests.support.pages import product_page
from tests.support.pageserver import PageServer

WAIT = 30_000
BATCH = "price_tracking.check_prices"


@pytest.fixture
def gates() -> Iterator[dict[str, threading.Event]]:
    """Pages the server sends only when the test opens their gate (all opened at the end)."""
    opened: dict[str, threading.Event] = {}
    yield opened
    for gate in opened.values():
        gate.set()


def gated(page_server: PageServer, gates: dict[str, threading.Event], path: str, title: str) -> str:
    gate = gates[path] = threading.Event()
    page = product_page(title, "10.00").encode()

    def body() -> Iterator[bytes]:
        gate.wait(60)
        yield page

    return page_server.add(path, body, length=None)


@pytest.fixture
def other_process(app: PriceWatch) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Starts ``python -m pricewatch ARGS`` on the same PRICEWATCH_HOME; waited for (or killed) after."""
    settings = app.settings
    settings.tasks.scraping_concurrency = 1  # the second check waits (PENDING) while the first runs
    settings.fetch.per_host_delay = 0
    settings.fetch.read_timeout = 90
    settings.fetch.thumbnails = False  # no follow-up tasks, no requests beyond 127.0.0.1
    app.save_settings()
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pricewatch", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)


def records(window: MainWindow) -> list[tuple[TaskRecord, str | None]]:
    """Every task in the window's model with its parent's id, walking the tree."""
    model = window.task_model
    found: list[tuple[TaskRecord, str | None]] = []

    def walk(parent: QModelIndex, parent_id: str | None) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            record = index.data(tc.TaskRole)
            found.append((record, parent_id))
            walk(index, record.id)

    walk(QModelIndex(), None)
    return found


def batch_of(window: MainWindow) -> tuple[TaskRecord | None, list[TaskRecord]]:
    """The check batch shown at the top level and the children nested under it."""
    shown = records(window)
    batch = next((r for r, parent in shown if r.name == BATCH and parent is None), None)
    children = [r for r, parent in shown if batch is not None and parent == batch.id]
    return batch, children


def states(window: MainWindow) -> dict[str, TaskState]:
    """Each child's state, keyed by the product's URL path."""
    _, children = batch_of(window)
    paths = {}
    for child in children:
        product = window.app.get_product(child.kwargs["product_id"])
        paths["/" + product.url.rsplit("/", 1)[-1]] = child.state
    return paths


def open_window(make_window: Callable[[], MainWindow], qtbot: QtBot) -> MainWindow:
    window = make_window()
    qtbot.waitUntil(lambda: window.task_model._loaded, timeout=WAIT)
    return window


def test_a_check_run_by_another_process_shows_live_with_nesting_progress_and_counts(
    qtbot: QtBot,
    app: PriceWatch,
    page_server: PageServer,
    gates: dict[str, threading.Event],
    make_window: Callable[[], MainWindow],
    other_process: Callable[..., subprocess.Popen[str]],
) -> None:
    for path in ("/first", "/second"):
        app.add_product(gated(page_server, gates, path, path.strip("/").title()))
    app.start(scheduler=False)  # the window's own engine runs too; it must leave the other process's rows
    window = open_window(make_window, qtbot)
    resets: list[bool] = []
    window.task_model.modelReset.connect(lambda: resets.append(True))
    seen: dict[str, list[TaskState]] = {}

    def note(updated: list[TaskRecord]) -> None:
        for record in updated:
            history = seen.setdefault(record.id, [])
            if not history or history[-1] is not record.state:
                history.append(record.state)

    window.task_model.records_updated.connect(note)
    check = other_process("check", "--all")

    # One check runs (its page is held), the other waits its turn in that process's queue.
    qtbot.waitUntil(
        lambda: states(window) == {"/first": TaskState.STARTED, "/second": TaskState.PENDING}, timeout=WAIT
    )
    batch, children = batch_of(window)
    assert batch is not None and batch.state is TaskState.STARTED
    assert window.status.tasks_label.text() == "2 running · 1 queued"  # the batch and the first check

    gates["/first"].set()
    qtbot.waitUntil(
        lambda: states(window) == {"/first": TaskState.SUCCESS, "/second": TaskState.STARTED}, timeout=WAIT
    )
    qtbot.waitUntil(lambda: (batch_of(window)[0] or batch).progress_current == 1, timeout=WAIT)
    batch = batch_of(window)[0]
    assert batch is not None and (batch.progress_current, batch.progress_total) == (1, 2)

    gates["/second"].set()
    qtbot.waitUntil(
        lambda: (
            (batch_of(window)[0] or batch).state is TaskState.SUCCESS
            and states(window) == {"/first": TaskState.SUCCESS, "/second": TaskState.SUCCESS}
        ),
        timeout=WAIT,
    )
    assert check.wait(60) == 0, check.communicate()
    qtbot.waitUntil(lambda: window.status.tasks_label.text() == "No tasks running", timeout=WAIT)
    for child in children:
        assert seen[child.id][-2:] == [TaskState.STARTED, TaskState.SUCCESS]
    assert seen[children[1].id][0] is TaskState.PENDING
    assert resets == []  # applied row by row, never a reload
    assert all(app.get_task(r.id).state is TaskState.SUCCESS for r, _ in records(window))


def test_cancel_from_the_window_reaches_the_other_process_through_the_journal(
    qtbot: QtBot,
    app: PriceWatch,
    page_server: PageServer,
    gates: dict[str, threading.Event],
    make_window: Callable[[], MainWindow],
    other_process: Callable[..., subprocess.Popen[str]],
) -> None:
    for path in ("/first", "/second"):
        app.add_product(gated(page_server, gates, path, path.strip("/").title()))
    window = open_window(make_window, qtbot)
    check = other_process("check", "--all")
    qtbot.waitUntil(
        lambda: states(window) == {"/first": TaskState.STARTED, "/second": TaskState.PENDING}, timeout=WAIT
    )
    batch, _ = batch_of(window)
    assert batch is not None and window.task_panel.select_task(batch.id)
    messages: list[str] = []
    window.task_panel.message.connect(messages.append)

    assert cancel_label(app, [batch]) == f"&Cancel Task (runs in process {check.pid})"  # context menu

    window.task_panel.cancel_action.trigger()
    assert messages == [
        f"Cancelled check prices {tc.short_id(batch.id)}: it runs in process {check.pid}, "
        "which stops it within a second or two"
    ]
    qtbot.waitUntil(
        lambda: states(window) == {"/first": TaskState.REVOKED, "/second": TaskState.REVOKED}, timeout=WAIT
    )
    # The other process interrupts its fetch of the held page (the page is never released) and ends.
    assert check.wait(60) == EXIT_CHECK_CANCELLED  # not a failure: a cron script can tell them apart
    assert "2 of 2 checks were cancelled (from another window or process)" in (check.stderr or "").read()
    gates["/first"].set()
    assert page_server.hits("/second") == 0  # the queued check never ran
    assert app.get_task(batch.id).state is TaskState.REVOKED
    assert {r.state for r, _ in records(window)} == {TaskState.REVOKED}


def test_own_tasks_come_from_signals_only_and_show_once(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    app.settings.fetch.per_host_delay = 0
    app.start(scheduler=False)
    window = open_window(make_window, qtbot)
    fed: list[str] = []
    window.outside_tasks.changed.connect(fed.extend)
    ours = [app.scrape(page_server.add(f"/p{i}", product_page(f"P{i}", "5.00"))) for i in range(3)]
    for task_id in ours:
        app.wait_for_task(task_id, timeout=30)
    with open_pricewatch() as other:  # another writer: a row it journals must come through the feed
        theirs = TaskRecord(id="f" * 32, name="scraping.scrape_product", state=TaskState.SUCCESS)
        other.task_records.insert(theirs)
    qtbot.waitUntil(lambda: theirs.id in fed, timeout=WAIT)
    qtbot.waitUntil(lambda: window.task_model.idle(), timeout=WAIT)
    assert not set(ours) & set(fed)
    shown = [r.id for r, _ in records(window)]
    assert sorted(shown) == sorted([*ours, theirs.id])  # each once


def test_retry_of_another_process_failed_check_runs_in_the_window(
    qtbot: QtBot,
    app: PriceWatch,
    page_server: PageServer,
    make_window: Callable[[], MainWindow],
    other_process: Callable[..., subprocess.Popen[str]],
) -> None:
    product = app.add_product(page_server.add("/gone", "no such page", status=404))
    app.start(scheduler=False)
    window = open_window(make_window, qtbot)
    check = other_process("check", str(product.id))
    assert check.wait(60) == 1
    qtbot.waitUntil(lambda: states(window) == {"/gone": TaskState.FAILURE}, timeout=WAIT)
    failed = batch_of(window)[1][0]
    page_server.add("/gone", product_page("Back again", "12.50"))  # the shop fixed its page

    assert window.task_panel.select_task(failed.id)
    (again,) = window.task_panel.retry_selected()
    assert again != failed.id
    assert app.task_records.ownership(again)[0] == app.task_manager.owner  # queued in this window's engine
    qtbot.waitUntil(
        lambda: (window.task_model.record(again) or failed).state is TaskState.SUCCESS, timeout=WAIT
    )
    assert app.get_product(product.id or 0).price == Decimal("12.50")
    assert window.task_model.record(failed.id).state is TaskState.FAILURE  # the failed row stays as it was


def test_a_scrape_posted_to_the_api_of_pricewatch_serve_shows_live(
    qtbot: QtBot,
    app: PriceWatch,
    page_server: PageServer,
    gates: dict[str, threading.Event],
    make_window: Callable[[], MainWindow],
    other_process: Callable[..., subprocess.Popen[str]],
) -> None:
    url = gated(page_server, gates, "/held", "Held")
    window = open_window(make_window, qtbot)
    serve = other_process("serve", "--api", "--port", "0")
    assert serve.stdout is not None
    found = re.search(r"API at (http://127\.0\.0\.1:\d+)", serve.stdout.readline())
    assert found
    token = app.api_token()
    with httpx.Client(base_url=found.group(1), headers={"Authorization": f"Bearer {token}"}) as client:
        task_id = client.post("/api/v1/tasks/scrape", json={"url": url}, timeout=30).json()["task_id"]

    def state() -> TaskState | None:
        record = window.task_model.record(task_id)
        return record.state if record else None

    qtbot.waitUntil(lambda: state() is TaskState.STARTED, timeout=WAIT)
    assert window.status.tasks_label.text() == "1 running · 0 queued"
    gates["/held"].set()
    qtbot.waitUntil(lambda: state() is TaskState.SUCCESS, timeout=WAIT)
    assert window.task_model.record(task_id).result["price"] == "10.00"  # type: ignore[union-attr]
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(60) == 0
