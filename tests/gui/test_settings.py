"""The settings dialog: every section editable, saved through the facade, bad values explained."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.config import Settings, load_settings
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.settings.dialog import SettingsDialog
from pricewatch.gui.settings.fields import HIDDEN


def test_every_setting_has_an_editor(app: PriceWatch, make_window: Callable[[], MainWindow]) -> None:
    window = make_window()
    dialog = window.open_settings()
    for section, values in Settings().to_dict().items():
        for name in values:
            assert ((section, name) in dialog.editors) != ((section, name) in HIDDEN), (section, name)
    folder = dialog.findChild(QLabel, "folder.Data folder")
    assert folder is not None and str(app.paths.data_dir) in folder.text()
    dialog.reject()


def test_change_settings_and_see_them_saved(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    dialog = window.open_settings()
    interval = dialog.editors[("schedule", "default_check_interval_minutes")]
    assert isinstance(interval, QSpinBox)
    interval.setValue(45)
    robots = dialog.editors[("fetch", "respect_robots")]
    assert isinstance(robots, QCheckBox)
    robots.setChecked(False)
    urls = dialog.editors[("notify", "apprise_urls")]
    assert isinstance(urls, QPlainTextEdit)
    urls.setPlainText("json://127.0.0.1:9/hook\n\n")
    start = dialog.editors[("notify", "quiet_hours_start")]
    end = dialog.editors[("notify", "quiet_hours_end")]
    assert isinstance(start, QLineEdit) and isinstance(end, QLineEdit)
    start.setText("25:00")
    assert dialog.save() is False and "HH:MM" in dialog.problem.text()
    assert load_settings(app.paths).settings.notify.quiet_hours_start == ""  # nothing written
    start.setText("22:30")
    end.setText("07:00")
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save() is True
    saved = load_settings(app.paths).settings
    assert saved.schedule.default_check_interval_minutes == 45
    assert saved.fetch.respect_robots is False
    assert saved.notify.apprise_urls == ["json://127.0.0.1:9/hook"]
    assert (saved.notify.quiet_hours_start, saved.notify.quiet_hours_end) == ("22:30", "07:00")
    assert app.settings.schedule.default_check_interval_minutes == 45
    assert window.statusBar().currentMessage() == "Settings saved"


def test_api_can_be_enabled_and_its_token_regenerated(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    dialog = window.open_settings()
    assert isinstance(dialog, SettingsDialog)
    first = dialog.token.text()
    assert first == app.api_token()
    question = dialog.regenerate_token()
    make = next(b for b in question.buttons() if b.text() == "Make a New Token")
    make.click()
    assert dialog.token.text() != first
    assert app.api_token() == first  # not yet: only Save replaces it
    enabled = dialog.editors[("api", "enabled")]
    port = dialog.editors[("api", "port")]
    assert isinstance(enabled, QCheckBox) and isinstance(port, QSpinBox)
    enabled.setChecked(True)
    port.setValue(_free_port())
    new = dialog.token.text()
    assert dialog.save()
    assert app.api_token() == new
    url = app.api_url
    assert url is not None and str(port.value()) in url
    window.status.refresh_schedule()
    assert window.status.api_label.text() == f"API: {url}"
    reply = httpx.get(
        f"{url}/api/v1/health", headers={"Authorization": f"Bearer {app.api_token()}"}, timeout=5
    )
    assert reply.status_code == 200


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_test_notification_from_the_settings(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    dialog = window.open_settings()
    desktop = dialog.editors[("notify", "desktop")]
    assert isinstance(desktop, QCheckBox)
    desktop.setChecked(False)  # only the tray channel: this window's status bar without a system tray
    with qtbot.waitSignal(window.tray.fallback_message, timeout=10_000):
        dialog.send_test()
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("Sent: "), timeout=10_000)  # in words
    dialog.reject()


def test_the_dialog_offers_only_values_the_settings_accept(
    app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    """Each number editor's range lies within the setting's own limits (0 cached pages broke the engine)."""
    import dataclasses

    from PySide6.QtWidgets import QDoubleSpinBox

    from pricewatch.config import field_problem

    window = make_window()
    dialog = window.open_settings()
    sections = {f.name: type(getattr(Settings(), f.name)) for f in dataclasses.fields(Settings)}
    checked = 0
    for (section, name), editor in dialog.editors.items():
        if isinstance(editor, QSpinBox | QDoubleSpinBox):
            kind = int if isinstance(editor, QSpinBox) else float
            for value in (editor.minimum(), editor.maximum()):
                assert field_problem(sections[section], name, kind(value)) is None, (section, name, value)
            checked += 1
    assert checked > 20
    dialog.reject()


def test_regenerating_the_token_asks_and_cancel_keeps_the_old_one(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    first = app.api_token()
    dialog = window.open_settings()
    question = dialog.regenerate_token()
    assert question.isVisible()
    question.reject()  # the question's own Cancel: nothing changes
    assert dialog.token.text() == first and dialog.new_token is None
    question = dialog.regenerate_token()
    next(b for b in question.buttons() if b.text() == "Make a New Token").click()
    assert dialog.token.text() != first and not dialog.token_note.isHidden()
    dialog.reject()  # the dialog's Cancel
    assert app.api_token() == first

    dialog = window.open_settings()
    assert dialog.show_token.text() == "Show"
    dialog.show_token.click()
    assert dialog.show_token.text() == "Hide" and dialog.token.echoMode() == QLineEdit.EchoMode.Normal
    dialog.show_token.click()
    assert dialog.show_token.text() == "Show" and dialog.token.echoMode() == QLineEdit.EchoMode.Password
    dialog.reject()


def test_fields_read_as_choices_labels_and_hints(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    dialog = window.open_settings()
    executor = dialog.editors[("tasks", "executor")]
    assert isinstance(executor, QComboBox)  # from the field's choices, not free text
    assert [executor.itemData(i) for i in range(executor.count())] == ["threads", "sync", "celery"]
    labels = {label.text() for label in dialog.findChildren(QLabel)}
    assert {"Cache size limit", "Task lease", "Sign of life every"} <= labels
    assert not any(text.replace("&", "") == "Max mb" for text in labels)
    assert ("gui", "tray_hint_shown") not in dialog.editors  # internal state, not a choice
    quiet = dialog.editors[("notify", "quiet_hours_start")]
    assert isinstance(quiet, QLineEdit) and quiet.placeholderText() == "22:00"

    executor.setCurrentIndex(executor.findData("sync"))
    assert dialog.save()
    assert app.settings.tasks.executor == "sync"


def test_a_heartbeat_longer_than_a_third_of_the_lease_is_refused(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    dialog = window.open_settings()
    lease = dialog.editors[("tasks", "lease_seconds")]
    beat = dialog.editors[("tasks", "heartbeat_seconds")]
    assert isinstance(lease, QDoubleSpinBox) and isinstance(beat, QDoubleSpinBox)
    lease.setValue(30)
    beat.setValue(15)
    assert not dialog.save()
    assert "at most a third of the task lease" in dialog.problem.text()
    assert app.settings.tasks.heartbeat_seconds == 10.0  # nothing saved
    beat.setValue(10)
    assert dialog.save()
