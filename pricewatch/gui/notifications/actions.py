"""What the buttons of a desktop notification do: open the product, open its shop page, snooze it a day."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from pricewatch.app import PriceWatch
from pricewatch.errors import NotFoundError
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.browser import open_in_browser
from pricewatch.models import utcnow
from pricewatch.notify.freedesktop import OPEN, OPEN_SHOP, SNOOZE

SNOOZE_FOR = timedelta(days=1)

log = logging.getLogger(__name__)


class ProductSelection(Protocol):
    def select_product(self, product_id: int) -> None: ...


class ProductWindow(Protocol):
    """What the actions need of the main window (typed here: the main window imports this module)."""

    @property
    def products(self) -> ProductSelection: ...

    def bring_to_front(self) -> None: ...

    def window(self) -> QWidget: ...


class NotificationActions(QObject):
    """Installs itself as the facade's notification action handler while the window lives.

    Signals:
        requested(str, object): an action and its product id (emitted on the bus thread, handled here).
        done(str): what was done, for the status bar.
    """

    requested = Signal(str, object)
    done = Signal(str)

    def __init__(self, app: PriceWatch, window: ProductWindow) -> None:
        super().__init__(window.window())
        self.app = app
        self.window = window
        self.browser_message: QMessageBox | None = None
        self.requested.connect(self.perform)
        app.set_notification_actions(self.requested.emit)

    def uninstall(self) -> None:
        self.app.set_notification_actions(None)

    @Slot(str, object)
    def perform(self, action: str, product_id: int | None) -> None:
        if action == OPEN or product_id is None:
            self.window.bring_to_front()
            if product_id is not None:
                self.window.products.select_product(product_id)
            return
        try:
            product = self.app.get_product(product_id)
        except NotFoundError:
            self.done.emit(self.tr("That product is no longer tracked"))
            return
        name = fmt.clean_text(product.title or product.url, 80)
        if action == OPEN_SHOP:
            self.browser_message = open_in_browser(self.window.window(), product.url)
        elif action == SNOOZE:
            until = utcnow() + SNOOZE_FOR
            self.app.snooze_product(product_id, until)
            self.done.emit(
                self.tr("No notifications about {name} until {time}").format(
                    name=name, time=fmt.local_time(until)
                )
            )
