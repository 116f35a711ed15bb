"""The tray: its menu actions, close-to-tray with a one-time hint, and tray messages from the notifier."""

from __future__ import annotations

import threading
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from pricewatch.app import PriceWatch
from pricewatch.config import load_settings
from pricewatch.gui.main_window import MainWindow
from pricewatch.models import TaskState
from tests.support.pages import product_page
from tests.support.pageserver import PageServer


def test_tray_menu_actions(
    qtbot: QtBot, app: PriceWatch, page_server: PageServer, make_window: Callable[[], MainWindow]
) -> None:
    app.add_product(page_server.add("/a", product_page("A", "1.00")), title="A")
    app.start(scheduler=False)
    window = make_window()
    texts = [a.text() for a in window.tray.menu.actions() if a.text()]
    assert texts == ["&Hide PriceWatch", "Check &All Now", "&Pause Scheduled Checks", "&Quit"]

    window.tray.menu.aboutToShow.emit()
    window.tray.toggle_action.trigger()  # hide
    assert not window.isVisible()
    window.tray.menu.aboutToShow.emit()
    assert window.tray.toggle_action.text() == "&Show PriceWatch"
    window.tray.toggle_action.trigger()  # show again
    qtbot.waitExposed(window)

    with qtbot.waitSignal(app.task_signals.task_added, timeout=5000) as added:
        window.commands.check_all.trigger()  # "Check all now" in the tray menu is this action
    record = app.get_task(added.args[0])
    assert record.name == "price_tracking.check_prices" and record.kwargs["force"] is True

    window.commands.pause.trigger()  # "Pause checks"
    assert app.settings.schedule.paused is True
    assert load_settings(app.paths).settings.schedule.paused is True
    assert "paused" in window.status.schedule_label.text()
    window.commands.pause.trigger()
    assert app.settings.schedule.paused is False
    assert app.wait_for_task(record.id, timeout=10).state is TaskState.SUCCESS

    with qtbot.waitSignal(window.quit_requested):
        window.commands.quit.trigger()
    assert not window.isVisible()


def test_close_keeps_running_in_the_tray_and_says_so_once(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    window.tray.available = True  # the offscreen platform has no tray; the logic is what is tested here
    window.close()
    assert not window.isVisible() and not window._shut_down
    assert app.settings.gui.tray_hint_shown is True
    assert load_settings(app.paths).settings.gui.tray_hint_shown is True
    window.tray.show_window()
    qtbot.waitExposed(window)
    window.close()  # the hint only once
    assert not window.isVisible() and not window._shut_down
    with qtbot.waitSignal(window.quit_requested):
        window.tray.menu.actions()[-1].trigger()  # Quit from the tray menu while the window is hidden
    assert window._shut_down


def test_close_without_tray_ends_the_program(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    assert window.tray.available is False  # offscreen: no system tray, so closing really closes
    with qtbot.waitSignal(window.quit_requested):
        window.close()
    assert window._shut_down


def test_tray_messages_from_a_worker_thread_reach_the_window(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    window = make_window()
    with qtbot.waitSignal(window.tray.fallback_message) as blocker:
        worker = threading.Thread(target=window.tray.notify, args=("Price drop\x07", "Kettle is now 20 €"))
        worker.start()
        worker.join()
    assert blocker.args == ["Price drop: Kettle is now 20 €"]
    assert window.statusBar().currentMessage() == "Price drop: Kettle is now 20 €"


def test_notifications_use_the_tray_channel(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.settings.notify.desktop = False
    window = make_window()
    with qtbot.waitSignal(window.tray.fallback_message) as blocker:
        record = app.notify("Back in stock", "Walking boots are available again")
    assert "Walking boots" in blocker.args[0]
    assert str(record.state) == "SENT"


def test_notifications_tab_lists_sent_notifications(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    app.settings.notify.desktop = False  # the tray channel (this window) delivers
    app.start(scheduler=False)
    window = make_window()
    qtbot.waitUntil(lambda: window.notifications.summary.text() == "No notifications yet")
    with qtbot.waitSignal(window.notifications.loaded, timeout=15_000):
        app.submit_task(
            "notifications.send", kwargs={"title": "Price drop", "message": "Kettle\x1b[31m now 20 €"}
        )
    model = window.notifications.model
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "Price drop"
    assert model.index(0, 2).data() == "Kettle now 20 €"  # control characters never reach the screen
    assert model.index(0, 4).data() == "Sent"
    with qtbot.waitSignal(window.notifications.loaded, timeout=15_000):
        window.notifications.test_button.click()
    assert model.rowCount() == 2 and "test" in model.index(0, 1).data().lower()
