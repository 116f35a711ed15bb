"""After "Later" on the upgrade question: the window keeps a Restart button, writes nothing, says why."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QStatusBar
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.widgets.errors import install_excepthook
from pricewatch.storage.db import SCHEMA_TOO_NEW
from pricewatch.storage.migrations import LATEST_VERSION, SchemaTooNewError
from tests.support.schema import bump_schema


def press_later(window: MainWindow) -> None:
    later = next(b for b in window.upgrade_question.buttons() if b.text() == "Later")
    later.click()
    assert not window.upgrade_question.isVisible()


def test_after_later_writes_stay_disabled_and_a_restart_button_stays(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.add_product("https://shop.example/kettle", title="Kettle")
    window = make_window()
    bump_schema(app.db.path, LATEST_VERSION + 1)
    qtbot.waitUntil(lambda: getattr(window, "upgrade_question", None) is not None, timeout=10_000)
    press_later(window)

    notice = window.status.restart_button
    assert notice is not None and notice.isVisible()
    assert notice.text() == "PriceWatch was updated — Restart"
    assert window.status.schedule_label.text() == "Scheduled checks stopped"
    window.status.refresh_schedule()  # the half-minute refresh keeps saying so
    assert window.status.schedule_label.text() == "Scheduled checks stopped"
    a = window.commands
    writing = [a.add, a.paste, a.edit, a.delete, a.check, a.check_all, a.import_, a.pause]
    writing += [window.task_panel.retry_action, window.task_panel.cancel_action]
    window.products.table.selectRow(0)  # a selection enables Check Now and Edit in a working window
    assert window.products.selected_rows()
    assert [action.text() for action in writing if action.isEnabled()] == []
    assert a.export.isEnabled() and a.details.isEnabled()  # reading still works

    first = window.upgrade_question
    bump_schema(app.db.path, LATEST_VERSION + 2)  # yet another upgrade: asked again
    qtbot.waitUntil(lambda: window.upgrade_question is not first, timeout=10_000)
    assert window.upgrade_question.isVisible()
    assert f"{LATEST_VERSION} → {LATEST_VERSION + 2}" in window.upgrade_question.text()
    press_later(window)
    assert window.status.restart_button is notice and notice.isVisible()

    with qtbot.waitSignal(window.quit_requested):
        notice.click()
    assert window.restart_requested


@pytest.fixture
def bar(qtbot: QtBot) -> Iterator[QStatusBar]:
    status = QStatusBar()
    qtbot.addWidget(status)
    uninstall = install_excepthook(lambda: status, "/tmp/pricewatch.log")
    yield status
    uninstall()


def test_a_refused_write_is_a_plain_message_not_an_internal_error(bar: QStatusBar) -> None:
    try:
        raise SchemaTooNewError(SCHEMA_TOO_NEW)  # what storage raises
    except SchemaTooNewError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    message = bar.currentMessage()
    assert "restart PriceWatch first" in message
    assert "Internal error" not in message and "SchemaTooNewError" not in message
