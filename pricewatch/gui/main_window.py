"""The main window: the products table; background work as a status bar indicator that opens the task dock
(hidden until asked for), menus and tray."""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMainWindow, QMenu, QMessageBox

from pricewatch import __version__, formatting
from pricewatch.app import PriceWatch
from pricewatch.errors import InvalidURLError, NotFoundError
from pricewatch.gui.actions import Actions
from pricewatch.gui.add_many.window import AddMany, holds_many
from pricewatch.gui.editor.address import address_in
from pricewatch.gui.editor.dialog import ProductDialog
from pricewatch.gui.filters.bar import FilterBar
from pricewatch.gui.filters.controller import FilterController
from pricewatch.gui.history.window import ProductDetail
from pricewatch.gui.menus import build_menus, build_toolbar, product_context_menu
from pricewatch.gui.notifications.actions import NotificationActions
from pricewatch.gui.notifications.panel import NotificationsPanel
from pricewatch.gui.notifications.tray import TrayIcon
from pricewatch.gui.products.messages import confirm_remove, removed_elsewhere
from pricewatch.gui.products.model import ProductTableModel
from pricewatch.gui.products.next_check import NextCheckColumn
from pricewatch.gui.products.organise import OrganiseActions
from pricewatch.gui.products.panel import ProductsPanel
from pricewatch.gui.products.retries import CheckRetries
from pricewatch.gui.products.shops import BestPrices, ShopActions
from pricewatch.gui.products.sync import ProductSync
from pricewatch.gui.products.transfer import TransferActions
from pricewatch.gui.settings.dialog import SettingsDialog
from pricewatch.gui.status_bar import StatusBar
from pricewatch.gui.tasks.columns import default_subject
from pricewatch.gui.tasks.model import TaskTreeModel
from pricewatch.gui.tasks.outside import OutsideTasks
from pricewatch.gui.tasks.panel import TaskPanel
from pricewatch.gui.watch.data import DataVersionWatch
from pricewatch.gui.watch.schema import SchemaWatch, ask_restart, lock_writes
from pricewatch.gui.widgets.browser import open_in_browser
from pricewatch.gui.widgets.module_sources import forget_module_sources
from pricewatch.gui.widgets.resources import app_icon
from pricewatch.gui.widgets.ui_state import UiState
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import TaskRecord, TaskState
from pricewatch.transfer_merge import ImportSummary
from pricewatch.urls import validate_url

CHECK_PRICES = "price_tracking.check_prices"
DEFAULT_SIZE = (1200, 720)  # every column of the products table fits at this size (tests/gui check it)
# Docks close and move between the bottom and the right, but never float off by a slip of the mouse.
_F = QDockWidget.DockWidgetFeature
DOCK_FEATURES = _F.DockWidgetClosable | _F.DockWidgetMovable
DOCK_AREAS = Qt.DockWidgetArea.BottomDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea
RECENT_TASKS = 1000  # finished tasks shown at start; unfinished ones are always shown

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The window; closing it hides to the tray when configured, quitting goes through :meth:`quit`.

    Signals:
        quit_requested(): the user chose Quit; the application ends its event loop.
        checks_queued(str): the task id of a check the user started.
    """

    quit_requested = Signal()
    checks_queued = Signal(str)

    def __init__(self, app: PriceWatch) -> None:
        super().__init__()
        formatting.warm_up()  # before the first paint, not in it
        self.app = app
        self.setObjectName("mainWindow")
        self.setWindowTitle("PriceWatch")  # the program's name, the same in every language
        self.setWindowIcon(app_icon())
        self.resize(*DEFAULT_SIZE)
        self._quitting = False
        self._shut_down = False
        self.work = BackgroundWork(self)
        self.ui_state = UiState(app.paths.config_dir)
        self.commands = Actions(self)

        self.product_model = ProductTableModel(self)
        self.products = ProductsPanel(self.product_model, self)
        self.products.setContentsMargins(8, 8, 8, 0)
        self.setCentralWidget(self.products)
        self.product_sync = ProductSync(app, self.product_model, self.work)
        self.product_sync.loaded.connect(self._update_counts)
        # The CLI, the API or another window may change products while this window is open.
        self.db_watch = DataVersionWatch(app, self)
        self.db_watch.changed.connect(self.product_sync.sync_outside)
        self._details: dict[int, ProductDetail] = {}
        self.product_sync.products_refreshed.connect(self._details_refresh)
        # One item in several shops: the "All shops" column and the grouping actions
        self.best_prices = BestPrices(app, self.product_model, self.work)
        self.product_sync.loaded.connect(self.best_prices.refresh_now)
        self.product_sync.products_refreshed.connect(self.best_prices.refresh)
        self.db_watch.changed.connect(self.best_prices.refresh)  # a merge from the CLI or the API
        self.shop_actions = ShopActions(app, self)
        self.shop_actions.changed.connect(self._listings_changed)
        self.shop_actions.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.transfer = TransferActions(app, self.work, self)
        self.transfer.exported.connect(self._exported)
        self.transfer.imported.connect(self._imported)
        self.transfer.failed.connect(lambda error: self.statusBar().showMessage(error, 10000))
        # File > Add Many… and links or bookmarks files dropped on the window.
        self.add_many = AddMany(app, self.work, self)
        self.add_many.added.connect(self._added_many)
        self.status = StatusBar(app, self)
        self.setStatusBar(self.status)

        self.task_model = TaskTreeModel(self._fetch_task, self._task_subject, self, work=self.work)
        self.task_model.connect_signals(app.task_signals)
        # Tasks other processes run (pricewatch check, serve, its API) come through the journal's change feed.
        self.outside_tasks = OutsideTasks(app, self.task_model, self.work, self)
        self.db_watch.changed.connect(self.outside_tasks.poll)
        self.task_model.records_updated.connect(self.product_sync.on_task_records)
        self.task_model.counts_changed.connect(self.status.set_counts)
        self.task_panel = TaskPanel(app, self.task_model, self)
        self.task_panel.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.task_dock = QDockWidget(self.tr("Tasks"), self)
        self.task_dock.setObjectName("taskDock")
        self.task_dock.setWidget(self.task_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.task_dock)
        self.notifications = NotificationsPanel(app, self.work, self)
        self.task_model.records_updated.connect(self.notifications.on_task_records)
        self.notifications_dock = QDockWidget(self.tr("Notifications"), self)
        self.notifications_dock.setObjectName("notificationsDock")
        self.notifications_dock.setWidget(self.notifications)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.notifications_dock)
        self.tabifyDockWidget(self.task_dock, self.notifications_dock)
        for dock in (self.task_dock, self.notifications_dock):
            dock.setFeatures(DOCK_FEATURES)
            dock.setAllowedAreas(DOCK_AREAS)
            dock.hide()  # the products are the window; the status bar's indicator opens the tasks
        self.task_dock.raise_()
        self.resizeDocks([self.task_dock], [260], Qt.Orientation.Vertical)
        self.status.activity.clicked.connect(self.show_tasks)

        self.commands.show_tasks = build_menus(self, self.commands, [self.task_dock, self.notifications_dock])
        self.product_context_menu = product_context_menu(self, self.commands)
        # Smart filters, tags and snoozes (issue 21): the filter row, the Tags column, Edit Selected…, Snooze.
        self.filter_bar = FilterBar(self.products)
        self.products.add_filter_bar(self.filter_bar)
        self.filters = FilterController(app, self.product_model, self.products, self.filter_bar, self.work)
        self.product_sync.loaded.connect(self.filters.refresh)
        self.product_sync.products_refreshed.connect(self.filters.refresh_soon)
        self.db_watch.changed.connect(self.filters.refresh_soon)
        self.filters.applied.connect(self._update_counts)
        self.organise = OrganiseActions(
            app, self.products, self.product_sync, self.work, self.filters, self.filter_bar,
            lambda text: self.statusBar().showMessage(text, 8000), self,
        )  # fmt: skip
        self.organise.add_to(self.product_context_menu)
        product_menu = self.menuBar().findChild(QMenu, "productMenu")
        if product_menu is not None:
            self.organise.add_to(product_menu)
        self.toolbar = build_toolbar(self, self.commands)
        self.tray = TrayIcon(self, self.commands.check_all, self.commands.pause, self.commands.quit)
        self.tray.fallback_message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        app.set_tray_notifier(self.tray.notify)
        # The buttons of desktop notifications (Open, Open shop page, Snooze 1 day) act on this window.
        self.notification_actions = NotificationActions(app, self)
        self.notification_actions.done.connect(lambda text: self.statusBar().showMessage(text, 10000))
        # A newer pricewatch may migrate the database under the window; a scheduled run may fail to start.
        self.restart_requested = False
        self.schema_watch = SchemaWatch(app, self)
        self.db_watch.changed.connect(self.schema_watch.check)
        self.schema_watch.changed.connect(self._schema_changed)
        self.tray.warning.connect(lambda text: self.statusBar().showMessage(f"⚠ {text}", 60000))
        self.tray.warning.connect(self.status.refresh_schedule)
        self._stop_failure_reports = app.scheduler.on_failure(self.tray.warn)
        self.next_check = NextCheckColumn(app, self.product_model, self)  # the real scheduled run
        self.status.next_check = self.next_check.earliest  # the rows' plan: the two always agree
        self.next_check.changed.connect(self.status.refresh_schedule)
        self.product_sync.loaded.connect(self.status.refresh_schedule)
        self.product_sync.products_refreshed.connect(self.status.refresh_schedule_soon)
        self.check_retries = CheckRetries(self.product_model, self)  # "Retrying at 07:48", not "Failed"
        self.task_model.records_updated.connect(self.check_retries.on_task_records)
        self._connect()
        self.ui_state.restore_window(self)
        self.ui_state.restore_header("products", self.products.table.horizontalHeader())
        self.ui_state.restore_header("tasks", self.task_panel.tree.header())
        self.commands.pause.setChecked(app.settings.schedule.paused)
        self.db_watch.start()  # before the first read, so nothing committed meanwhile is missed
        self.outside_tasks.start()
        forget_module_sources()  # the window's modules are in: their 18 MB of lines make room for the rows
        self.product_sync.reload()
        self._load_tasks()
        self.notifications.reload()

    # -- construction ---------------------------------------------------------------------------------
    def _connect(self) -> None:
        a = self.commands
        a.add.triggered.connect(self.add_product)
        a.paste.triggered.connect(self.paste_url)
        a.add_many.triggered.connect(self.add_many.open)
        a.edit.triggered.connect(self.edit_product)
        a.delete.triggered.connect(self.remove_selected)
        a.details.triggered.connect(self.show_current_detail)
        a.open_browser.triggered.connect(self.open_in_browser)
        a.find.triggered.connect(self.products.focus_search)
        a.reload.triggered.connect(self.reload)
        a.import_.triggered.connect(self.transfer.ask_import)
        a.export.triggered.connect(self.transfer.ask_export)
        a.quit.triggered.connect(self.quit)
        a.check.triggered.connect(self.check_selected)
        a.check_all.triggered.connect(self.check_all)
        a.pause.toggled.connect(self.pause_checks)
        a.pause.toggled.connect(self.next_check.refresh)
        a.about.triggered.connect(self._about)
        a.settings.triggered.connect(self.open_settings)
        a.add_shop.triggered.connect(self.add_shop)
        a.merge.triggered.connect(self.merge_product)
        a.split.triggered.connect(self.split_listing)
        self.products.activated.connect(self.show_detail)
        self.products.context_menu_requested.connect(self.product_context_menu.popup)
        self.products.selection_changed.connect(self._selection_changed)
        for signal in (self.product_model.rowsInserted, self.product_model.rowsRemoved,
                       self.product_model.modelReset, self.products.view_changed):  # fmt: skip
            signal.connect(self._update_counts)

    # -- products -------------------------------------------------------------------------------------
    @Slot()
    def _selection_changed(self) -> None:
        selected = self.products.selected_rows()
        single = len(selected) == 1
        for action in (self.commands.edit, self.commands.details, self.commands.open_browser,
                       self.commands.add_shop, self.commands.merge, self.commands.split):  # fmt: skip
            action.setEnabled(single)
        for action in (self.commands.delete, self.commands.check):
            action.setEnabled(bool(selected))
        self.organise.selection_changed(len(selected))

    @Slot()
    def add_product(self, url: str = "") -> ProductDialog:
        """Open the add dialog (non-modal); with a URL the look-up starts at once."""
        dialog = ProductDialog(self.app, url=url if isinstance(url, str) else "", parent=self)
        dialog.saved.connect(self._product_saved)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @Slot()
    def bring_to_front(self) -> None:
        """Another start of PriceWatch asked for this window (see pricewatch.desktop.instance)."""
        self.tray.show_window()

    @Slot(str)
    def add_from_outside(self, url: str) -> ProductDialog | None:
        """``pricewatch add URL`` while this window runs: the add dialog, with the URL looked up."""
        self.bring_to_front()
        try:
            url = validate_url(url)
        except InvalidURLError as exc:
            self.statusBar().showMessage(
                self.tr("Cannot add {url}: {error}").format(url=url[:200], error=exc), 8000
            )
            return None
        return self.add_product(url)

    @Slot()
    def paste_url(self) -> None:
        text = (QGuiApplication.clipboard().text() or "").strip()
        if holds_many(text):  # a list of addresses: Add Many's preview, not the first one alone
            self.add_many.open(text)
            return
        try:
            url = validate_url(address_in(text))
        except InvalidURLError as exc:
            self.statusBar().showMessage(
                self.tr("The clipboard holds no product address: {error}").format(error=exc), 6000
            )
            return
        self.add_product(url)

    @Slot()
    def edit_product(self) -> ProductDialog | None:
        products = self.products.selected_products()
        if len(products) != 1:
            return None
        dialog = ProductDialog(self.app, product=products[0], parent=self)
        dialog.saved.connect(self._product_saved)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @Slot(int)
    def _product_saved(self, product_id: int) -> None:
        self.product_sync.refresh(product_id)
        self.product_sync.flush_now()
        self.products.select_product(product_id)

    @Slot(list)
    def _added_many(self, product_ids: list[int]) -> None:
        self.product_sync.reload()
        self.statusBar().showMessage(self.tr("%n product(s) added", "", len(product_ids)), 8000)

    @Slot()
    @Slot()
    def add_shop(self) -> ProductDialog | None:
        product_id = self.products.current_id()
        return None if product_id is None else self.shop_actions.add_shop(product_id)

    @Slot()
    def merge_product(self) -> QInputDialog | None:
        product_id = self.products.current_id()
        return None if product_id is None else self.shop_actions.merge(product_id)

    @Slot()
    def split_listing(self) -> None:
        product_id = self.products.current_id()
        if product_id is not None:
            self.shop_actions.split(product_id)

    @Slot(object)
    def _listings_changed(self, product_ids: list[int]) -> None:
        """Listings joined or parted: their rows, the "All shops" column and open history windows."""
        for product_id in product_ids:
            self.product_sync.refresh(product_id)
        self.best_prices.refresh_now()
        self._details_refresh([pid for pid in self._details if pid in product_ids])

    def show_current_detail(self) -> None:
        product_id = self.products.current_id()
        if product_id is not None:
            self.show_detail(product_id)

    @Slot(int)
    def show_detail(self, product_id: int) -> ProductDetail | None:
        """Open (or raise) the product's window with its price history."""
        detail = self._details.get(product_id)
        if detail is None:
            row = self.product_model.row_of(product_id)
            if row is None:
                return None
            detail = ProductDetail(self.app, self.product_model.product_at(row), self.work, self)
            detail.check_requested.connect(self._check_one)
            detail.edit_requested.connect(self._edit_one)
            detail.finished.connect(lambda _r, pid=product_id: self._details.pop(pid, None))
            detail.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self._details[product_id] = detail
        detail.show()
        detail.raise_()
        detail.activateWindow()
        return detail

    @Slot(object)
    def _details_refresh(self, product_ids: list[int]) -> None:
        for product_id in product_ids:
            detail = self._details.get(product_id)
            if detail is not None:
                detail.reload()

    @Slot(int)
    def _check_one(self, product_id: int) -> None:
        try:
            self.app.check_product(product_id)
        except NotFoundError:
            self.product_gone([product_id])
            return
        self.statusBar().showMessage(self.tr("Checking…"), 3000)

    def product_gone(self, ids: list[int]) -> QMessageBox:
        """Products removed elsewhere (the CLI, the API): drop their rows and say so (non-modal)."""
        for product_id in ids:
            self.product_model.remove(product_id)
            detail = self._details.get(product_id)
            if detail is not None:
                detail.close()
        box = removed_elsewhere(self, len(ids))
        self.product_sync.sync_outside()  # other rows may be stale too
        return box

    @Slot(int)
    def _edit_one(self, product_id: int) -> None:
        self.products.select_product(product_id)
        self.edit_product()

    @Slot()
    def open_in_browser(self) -> None:
        for product in self.products.selected_products()[:1]:
            self.browser_message = open_in_browser(self, product.url)

    @Slot()
    def remove_selected(self) -> QMessageBox | None:
        products = self.products.selected_products()
        if not products:
            return None
        box, remove = confirm_remove(self, products)
        ids = [p.id or 0 for p in products]

        def done() -> None:
            if box.clickedButton() is remove:
                self._remove(ids)

        box.finished.connect(done)
        box.open()
        return box

    def _remove(self, ids: list[int]) -> None:
        for product_id in ids:
            with contextlib.suppress(NotFoundError):  # removed elsewhere meanwhile: gone either way
                self.app.remove_product(product_id)
            self.product_model.remove(product_id)
        removed = self.tr("Removed 1 product") if len(ids) == 1 else self.tr("Removed {count} products")
        self.statusBar().showMessage(removed.format(count=len(ids)), 5000)

    @Slot()
    def check_selected(self) -> None:
        """One product: a check task; several: one batch task (its children are the per-product checks)."""
        ids = self.products.selected_ids()
        if len(ids) == 1:
            try:
                self.checks_queued.emit(self.app.check_product(ids[0]))
            except NotFoundError:
                self.product_gone(ids)
                return
        elif ids:
            # The ids come from the table, so the facade's per-id validation (a read per product) is skipped;
            # the task itself reports ids that vanished meanwhile.
            kwargs = {"force": False, "product_ids": ids}
            self.checks_queued.emit(self.app.submit_task(CHECK_PRICES, kwargs=kwargs, priority=10))
        if ids:
            checking = (
                self.tr("Checking 1 product…") if len(ids) == 1 else self.tr("Checking {count} products…")
            )
            self.statusBar().showMessage(checking.format(count=len(ids)), 4000)

    @Slot()
    def check_all(self) -> str:
        task_id = self.app.check_prices(force=True)
        self.checks_queued.emit(task_id)
        self.statusBar().showMessage(self.tr("Checking every product…"), 4000)
        return task_id

    @Slot(bool)
    def pause_checks(self, paused: bool) -> None:
        if paused != self.app.settings.schedule.paused:
            self.app.pause_schedule(paused)
        self.status.refresh_schedule()

    # -- tasks ----------------------------------------------------------------------------------------
    @Slot()
    def show_tasks(self) -> None:
        """Open the task table (the status bar's activity indicator, View > Tasks)."""
        self.task_dock.show()
        self.task_dock.raise_()

    def _fetch_task(self, task_id: str) -> TaskRecord | None:
        try:
            return self.app.get_task(task_id)
        except NotFoundError:
            return None

    def _task_subject(self, record: TaskRecord) -> str:
        product_id = record.kwargs.get("product_id") if record.kwargs else None
        if isinstance(product_id, int):
            row = self.product_model.row_of(product_id)
            if row is not None:
                product = self.product_model.product_at(row)
                return product.title or product.url
        return default_subject(record)

    def _load_tasks(self) -> None:
        app = self.app

        def read() -> list[TaskRecord]:
            records = {r.id: r for r in app.list_tasks(limit=RECENT_TASKS)}
            for state in (TaskState.PENDING, TaskState.STARTED, TaskState.RETRY):
                records.update((r.id, r) for r in app.list_tasks(state=str(state), limit=100_000))
            return list(records.values())

        self.work.submit(read, self.task_model.load)

    @Slot()
    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.app, self, self.work)
        dialog.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        dialog.accepted.connect(self._settings_saved)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @Slot()
    def _settings_saved(self) -> None:
        self.commands.pause.setChecked(self.app.settings.schedule.paused)
        self.status.refresh_schedule()
        self.statusBar().showMessage(self.tr("Settings saved"), 4000)

    @Slot()
    def reload(self) -> None:
        """View > Reload: read products, tasks and notifications again (changes made elsewhere)."""
        self.product_sync.reload()
        self._load_tasks()
        self.notifications.reload()
        self.statusBar().showMessage(self.tr("Reloaded"), 3000)

    # -- import / export ------------------------------------------------------------------------------
    def _exported(self, path: str, count: int) -> None:
        self.statusBar().showMessage(
            self.tr("Exported {count} products to {path}").format(count=count, path=path), 8000
        )

    def _imported(self, summary: ImportSummary) -> None:
        self.statusBar().showMessage(
            self.tr("Imported: {added} new products, {updated} updated, {points} price points").format(
                added=summary.products_added, updated=summary.products_updated,
                points=summary.observations_added,
            ), 8000,
        )  # fmt: skip
        self.product_sync.reload()

    # -- status ---------------------------------------------------------------------------------------
    @Slot()
    def _update_counts(self) -> None:
        total = self.product_model.rowCount()
        shown = self.products.visible_count()
        counted = (
            self.tr("PriceWatch — 1 product") if total == 1 else self.tr("PriceWatch — {count} products")
        )
        self.setWindowTitle(counted.format(count=total) if total else "PriceWatch")
        self.status.set_product_count(total, shown)

    def _about(self) -> None:
        what = self.tr("A desktop price tracker.")
        folder = self.tr("Data folder: {folder}").format(folder=f"<code>{self.app.paths.data_dir}</code>")
        text = f"<h3>PriceWatch {__version__}</h3><p>{what}</p><p>{folder}</p>"
        QMessageBox.about(self, self.tr("About PriceWatch"), text)

    # -- life cycle -----------------------------------------------------------------------------------
    @Slot(int, int)
    def _schema_changed(self, old: int, new: int) -> None:
        self.app.scheduler.shutdown()  # its runs could only fail against the new schema
        self.next_check.refresh()
        if self.status.restart_button is None:  # the first change: what would write is disabled for good
            a, tasks = self.commands, self.task_panel
            lock_writes(self, [a.add, a.paste, a.edit, a.delete, a.check, a.check_all, a.import_, a.pause,
                               tasks.retry_action, tasks.cancel_action])  # fmt: skip
        self.status.show_restart_needed(self.restart)  # stays after "Later"
        self.statusBar().showMessage(
            self.tr("PriceWatch was updated by another program: restart it to continue")
        )
        previous: QMessageBox | None = getattr(self, "upgrade_question", None)
        if previous is not None:  # a further change: ask again
            previous.close()
        self.upgrade_question, restart = ask_restart(self, old, new)
        restart.clicked.connect(self.restart)

    @Slot()
    def restart(self) -> None:
        """Quit, then start again with the same command line (run_application does the exec)."""
        self.restart_requested = True
        self.quit()

    @Slot()
    def quit(self) -> None:
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        gui = self.app.settings.gui
        if not self._quitting and gui.close_to_tray and self.tray.available:
            # Keep running in the tray: checks and notifications go on without the window.
            event.ignore()
            self.save_layout()
            self.hide()
            if not gui.tray_hint_shown:
                self.tray.icon.showMessage(
                    self.tr("PriceWatch keeps running"),
                    self.tr(
                        "PriceWatch is still checking prices in the tray. Use Quit in its menu to stop it."
                    ),
                )
                gui.tray_hint_shown = True
                self.app.save_settings()
            return
        self.save_layout()
        self.shutdown()
        event.accept()
        self.quit_requested.emit()  # the window is gone for good: end the program

    def save_layout(self) -> None:
        """Window size, docks (shown or not, where) and column layouts, for the next start."""
        self.ui_state.save_window(self)
        self.ui_state.save_header("products", self.products.table.horizontalHeader())
        self.ui_state.save_header("tasks", self.task_panel.tree.header())
        self.ui_state.sync()

    def shutdown(self) -> None:
        """Stop timers and background reads; the caller closes the facade afterwards. Safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self.app.set_tray_notifier(None)
        self.notification_actions.uninstall()
        self._stop_failure_reports()
        self.tray.hide()
        for detail in list(self._details.values()):
            detail.close()
        self.db_watch.stop()
        self.next_check.stop()
        self.filters.stop()
        self.product_sync.stop()
        self.best_prices.stop()
        self.product_model.stop()
        self.outside_tasks.stop()
        self.task_model.stop()
        self.task_panel.stop()
        self.notifications.stop()
        self.status.stop()
        self.work.close()
