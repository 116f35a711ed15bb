"""A newer pricewatch migrating the database under an open window; a scheduled run that cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.models import utcnow
from pricewatch.storage.migrations import LATEST_VERSION, SchemaTooNewError
from tests.support.app import open_pricewatch
from tests.support.schema import bump_schema


def test_a_newer_schema_is_noticed_and_never_written(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    product = app.add_product("https://shop.example/kettle", title="Kettle")
    window = make_window()
    bump_schema(app.db.path, LATEST_VERSION + 1)

    qtbot.waitUntil(lambda: getattr(window, "upgrade_question", None) is not None, timeout=10_000)
    question = window.upgrade_question
    assert question.isVisible()
    assert f"{LATEST_VERSION} → {LATEST_VERSION + 1}" in question.text()
    assert "restart" in window.statusBar().currentMessage().lower()
    assert not app.scheduler.running
    with pytest.raises(SchemaTooNewError):  # storage refuses: the running code does not know that schema
        app.update_product(product.id or 0, title="Written by old code")
    assert app.get_product(product.id or 0).title == "Kettle"

    restart = next(b for b in question.buttons() if b.text() == "Restart PriceWatch")
    with qtbot.waitSignal(window.quit_requested):
        restart.click()
    assert window.restart_requested


def test_an_unchanged_schema_raises_nothing(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    with open_pricewatch() as other:  # an ordinary commit by another connection moves data_version only
        other.add_product("https://shop.example/other", title="Other")
    qtbot.waitUntil(lambda: window.product_model.rowCount() == 1, timeout=10_000)
    assert not window.schema_watch.check()
    assert getattr(window, "upgrade_question", None) is None


RESTARTER = """
import os, sys
from pricewatch.gui.watch.schema import exec_restart
print("run", os.environ["RUNS"], sys.argv[1:], flush=True)
if os.environ["RUNS"] == "1":
    os.environ["RUNS"] = "2"
    exec_restart()
"""


def test_restart_runs_the_same_command_line_again(tmp_path: Path) -> None:
    script = tmp_path / "restarter.py"
    script.write_text(RESTARTER)
    env = {**os.environ, "RUNS": "1"}
    done = subprocess.run(
        [sys.executable, "-X", "utf8", str(script), "-v", "--flag"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.splitlines() == ["run 1 ['-v', '--flag']", "run 2 ['-v', '--flag']"]


def test_a_warning_from_the_scheduler_thread_reaches_the_status_bar(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    message = "The 07:00 price check could not start: disk full"
    with qtbot.waitSignal(window.tray.warning):
        thread = threading.Thread(target=window.tray.warn, args=(message,))
        thread.start()
        thread.join()
    assert message in window.statusBar().currentMessage()


def test_a_scheduled_run_that_cannot_start_stays_visible_in_the_status_bar(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    scheduler = app.scheduler
    scheduler._set_last_run("check_prices", utcnow() - timedelta(hours=2))

    def journal_down(*_args: object, **_kwargs: object) -> str:
        raise OSError("disk I/O error")

    monkeypatch.setattr(app, "submit_task", journal_down)  # the journal failing, as after the migration
    with qtbot.waitSignal(window.tray.warning):
        thread = threading.Thread(target=scheduler.run_missed)  # as APScheduler's thread would
        thread.start()
        thread.join()
    label = window.status.schedule_label
    assert "last run failed" in label.text()
    assert "price check could not start: disk I/O error" in label.toolTip()
    assert "price check could not start" in window.statusBar().currentMessage()

    monkeypatch.undo()
    assert scheduler.run_missed() == ["check_prices"]
    window.status.refresh_schedule()
    assert "failed" not in label.text() and label.toolTip() == ""
