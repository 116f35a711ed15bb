"""Checks on Celery workers show in the window: where checks read now, and which worker read a task."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.status_bar import StatusBar
from pricewatch.gui.tasks import columns
from pricewatch.gui.tasks.detail import task_html
from pricewatch.models import TaskRecord, TaskState, utcnow
from tests.support.app import open_pricewatch


@pytest.fixture
def celery_app() -> Iterator[PriceWatch]:
    app = open_pricewatch()
    app.settings.tasks.executor = "celery"
    app.settings.tasks.broker_url = "redis://127.0.0.1:9/0"  # nothing listens there
    yield app
    app.close()


def test_the_status_bar_says_where_checks_read(qtbot: QtBot, celery_app: PriceWatch) -> None:
    bar = StatusBar(celery_app)
    qtbot.addWidget(bar)
    bar.refresh_workers()
    assert bar.workers_label.isVisibleTo(bar)
    assert bar.workers_label.text() in ("Connecting to the workers", "Checks here, not on workers")


def test_the_status_bar_says_nothing_of_workers_without_celery(qtbot: QtBot) -> None:
    with open_pricewatch() as app:
        bar = StatusBar(app)
        qtbot.addWidget(bar)
        bar.refresh_workers()
        assert not bar.workers_label.isVisibleTo(bar)


def test_a_task_read_on_a_worker_names_it_in_the_table_and_the_detail() -> None:
    record = TaskRecord(
        id="t1", name="price_tracking.check_product_price", kwargs={"product_id": 1},
        state=TaskState.SUCCESS, finished_at=utcnow(), worker="celery@kitchen-pc",
    )  # fmt: skip
    shown = columns._display(record, columns.COL_ACTIVITY, lambda r: "'Kettle'")
    assert shown.endswith(" · on celery@kitchen-pc")
    assert "Read on</b> celery@kitchen-pc" in task_html(record)
    local = TaskRecord(id="t2", name="price_tracking.check_product_price", state=TaskState.SUCCESS)
    assert " · on " not in columns._display(local, columns.COL_ACTIVITY, lambda r: "'Kettle'")
