"""The window's actions for organising products: editing a selection at once, snoozing, saving and deleting
smart filters. Every change goes through the facade; the Tags column and the filter are then read again."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from pricewatch.app import PriceWatch
from pricewatch.errors import NotFoundError
from pricewatch.gui.filters.bar import SAVED, FilterBar
from pricewatch.gui.filters.controller import FilterController
from pricewatch.gui.filters.save_dialog import SaveFilterDialog
from pricewatch.gui.products.bulk_edit import BulkEditDialog
from pricewatch.gui.products.panel import ProductsPanel
from pricewatch.gui.products.rule_snoozes import RuleSnoozeDialog
from pricewatch.gui.products.sync import ProductSync
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import utcnow
from pricewatch.organising import BulkEdit, BulkOutcome
from pricewatch.snoozes import snooze_end


class OrganiseActions(QObject):
    """Edit Selected…, the Snooze menu, Snooze Alerts…; Save Filter… and Delete Filter of the filter bar."""

    def __init__(
        self,
        app: PriceWatch,
        panel: ProductsPanel,
        sync: ProductSync,
        work: BackgroundWork,
        filters: FilterController,
        bar: FilterBar,
        message: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.app, self.panel, self.sync, self.work = app, panel, sync, work
        self.filters, self.bar, self.message, self.window = filters, bar, message, parent
        self.bulk_edit = QAction(self.tr("Edit &Selected…"), parent)
        self.bulk_edit.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.bulk_edit.setStatusTip(
            self.tr("Tags, check interval, a new rule or pause for every selected product")
        )
        parent.addAction(self.bulk_edit)
        self.snooze_menu = QMenu(self.tr("S&nooze"), parent)
        self.snooze_actions: dict[str, QAction] = {}
        for choice, text in (
            ("day", self.tr("For a &Day")),
            ("week", self.tr("For a &Week")),
            ("change", self.tr("Until the Price &Changes")),
            ("off", self.tr("&Unsnooze")),
        ):
            action = self.snooze_menu.addAction(text)
            action.triggered.connect(lambda _checked=False, c=choice: self.snooze_selected(c))
            self.snooze_actions[choice] = action
        self.snooze_menu.addSeparator()
        self.rule_snoozes = self.snooze_menu.addAction(self.tr("Snooze &Alerts…"))
        self.rule_snoozes.setStatusTip(self.tr("Snooze or unsnooze each alert rule of the product"))
        self.bulk_edit.triggered.connect(self.edit_selected)
        self.rule_snoozes.triggered.connect(self.snooze_rules)
        bar.save_requested.connect(self.save_filter)
        bar.delete_requested.connect(self.delete_filter)
        self.selection_changed(0)

    def add_to(self, menu: QMenu) -> None:
        """Put the actions in a product menu (the context menu, the Product menu)."""
        menu.addSeparator()
        menu.addAction(self.bulk_edit)
        menu.addMenu(self.snooze_menu)

    @Slot(int)
    def selection_changed(self, count: int) -> None:
        self.bulk_edit.setEnabled(count > 0)
        self.snooze_menu.setEnabled(count > 0)
        self.rule_snoozes.setEnabled(count == 1)

    # -- a selection at once --------------------------------------------------------------------------
    @Slot()
    def edit_selected(self) -> BulkEditDialog | None:
        ids = self.panel.selected_ids()
        if not ids:
            return None
        dialog = BulkEditDialog(len(ids), [name for name, _count in self.filters.tags], self.window)
        dialog.accepted.connect(lambda: self._run_bulk(ids, dialog.edit))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _run_bulk(self, ids: list[int], edit: BulkEdit) -> None:
        """On a pool thread: tens of thousands of products are one transaction that may take a moment."""
        self.message(self.tr("Changing the selected products (%n)…", "", len(ids)))
        self.work.submit(lambda: self.app.bulk_edit(ids, edit), self._bulk_done, self._bulk_failed)

    def _bulk_done(self, outcome: BulkOutcome) -> None:
        self.message(outcome.summary())
        if outcome.intervals_set or outcome.paused_set or outcome.rules_added:
            for product_id in outcome.product_ids:  # the rows show interval, pause and target
                self.sync.refresh(product_id)
        self.filters.refresh()

    def _bulk_failed(self, error: str) -> None:
        QMessageBox.warning(self.window, self.tr("Nothing was changed"), error)

    # -- snoozes --------------------------------------------------------------------------------------
    def snooze_selected(self, choice: str) -> None:
        """One transaction for the selection, on a pool thread (a selection may hold thousands)."""
        ids = self.panel.selected_ids()
        until, until_change = snooze_end(choice, utcnow())
        app = self.app
        self.work.submit(
            lambda: app.snooze_products(ids, until, until_change=until_change),
            lambda done: self._snoozed(choice, done),
            self._bulk_failed,
        )

    def _snoozed(self, choice: str, done: int) -> None:
        texts = {
            "day": self.tr("Products snoozed for a day: %n", "", done),
            "week": self.tr("Products snoozed for a week: %n", "", done),
            "change": self.tr("Products snoozed until their price changes: %n", "", done),
            "off": self.tr("Products unsnoozed: %n", "", done),
        }
        self.message(texts[choice])
        self.filters.refresh()

    @Slot()
    def snooze_rules(self) -> RuleSnoozeDialog | None:
        ids = self.panel.selected_ids()
        if len(ids) != 1:
            return None
        try:
            product = self.app.get_product(ids[0])
            rules = self.app.alert_rules_for(ids[0])
        except NotFoundError:
            return None
        dialog = RuleSnoozeDialog(self.app, product, rules, self.window)
        dialog.accepted.connect(self.filters.refresh)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    # -- smart filters --------------------------------------------------------------------------------
    @Slot()
    def save_filter(self) -> SaveFilterDialog:
        tags = [name for name, _count in self.filters.tags]
        dialog = SaveFilterDialog(self.bar.query(), tags, self.bar.current_filter_name() or "", self.window)
        dialog.accepted.connect(lambda: self._save(dialog.result_name, dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _save(self, name: str, dialog: SaveFilterDialog) -> None:
        saved = self.app.save_filter(name, dialog.result_query)
        self.bar.set_choices(self.app.saved_filters(), self.filters.tags)
        self.bar.choose(SAVED, saved.name)
        self.filters.choose(self.bar.query())  # also when it was chosen already, under its old conditions
        self.message(self.tr("Saved the filter “{name}”").format(name=saved.name))

    @Slot(str)
    def delete_filter(self, name: str) -> None:
        with contextlib.suppress(NotFoundError):  # deleted elsewhere: the refresh drops it from the list
            self.app.delete_filter(name)
        self.bar.choose("all")
        self.filters.refresh()
        self.message(self.tr("Deleted the filter “{name}”").format(name=name))
