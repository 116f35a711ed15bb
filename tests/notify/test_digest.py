"""The quiet-hours digest: a one-shot ``pricewatch check`` sends it; racing processes send one digest.

Held notifications are claimed for a digest in one SQLite transaction; these tests race real processes (and,
in the unit tests, two notifiers on two connections of one file) and count what a real local webhook got.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pricewatch.config import NotifyOptions
from pricewatch.models import NotificationRecord, NotificationState
from pricewatch.notify.channels import TrayChannel
from pricewatch.notify.notifier import Notifier
from pricewatch.storage import Database, NotificationRepository
from pricewatch.storage.notifications import INTERRUPTED
from tests.support.app import open_pricewatch
from tests.support.cli import FAST, cli
from tests.support.webhook import WAIT, Webhook


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook(hold=True)
    yield hook
    hook.close()


def _quiet_hours(now_quiet: bool) -> tuple[str, str]:
    """A one-hour quiet window in local time: around now, or starting two hours from now."""
    now = datetime.now().astimezone()
    start = now - timedelta(minutes=30) if now_quiet else now + timedelta(hours=2)
    return start.strftime("%H:%M"), (start + timedelta(hours=1)).strftime("%H:%M")


def _configure(folder: Path, webhook_url: str, quiet: tuple[str, str]) -> None:
    (folder / "settings.toml").write_text(
        f'{FAST}\n[notify]\ndesktop = false\ntray = false\napprise_urls = ["{webhook_url}"]\n'
        f'quiet_hours_start = "{quiet[0]}"\nquiet_hours_end = "{quiet[1]}"\n',
        encoding="utf-8",
    )


def _hold(*titles: str) -> list[int]:
    """Notifications quiet hours held (written as the notifier writes them during the night)."""
    with open_pricewatch() as app:
        return [
            app.notification_records.add(
                NotificationRecord(title, f"{title} is cheaper", state=NotificationState.HELD)
            ).id
            or 0
            for title in titles
        ]


def _states(ids: list[int]) -> list[tuple[NotificationState, int | None]]:
    with open_pricewatch() as app:
        conn = app.db.conn()
        sql = "SELECT state, digest_id FROM notifications WHERE id = ?"
        rows = [conn.execute(sql, (i,)).fetchone() for i in ids]
        return [(NotificationState(r["state"]), r["digest_id"]) for r in rows]


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pricewatch", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


# -- real processes -------------------------------------------------------------------------------------
def test_one_shot_check_sends_the_digest_once_quiet_hours_are_over(home: Path, webhook: Webhook) -> None:
    _configure(home, webhook.url, _quiet_hours(True))
    ids = _hold("Kettle", "Toaster")
    webhook.gate.set()
    proc = cli("check")
    assert proc.returncode == 0, proc.stderr
    assert [p["title"] for p in webhook.posts] == []  # still quiet: nothing goes out
    assert [s for s, _ in _states(ids)] == [NotificationState.HELD] * 2

    _configure(home, webhook.url, _quiet_hours(False))  # quiet hours are over now
    proc = cli("check")
    assert proc.returncode == 0, proc.stderr
    assert "sent 2 notifications held by quiet hours" in proc.stderr
    assert [p["title"] for p in webhook.posts] == ["PriceWatch: 2 notifications"]
    assert "Kettle" in webhook.posts[0]["message"] and "Toaster" in webhook.posts[0]["message"]
    states = _states(ids)
    assert [s for s, _ in states] == [NotificationState.SENT] * 2 and states[0][1] == states[1][1] is not None
    assert cli("check").returncode == 0 and len(webhook.posts) == 1  # exactly once


def test_a_check_racing_another_flushing_process_sends_no_second_digest(home: Path, webhook: Webhook) -> None:
    _configure(home, webhook.url, _quiet_hours(False))
    ids = _hold("Kettle", "Toaster")
    # `notifications --flush` stands for the window's or serve's watchdog: the same notifier path
    first = _spawn("notifications", "--flush")
    try:
        webhook.wait_for_posts(1)  # the first process is sending its digest (the webhook holds the answer)
        second = cli("check")  # meanwhile a cron check starts, flushes and ends
        assert second.returncode == 0, second.stderr
        assert len(webhook.posts) == 1 and "held by quiet hours" not in second.stderr
    finally:
        webhook.gate.set()
        _, err = first.communicate(timeout=WAIT)
    assert first.returncode == 0, err
    states = _states(ids)
    assert [s for s, _ in states] == [NotificationState.SENT] * 2 and len(webhook.posts) == 1


def test_the_claim_of_a_killed_process_is_taken_over(home: Path, webhook: Webhook) -> None:
    _configure(home, webhook.url, _quiet_hours(False))
    ids = _hold("Kettle", "Toaster")
    first = _spawn("notifications", "--flush")
    webhook.wait_for_posts(1)
    first.send_signal(signal.SIGKILL)  # dies mid-send: its digest never finishes
    first.communicate(timeout=WAIT)
    (claimed,) = {digest for _, digest in _states(ids)}
    webhook.gate.set()
    proc = cli("check")
    assert proc.returncode == 0, proc.stderr
    assert "sent 2 notifications held by quiet hours" in proc.stderr
    assert len(webhook.posts) == 2  # at least once: the killed process's post may or may not have arrived
    states = _states(ids)
    assert [s for s, _ in states] == [NotificationState.SENT] * 2 and states[0][1] not in (None, claimed)
    with open_pricewatch() as app:
        interrupted = app.notification_records.get(claimed or 0)
        assert interrupted is not None and interrupted.state is NotificationState.FAILED
        assert interrupted.error == INTERRUPTED


# -- the claim, two notifiers on one file (as two processes) ---------------------------------------------
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _notifier(path: Path, shown: list[tuple[str, str]], **kw: Any) -> tuple[Notifier, Database]:
    db = Database(path)
    tray = TrayChannel()
    tray.set_notifier(lambda t, m: shown.append((t, m)))
    options = NotifyOptions(desktop=False, tray=True)
    notifier = Notifier(
        NotificationRepository(db), lambda: options, tray=tray, apprise=lambda urls: [], clock=lambda: T0,
        tz=UTC, **kw,
    )  # fmt: skip
    return notifier, db


def test_a_flush_during_another_notifiers_digest_finds_nothing_to_claim(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite3"
    shown: list[tuple[str, str]] = []
    other_results: list[Any] = []
    one, db_one = _notifier(path, shown, claimer="one")
    other, db_other = _notifier(path, shown, claimer="other", alive=lambda by, lease, now: by == "one")
    try:
        for title in ("A", "B"):
            one.records.add(NotificationRecord(title, "m", state=NotificationState.HELD, created_at=T0))

        def tray_of_one(title: str, message: str) -> None:
            other_results.append(other.flush_held())  # the other process flushes while one's digest is out
            shown.append((title, message))

        one.tray.set_notifier(tray_of_one)
        digest = one.flush_held()
        assert other_results == [None] and len(shown) == 1
        assert digest is not None and digest.sent
        assert [r.state for r in one.records.list()] == [NotificationState.SENT] * 3
    finally:
        db_one.close()
        db_other.close()


def test_a_stale_claim_is_freed_and_an_undelivered_digest_gives_its_rows_back(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite3"
    shown: list[tuple[str, str]] = []
    notifier, db = _notifier(path, shown, claimer="me", alive=lambda by, lease, now: by == "me")
    try:
        records = notifier.records
        held = records.add(NotificationRecord("A", "m", state=NotificationState.HELD, created_at=T0))
        ghost = records.add(
            NotificationRecord("A", "m", data={"claim": {"by": "dead"}}, created_at=T0)
        )  # a digest a dead process left PENDING
        records.update(held.id or 0, digest_id=ghost.id)
        notifier.tray.set_notifier(None)  # no channel works: the claim must be given back
        failed = notifier.flush_held()
        assert failed is not None and not failed.sent
        assert records.get(ghost.id or 0).state is NotificationState.FAILED  # type: ignore[union-attr]
        after = records.get(held.id or 0)
        assert after is not None and after.state is NotificationState.HELD
        sql = "SELECT digest_id FROM notifications WHERE id = ?"
        assert db.conn().execute(sql, (held.id,)).fetchone()[0] is None
        notifier.tray.set_notifier(lambda t, m: shown.append((t, m)))
        sent = notifier.flush_held()
        assert sent is not None and sent.sent and shown == [("A", "m")]
    finally:
        db.close()
