"""Notifications the daily cap held back: SUPPRESSED in the log, CLI, API, window and clean-up, not FAILED."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.cli import main
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.notifications.model import COL_STATE, SUPPRESSED_COLOUR
from pricewatch.models import NotificationRecord, NotificationState, TaskState, utcnow
from pricewatch.storage import Database, NotificationRepository
from pricewatch.storage.migrations import migrate
from tests.support.api import live_api
from tests.support.app import open_pricewatch
from tests.support.checks import product_page
from tests.support.cli import cli
from tests.support.pageserver import PageServer


def _capped_app(app: PriceWatch, shown: list[tuple[str, str]] | None = None) -> int:
    """One product whose daily cap (1) is already used up by a sent notification; returns its id."""
    app.settings.notify.desktop = False
    app.settings.notify.daily_cap_per_product = 1
    if shown is not None:
        app.set_tray_notifier(lambda title, message: shown.append((title, message)))
    product = app.add_product("https://shop.example/kettle", title="Kettle")
    assert product.id is not None
    app.notification_records.add(
        NotificationRecord("Kettle", "sent earlier", product_id=product.id, state=NotificationState.SENT)
    )
    return product.id


def test_old_failed_rows_of_the_cap_become_suppressed_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "v5.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=5)  # the schema before SUPPRESSED existed
    rows = [
        ("capped", "FAILED", "not sent: the daily limit of 3 notifications for this product was reached",
         '{"capped": true}'),
        ("broken channel", "FAILED", "desktop: no D-Bus", '{"delivery": []}'),
        ("bad data", "FAILED", "x", "not json"),
        ("sent", "SENT", None, '{"capped": true}'),  # only FAILED rows were ever the cap's
    ]  # fmt: skip
    conn.executemany(
        "INSERT INTO notifications (title, message, state, error, data, created_at)"
        " VALUES (?, 'm', ?, ?, ?, '2026-01-01T00:00:00.000000Z')",
        rows,
    )
    conn.close()
    db = Database(path)
    try:
        states = {r[0]: r[1] for r in db.conn().execute("SELECT title, state FROM notifications")}
        assert states == {
            "capped": "SUPPRESSED", "broken channel": "FAILED", "bad data": "FAILED", "sent": "SENT",
        }  # fmt: skip
        (capped,) = NotificationRepository(db).list(state=NotificationState.SUPPRESSED)
        assert capped.error == rows[0][2]  # the reason text is kept as it was
    finally:
        db.close()


def test_cli_log_shows_suppressed_with_its_reason(capsys: Any) -> None:
    with open_pricewatch() as app:
        pid = _capped_app(app, [])
        assert app.notify("Kettle", "now 19.99", product_id=pid).state is NotificationState.SUPPRESSED
    assert main(["notifications"]) == 0
    first, reason, *_ = capsys.readouterr().out.splitlines()
    assert "SUPPRESSED" in first and "FAILED" not in first and first.endswith("Kettle")
    assert reason.strip().startswith("held by the daily cap: 1 notifications")
    assert main(["notifications", "--json", "--limit", "1"]) == 0
    (only,) = json.loads(capsys.readouterr().out)
    assert only["state"] == "SUPPRESSED" and only["data"]["capped"] is True


def test_api_reports_suppressed() -> None:
    shown: list[tuple[str, str]] = []
    with open_pricewatch() as app:
        pid = _capped_app(app, shown)
        for api in live_api(app):
            sent = api.client.post("/api/v1/notifications", json={"title": "Kettle", "product_id": pid})
            assert sent.status_code == 201, sent.text
            body = sent.json()
            assert body["state"] == "SUPPRESSED" and body["error"].startswith("held by the daily cap")
            schema = api.client.get("/api/v1/openapi.json")  # the schema names the state for clients
            assert schema.status_code == 200 and "SUPPRESSED" in schema.text
    assert shown == []


def test_cleanup_removes_old_suppressed_rows() -> None:
    with open_pricewatch(executor="sync") as app:
        very_old = utcnow() - timedelta(days=365)
        app.notification_records.add(
            NotificationRecord("old", "capped", state=NotificationState.SUPPRESSED, created_at=very_old)
        )
        app.notification_records.add(NotificationRecord("new", "capped", state=NotificationState.SUPPRESSED))
        record = app.wait_for_task(app.submit_task("maintenance.cleanup_old_data"), timeout=30)
        assert record.state is TaskState.SUCCESS, record.error
        assert [n.title for n in app.notification_records.list()] == ["new"]


def test_window_shows_suppressed_in_grey_and_counts_it_apart(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    pid = _capped_app(app)
    window = make_window()  # the tray channel of this window delivers
    with qtbot.waitSignal(window.notifications.loaded, timeout=15_000):
        record = app.notify("Kettle", "now 19.99", product_id=pid)
        window.notifications.reload()
    assert record.state is NotificationState.SUPPRESSED
    model = window.notifications.model
    state = model.index(0, COL_STATE)
    assert state.data() == "Held by daily cap"
    assert state.data(Qt.ItemDataRole.ForegroundRole) == SUPPRESSED_COLOUR
    assert "daily cap of notifications" in state.data(Qt.ItemDataRole.ToolTipRole)
    summary = window.notifications.summary.text()
    assert summary == "2 notifications: 1 delivered, 1 held back" and "failed" not in summary


def test_check_summary_names_a_held_back_notification_apart(home: Path, page_server: PageServer) -> None:
    with open(home / "settings.toml", "a", encoding="utf-8") as settings:
        settings.write("\n[notify]\ndesktop = false\ntray = false\ndaily_cap_per_product = 1\n")
    with open_pricewatch() as app:
        pid = app.add_product(page_server.add("/cheap", product_page("24.99")), target_price="30").id
        app.notification_records.add(
            NotificationRecord("Kettle", "sent earlier", product_id=pid, state=NotificationState.SENT)
        )
    proc = cli("check", "--sync", "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["detail"] == "first check, 1 notification (1 held by the daily cap)"
