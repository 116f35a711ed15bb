"""One item in several shops, in the product list: the "All shops" column and the actions that group
listings ("Add Another Shop…", "Merge With…", "Split From Product").

The column shows, on every listing of a product in several shops, the cheapest price in the home currency and
how many shops sell it; on a listing alone in another currency, its price converted. It is computed from the
facade's product groups on a pool thread, a moment after the rows change.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QInputDialog, QWidget

from pricewatch.app import PriceWatch
from pricewatch.errors import NotFoundError
from pricewatch.gui.editor.dialog import ProductDialog
from pricewatch.gui.products.model import ProductTableModel
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.storage.product_groups import Listing, ProductGroup

ACTION_MS = 300  # after the user grouped listings here
# Rows re-read (checks finishing) or another process wrote: at most one recomputation per this many ms, so a
# check of 10,000 products costs the pool a 0.3 s read every 2 s, not continuously.
REFRESH_MS = 2000
Cells = dict[int, tuple[str, str, Decimal | None]]


class BestPrices(QObject):
    """Keeps the model's "All shops" column up to date (call :meth:`refresh` when products change)."""

    def __init__(self, app: PriceWatch, model: ProductTableModel, work: BackgroundWork) -> None:
        super().__init__(model)
        self.app = app
        self.model = model
        self.work = work
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self._read)

        self._stopped = False

    @Slot()
    def refresh(self) -> None:
        """Products changed (checks, another process): recompute soon, at most once per REFRESH_MS."""
        if not self._stopped and not self._timer.isActive():
            self._timer.start(REFRESH_MS)

    @Slot()
    def refresh_now(self) -> None:
        """The user grouped listings: show it at once."""
        if not self._stopped:
            self._timer.start(ACTION_MS)

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()

    @Slot()
    def _read(self) -> None:
        self.work.submit(self.cells, self._ready)

    def _ready(self, cells: Cells) -> None:
        if not self._stopped:
            self.model.set_best_prices(cells)

    def cells(self) -> Cells:
        """Every grouped or converted listing's cell (runs on a pool thread: plain data only)."""
        cells: Cells = {}
        if not self.app.compares_prices():  # nothing grouped, nothing in another currency: nothing to show
            return cells
        for group in self.app.product_groups():
            if len(group.listings) > 1:
                cell = self._group_cell(group)
                for item in group.listings:
                    cells[item.id] = cell
            elif group.lead.converted:
                cells[group.id] = self._converted_cell(group.lead, group)
        return cells

    def _group_cell(self, group: ProductGroup) -> tuple[str, str, Decimal | None]:
        home, best = group.home_currency, group.cheapest
        count = len(group.listings)
        price = fmt.money(best.home_price, home) if best is not None else fmt.money(None, home)
        text = self.tr("{price} · {count} shops").format(price=price, count=count)
        lines = []
        for item in group.listings:
            own = fmt.money(item.product.price, item.product.currency)
            if item.converted:
                own = f"{own} = {fmt.money(item.home_price, home)}"
            mark = self.tr(" (cheapest)") if best is not None and item.id == best.id else ""
            lines.append(f"{fmt.clean_text(item.product.shop, 40) or item.product.url}: {own}{mark}")
        lines.append(self._rates_line(group))
        return text, "\n".join(line for line in lines if line), None if best is None else best.home_price

    def _converted_cell(self, item: Listing, group: ProductGroup) -> tuple[str, str, Decimal | None]:
        home = fmt.money(item.home_price, group.home_currency)
        own = fmt.money(item.product.price, item.product.currency)
        return "≈ " + home, f"{own} = {home}\n{self._rates_line(group)}", item.home_price

    def _rates_line(self, group: ProductGroup) -> str:
        dates = {item.rate_date for item in group.listings if item.rate_date is not None}
        if not dates:
            return ""
        line = self.tr("Converted at the exchange rates of {date}").format(date=max(dates).isoformat())
        return line + (self.tr(" (out of date)") if group.rates_stale else "")


class ShopActions(QObject):
    """The grouping actions on one selected product; dialogs are window-modal and returned for tests.

    Signals:
        changed(object): the ids of the listings whose product changed (their rows and column to redraw).
        message(str): what happened, for the status bar.
    """

    changed = Signal(object)
    message = Signal(str)

    def __init__(self, app: PriceWatch, parent: QWidget) -> None:
        super().__init__(parent)
        self.app = app
        self.window = parent

    def add_shop(self, product_id: int) -> ProductDialog | None:
        """The add dialog for the same item in another shop: looked up and previewed (price, offers, what
        the page says), then tracked as a listing of this product and checked at once."""
        try:
            product = self.app.get_product(product_id)
        except NotFoundError as exc:  # removed elsewhere since the row was selected
            self.message.emit(str(exc))
            return None
        dialog = ProductDialog(self.app, parent=self.window, listing_of=product)
        dialog.saved.connect(self._added)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def merge(self, product_id: int) -> QInputDialog | None:
        """Offer the other products; the one picked becomes one product with this one."""
        own = {item.id for item in self.app.product_group(product_id).listings}
        choices: dict[str, int] = {}
        for group in self.app.product_groups():
            if group.id in own:
                continue
            lead = group.lead.product
            name = fmt.clean_text(lead.title, 60) or fmt.clean_text(lead.url, 60)
            shops = (
                self.tr(" ({count} shops)").format(count=len(group.listings))
                if len(group.listings) > 1
                else ""
            )
            choices[f"#{group.id} {name} · {fmt.clean_text(lead.shop, 30)}{shops}"] = group.id
        if not choices:
            self.message.emit(self.tr("There is no other product to merge with"))
            return None
        dialog = self._dialog(self.tr("Merge With…"), self.tr("The same item as this product:"))
        dialog.setComboBoxItems(list(choices))
        dialog.textValueSelected.connect(lambda text: self._merge(product_id, choices.get(text)))
        dialog.open()
        return dialog

    def split(self, product_id: int) -> None:
        try:
            group = self.app.product_group(product_id)
            self.app.split_listing(product_id)
        except (ValueError, NotFoundError) as exc:
            self.message.emit(str(exc))
            return
        self.changed.emit([item.id for item in group.listings])
        self.message.emit(self.tr("The listing is a product of its own again"))

    def _dialog(self, title: str, label: str) -> QInputDialog:
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.resize(520, dialog.height())
        return dialog

    def _added(self, listing_id: int) -> None:
        self.changed.emit([item.id for item in self.app.product_group(listing_id).listings])
        self.message.emit(self.tr("Added another shop; checking its price…"))

    def _merge(self, product_id: int, other_id: int | None) -> None:
        if other_id is None:
            return
        try:
            group = self.app.merge_products(product_id, other_id)
        except (ValueError, NotFoundError) as exc:
            self.message.emit(str(exc))
            return
        self.changed.emit([item.id for item in group.listings])
        self.message.emit(self.tr("Merged: one product in {count} shops").format(count=len(group.listings)))
