"""Starting the Qt application: the QApplication, the facade, the main window."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from pricewatch import __version__
from pricewatch.app import ApiServerFactory, PriceWatch
from pricewatch.desktop.instance import InstanceServer, send
from pricewatch.gui.language import WindowLanguage, chosen_language, formats_follow
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.malloc_arenas import limit_malloc_arenas
from pricewatch.gui.watch.schema import exec_restart
from pricewatch.gui.widgets.errors import install_excepthook
from pricewatch.gui.widgets.module_sources import forget_module_sources
from pricewatch.gui.widgets.quit_signals import QuitOnSignals
from pricewatch.gui.widgets.resources import app_icon
from pricewatch.interpreter import tune_interpreter
from pricewatch.scheduling import Scheduler
from pricewatch.storage import SchemaTooNewError, StorageError


def allow_web_engine_later() -> None:
    """Let Qt WebEngine start after the QApplication exists: the PriceWatch browser window then loads it when
    first opened, and a start that never opens it does not carry it (47 MB of libraries and objects).

    WebEngine needs OpenGL contexts shared between windows; set before the QApplication is made, this is
    what importing it early did.
    """
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


def freeze_heap() -> None:
    """Keep the objects alive now (modules, the products table just loaded, its sort orders) out of later
    full collections.

    A full collection walks every tracked object with the GIL held, on whichever thread triggers it: with
    10,000 products that was 40-130 ms, a frozen window a few times per big check; the sort values of
    100,000 rows made after loading (lists of a million references) alone cost 20 ms a collection. Frozen
    objects are still freed by reference counting when their rows are replaced; only reference cycles among
    them would stay, and :func:`run_application` unfreezes on the way out. The source lines of the modules
    imported meanwhile go first.
    """
    forget_module_sources()
    gc.freeze()


def configure_application(qt_app: QApplication) -> None:
    """Names, icon, and the system's light or dark palette (Qt follows the platform theme by itself)."""
    qt_app.setApplicationName("PriceWatch")
    qt_app.setApplicationVersion(__version__)
    qt_app.setOrganizationName("PriceWatch")
    qt_app.setDesktopFileName("pricewatch")
    qt_app.setWindowIcon(app_icon())
    qt_app.setQuitOnLastWindowClosed(False)  # closing to the tray keeps the program running


def show_window(window: MainWindow, minimized: bool) -> None:
    """Open the window; ``minimized`` (the login autostart) keeps it in the tray, or minimised without one."""
    if not minimized:
        window.show()
    elif not window.tray.available:
        window.showMinimized()


def run_application(
    api_server: ApiServerFactory | None = None, *, minimized: bool = False, instance_name: str | None = None
) -> int:
    """The window's event loop; returns the exit code.

    Args:
        api_server: builds the local HTTP API when the settings enable it.
        minimized: start in the tray (``pricewatch --minimized``, the autostart entry).
        instance_name: the single-instance socket (:func:`pricewatch.desktop.instance.server_name`); when
            another window holds it, that one is raised and this start ends with 0.
    """
    limit_malloc_arenas()  # before Qt's and SQLite's threads allocate
    tune_interpreter()
    allow_web_engine_later()
    qt_app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(qt_app, QApplication)
    configure_application(qt_app)
    language = WindowLanguage(qt_app)
    language.use(chosen_language(""))  # the system's, so that even a failure to open the data is in it
    instance = None
    if instance_name is not None:
        instance = InstanceServer(instance_name)
        if not instance.listen():  # another window started at the same moment and won
            send(instance_name, {"command": "raise"})
            return 0
    try:
        app = PriceWatch(scheduler=Scheduler, api_server=api_server)
    except (StorageError, SchemaTooNewError, OSError) as exc:
        # A damaged or newer database, or a data folder that cannot be made: say so, touch nothing.
        title = QCoreApplication.translate("Application", "PriceWatch cannot open its data")
        QMessageBox.critical(None, title, str(exc))
        return 4
    setting = app.settings.gui.language
    if setting:  # the settings name a language (read before any window is built)
        language.use(chosen_language(setting))
    formats_follow(language.code, setting)
    app.start()  # the engine first: close() then stops it before the parts its tasks use
    app.start_api_if_enabled()  # [api] enabled = true: scripts reach the same engine while the window runs
    window = MainWindow(app)
    window.product_sync.loaded.connect(freeze_heap)  # after the first load (and after each reload)
    window.product_sync.orders_made.connect(freeze_heap)  # and the sort orders made after it
    window.quit_requested.connect(qt_app.quit)
    uninstall_hook = install_excepthook(window.statusBar, str(app.paths.log_file))

    def quit_on_signal(_signum: int) -> None:
        window.quit()  # saves the layout like File > Quit; the tray setting does not keep it alive
        qt_app.quit()  # also ends a modal dialog's loop

    signals = QuitOnSignals(quit_on_signal)
    if instance is not None:
        instance.raise_requested.connect(window.bring_to_front)
        instance.add_requested.connect(window.add_from_outside)
    show_window(window, minimized)
    if app.settings_problems:
        title = QCoreApplication.translate("Application", "PriceWatch settings")
        QMessageBox.warning(window, title, "\n".join(app.settings_problems))
    try:
        return qt_app.exec()
    finally:
        signals.uninstall()
        if instance is not None:
            instance.close()  # first: a start from now on opens a window of its own
        window.shutdown()
        app.close()
        uninstall_hook()
        language.close()
        gc.unfreeze()
        if window.restart_requested:  # a newer pricewatch migrated the database: run that version
            exec_restart()
