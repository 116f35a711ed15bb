"""Settings in two levels; quiet hours behind a switch; Apprise addresses checked as typed, with a Test that
never reports a failed send as sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.config import load_settings
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.settings.dialog import SettingsDialog
from pricewatch.models import AlertKind
from tests.support.webhook import Webhook

WAIT = 20_000
EVERYDAY = [("schedule", "default_check_interval_minutes"), ("schedule", "check_every_minutes"),
            ("notify", "desktop"), ("notify", "apprise_urls"), ("notify", "quiet_hours_start"),
            ("notify", "default_rules"), ("gui", "close_to_tray")]  # fmt: skip
ADVANCED = [("schedule", "check_minute"), ("schedule", "check_jitter_seconds"), ("fetch", "per_host_delay"),
            ("fetch", "connect_timeout"), ("fetch", "read_timeout"), ("tasks", "executor"),
            ("tasks", "scraping_concurrency"), ("browser", "enabled"), ("api", "enabled")]  # fmt: skip


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


def open_dialog(window: MainWindow) -> SettingsDialog:
    dialog = window.open_settings()
    dialog.tabs.setCurrentIndex(0)
    return dialog


def test_everyday_choices_come_first_and_the_rest_is_advanced(
    window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    dialog = open_dialog(open_window())
    general, advanced = dialog.tabs.widget(0), dialog.tabs.widget(1)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == ["General", "Advanced", "Data"]
    for key in EVERYDAY:
        assert general.isAncestorOf(dialog.editors[key]), key
    for key in ADVANCED:
        assert advanced.isAncestorOf(dialog.editors[key]) and not general.isAncestorOf(dialog.editors[key])
    language = dialog.editors[("gui", "language")]
    assert isinstance(language, QComboBox) and language.isEnabled() and general.isAncestorOf(language)
    home = general.findChild(QComboBox, "currency.home")  # the currency prices are compared in: a real choice
    assert home is not None and home.isEnabled() and dialog.editors[("currency", "home")] is home
    autostart = general.findChild(QCheckBox, "desktop.autostart")
    assert autostart is not None and autostart.text().startswith("Start PriceWatch at login")
    dialog.reject()


def test_quiet_hours_are_switched_on_not_greyed_out(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    window = open_window()
    dialog = open_dialog(window)
    switch = dialog.quiet.switch
    start, end = (
        dialog.editors[("notify", "quiet_hours_start")],
        dialog.editors[("notify", "quiet_hours_end")],
    )
    assert isinstance(start, QLineEdit) and isinstance(end, QLineEdit)
    assert not switch.isChecked() and not start.isEnabled() and not end.isEnabled()
    switch.setChecked(True)
    assert start.isEnabled() and (start.text(), end.text()) == ("22:00", "07:00")
    start.setText("23:15")
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    notify = load_settings(window_app.paths).settings.notify
    assert (notify.quiet_hours_start, notify.quiet_hours_end) == ("23:15", "07:00")

    dialog = open_dialog(window)
    assert dialog.quiet.switch.isChecked()
    dialog.quiet.switch.setChecked(False)
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    notify = load_settings(window_app.paths).settings.notify
    assert (notify.quiet_hours_start, notify.quiet_hours_end) == ("", "")


def test_default_alert_rules_are_check_boxes_every_new_product_gets(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    dialog = open_dialog(open_window())
    rules = dialog.editors[("notify", "default_rules")]
    boxes = {box.objectName(): box for box in rules.findChildren(QCheckBox)}
    assert boxes["rule.back_in_stock"].isChecked() and not boxes["rule.any_drop"].isChecked()
    boxes["rule.any_drop"].setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    assert window_app.settings.notify.default_rules == ["any_drop", "back_in_stock"]
    product = window_app.add_product("https://shop.example/kettle", title="Kettle")  # as the CLI adds one
    kinds = {rule.kind for rule in window_app.alert_rules_for(product.id or 0)}
    assert {AlertKind.ANY_DROP, AlertKind.BACK_IN_STOCK} <= kinds


def test_apprise_addresses_are_checked_as_typed_and_bad_ones_are_not_saved(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow]
) -> None:
    dialog = open_dialog(open_window())
    box = dialog.apprise
    urls = dialog.editors[("notify", "apprise_urls")]
    assert isinstance(urls, QPlainTextEdit) and "ntfy://" in urls.placeholderText()
    with qtbot.waitSignal(box.checked, timeout=WAIT):
        urls.setPlainText("ntfy://my-price-alerts\nbogus stuff here")
    assert box.problems == ["Line 2: Apprise does not understand “bogus stuff here”"]
    assert "bogus stuff here" in box.status.text() and not box.test_button.isEnabled()
    assert dialog.save() is False and "does not understand" in dialog.problem.text()
    assert load_settings(window_app.paths).settings.notify.apprise_urls == []
    with qtbot.waitSignal(box.checked, timeout=WAIT):
        urls.setPlainText("ntfy://my-price-alerts")
    assert box.problems == [] and box.test_button.isEnabled()
    dialog.reject()


def test_the_test_button_reports_a_real_send_and_a_failed_one_as_failed(
    qtbot: QtBot, window_app: PriceWatch, open_window: Callable[[], MainWindow], webhook: Webhook
) -> None:
    dialog = open_dialog(open_window())
    box = dialog.apprise
    with qtbot.waitSignal(box.checked, timeout=WAIT):
        dialog.editors[("notify", "apprise_urls")].setPlainText(webhook.url)  # type: ignore[attr-defined]
    with qtbot.waitSignal(box.tested, timeout=WAIT):
        box.test_button.click()
    assert box.result.text() == f"Sent to json://127.0.0.1:{webhook.port}"
    assert webhook.posts and webhook.posts[-1]["title"] == "PriceWatch test"

    webhook.statuses = [500]  # the service refuses the next post
    with qtbot.waitSignal(box.tested, timeout=WAIT):
        box.test_button.click()
    assert box.result.text().startswith(f"Failed: json://127.0.0.1:{webhook.port}")
    assert "Sent" not in box.result.text()
    dialog.reject()
