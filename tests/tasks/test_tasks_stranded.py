"""A run that fails outside the task body (the journal locked at the claim) does not strand the task."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from decimal import Decimal

import pytest

from pricewatch.app import PriceWatch
from pricewatch.models import TaskState
from pricewatch.storage import db as db_module
from tests.support.checks import fast_app
from tests.support.pages import product_page
from tests.support.pageserver import PageServer


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> Iterator[PriceWatch]:
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)  # "database is locked" after 0.2 s, not 10 s
    app = fast_app("threads")
    app.settings.tasks.heartbeat_seconds = 1
    yield app
    app.close()


def lock_the_file_at_the_next_claim(app: PriceWatch, seconds: float) -> threading.Event:
    """Another connection takes the write lock just as the engine claims, and holds it for ``seconds``."""
    claimed_under_lock = threading.Event()
    real_claim = app.task_records.claim_many

    def claim_while_locked(*args: object, **kwargs: object) -> object:
        if claimed_under_lock.is_set():
            return real_claim(*args, **kwargs)  # type: ignore[arg-type]
        other = sqlite3.connect(app.paths.database_file, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN EXCLUSIVE")
        threading.Timer(seconds, lambda: (other.execute("ROLLBACK"), other.close())).start()
        claimed_under_lock.set()
        return real_claim(*args, **kwargs)  # type: ignore[arg-type]

    app.task_records.claim_many = claim_while_locked  # type: ignore[method-assign]
    return claimed_under_lock


def test_a_check_whose_claim_met_a_locked_journal_runs_once_the_lock_is_gone(
    app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/kettle", product_page("Kettle", "30.00"))
    product_id = app.add_product(url).id or 0
    app.start(scheduler=False)
    locked = lock_the_file_at_the_next_claim(app, seconds=1.0)
    first = app.check_product(product_id)
    record = app.wait_for_task(first, timeout=30)
    assert locked.is_set()
    assert record.state is TaskState.SUCCESS, record
    assert app.get_product(product_id).price == Decimal("30.00")
    # The unique key no longer points at a stuck row: the next check is a new task that runs.
    again = app.check_product(product_id)
    assert again != first
    assert app.wait_for_task(again, timeout=30).state is TaskState.SUCCESS
