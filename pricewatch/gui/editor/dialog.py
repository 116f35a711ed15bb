"""Adding and editing a product: look the page up as a task, show what was found, pick an offer, set alerts.

Add looks the page up (a preview task, visible in the task table). Edit opens with what the last check
stored and reads the page only when the user asks (Look up) or changes the address, which must then be looked
up again before saving.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pricewatch.app import PriceWatch, parse_price
from pricewatch.errors import ConflictError, InvalidURLError, NotFoundError
from pricewatch.gui.editor.address import AddressEdit, http_fallback
from pricewatch.gui.editor.alert_rules import AlertRulesEditor
from pricewatch.gui.editor.fields import fetch_mode_combo, interval_combo
from pricewatch.gui.editor.lookup_task import LookupTask
from pricewatch.gui.editor.lookup_view import LookupView
from pricewatch.gui.editor.selector_check import selector_problem
from pricewatch.gui.editor.wording import plain_error, retry_text
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import AlertKind, AlertRule, Product, TaskRecord, TaskState
from pricewatch.units import checked_quantity
from pricewatch.urls import assume_https, validate_url
from pricewatch.wording import missing_page

_READING_FIELDS = ("url", "css_selector", "offer_key", "fetch_mode")  # a change of these: check again


class ProductDialog(QDialog):
    """Add (``product=None``) or edit a product; with ``listing_of``, add another shop's listing of that
    product's item, looked up and previewed as any new product.

    Signals:
        saved(int): the product id after a successful add or edit.
    """

    saved = Signal(int)

    def __init__(self, app: PriceWatch, product: Product | None = None, url: str = "",
                 parent: QWidget | None = None, listing_of: Product | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.app = app
        self.listing_of = listing_of
        if product is not None and product.id is not None:
            with contextlib.suppress(NotFoundError):  # the stored state now, not a list row's older copy
                product = app.get_product(product.id)
        self.product = product
        self._finished = False
        self._looked_up = product is not None  # Add waits for a look-up (or the user going on without one)
        self._lookup_selector = ""  # the selector the running look-up was asked to use
        self._tracked_as: int | None = None  # Add on an address (or item) that is already tracked
        self._missing = False  # the shop said the page does not exist: it cannot be added
        self._name_typed = product is not None and bool(product.title)
        self._problem_field: QWidget | None = None  # the field whose edit clears the problem shown
        self.setObjectName("productDialog")
        self.setWindowTitle(self.tr("Edit Product") if product else self.tr("Add Product"))
        self.setMinimumWidth(600)
        self._build(product, url)
        if listing_of is not None:
            self._as_listing(listing_of)
        self.lookup_task = LookupTask(app, self)
        self.lookup_task.found.connect(self._found)
        self.lookup_task.failed.connect(self._failed)
        self.lookup_task.retrying.connect(self._retrying)
        self.lookup_task.fell_back.connect(self._fell_back)
        self._check_selector()
        if product is not None:
            self.lookup.show_stored(product)
        elif url:
            self.look_up()

    def _build(self, product: Product | None, url: str) -> None:
        self.url = AddressEdit(product.url if product else url, self)
        self.lookup_button = QPushButton(self.tr("&Look up"), self)
        self.lookup_button.clicked.connect(self.look_up)
        self.url.returnPressed.connect(self.look_up)
        self.url.textEdited.connect(self._address_edited)
        self.notice = QLabel(self)
        self.notice.setObjectName("addressNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        self.name = QLineEdit(product.title or "" if product else "", self)
        self.name.setPlaceholderText(self.tr("the page's title, or a name of your own"))
        self.name.textEdited.connect(self._name_edited)
        self.selector = QLineEdit(product.css_selector or "" if product else "", self)
        self.selector.setPlaceholderText(
            self.tr("optional, for example  .price-now  (when detection picks wrong)")
        )
        self.selector.returnPressed.connect(self.look_up)  # try the selector, not save without trying it
        self.selector_problem = QLabel(self)
        self.selector_problem.setObjectName("selectorProblem")
        self.selector_problem.setWordWrap(True)
        self.selector_problem.setTextFormat(Qt.TextFormat.PlainText)
        self.selector_problem.setStyleSheet("color: #cf222e")
        self.selector_problem.hide()
        self.target = QLineEdit(self)
        self.target.setPlaceholderText(self.tr("optional, for example 199.99"))
        if product and product.target_price is not None:
            self.target.setText(str(product.target_price))
        default_interval = self.app.settings.schedule.default_check_interval_minutes
        self.interval = interval_combo(product.check_interval_minutes if product else default_interval, self)
        self.paused = QCheckBox(self.tr("Pause checks"), self)
        self.paused.setChecked(bool(product and product.paused))
        self.fetch_mode = fetch_mode_combo(product.fetch_mode if product else "auto", self)
        self.quantity = QLineEdit(product.quantity or "" if product else "", self)
        self.quantity.setObjectName("quantity")
        self.quantity.setPlaceholderText(
            self.tr("from the title or the page, or for example 500 g, 6 x 1.5 L")
        )
        self.quantity.setToolTip(self.tr("How much it holds, for its price per kg, litre or piece"))
        self.notes = QPlainTextEdit(product.notes or "" if product else "", self)
        self.notes.setPlaceholderText(self.tr("optional: your own notes (size, colour, what it is for)"))
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(64)
        self.lookup = LookupView(self)
        self.lookup.stop_requested.connect(self.stop_lookup)
        self.lookup.candidate_picked.connect(self._candidate_picked)
        self.rules = AlertRulesEditor(self)
        self.rules.set_home_currency(self.app.home_currency)
        if product is not None and product.id is not None:
            self.rules.set_rules(self.app.alert_rules_for(product.id))
        else:  # what every front end gives a new product (settings)
            self.rules.set_rules([AlertRule(0, AlertKind(k)) for k in self.app.settings.notify.default_rules])
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #cf222e")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.hide()
        for field in (self.url, self.target, self.selector, self.quantity):
            field.textChanged.connect(self._field_edited)

        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.lookup_button)
        interval_row = QHBoxLayout()
        interval_row.addWidget(self.interval, 1)
        interval_row.addWidget(self.paused)
        form = QFormLayout()
        form.addRow(self.tr("Page address"), url_row)
        form.addRow("", self.notice)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Price selector"), self.selector)
        form.addRow("", self.selector_problem)
        form.addRow(self.tr("Target price"), self.target)
        form.addRow(self.tr("Check"), interval_row)
        form.addRow(self.tr("Read the page"), self.fetch_mode)
        form.addRow(self.tr("Quantity"), self.quantity)
        form.addRow(self.tr("Notes"), self.notes)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.addButton(
            self.tr("Save") if product else self.tr("Add"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.lookup, 1)
        layout.addWidget(self.rules)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _as_listing(self, of: Product) -> None:
        self.setWindowTitle(self.tr("Add Another Shop"))
        name = fmt.clean_text(of.title, 80) or fmt.clean_text(of.url, 80)
        about = QLabel(
            self.tr("The address of “{name}” in another shop: its price is compared with the others.").format(
                name=name
            ),
            self,
        )
        about.setObjectName("listingOf")
        about.setWordWrap(True)
        about.setTextFormat(Qt.TextFormat.PlainText)  # the title is scraped text
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, about)

    @property
    def task_id(self) -> str | None:
        """The running look-up's task id."""
        return self.lookup_task.task_id

    # -- look-up --------------------------------------------------------------------------------------
    @Slot()
    def look_up(self) -> str | None:
        """Queue a look-up of the address; the result arrives through the task signals."""
        self._clear_problem()
        if selector_problem(self.selector.text()):
            return None  # said under the field already
        typed = self.url.text()
        try:
            url = validate_url(self._typed_url())
        except InvalidURLError as exc:
            self._show_problem(str(exc), self.url)
            return None
        self._lookup_selector = self.selector.text().strip()
        self._tracked_as = None
        self._missing = False
        self.notice.hide()
        task_id = self.lookup_task.start(url, self._lookup_selector or None, http_fallback(typed))
        self.lookup.show_busy(self.tr("Looking up {address}…").format(address=fmt.clean_text(url, 80)))
        self._looked_up = self._address_unchanged()
        self._update_save()
        return task_id

    def _typed_url(self) -> str:
        """The address field, with https:// put in front of a bare "shop.example/product" (shown too)."""
        text = assume_https(self.url.text())
        if text != self.url.text():
            self.url.setText(text)
        return text

    def _address_unchanged(self) -> bool:
        """Edit, and the address is still the product's (no look-up needed to save)."""
        if self.product is None:
            return False
        try:
            return validate_url(assume_https(self.url.text())) == self.product.url
        except InvalidURLError:
            return False

    @Slot(object)
    def _found(self, found: dict[str, Any]) -> None:
        self._looked_up = True
        offer_key = self.product.offer_key if self.product else None
        duplicate = self._duplicate_of(found)
        if duplicate is not None:
            # Add on an address (or item) already tracked: say so now, and show the offer that product tracks.
            self._tracked_as, offer_key = duplicate.id, duplicate.offer_key
            name = fmt.clean_text(duplicate.title, 80)
            if name:
                named = self.tr("product {id} (“{name}”)").format(id=duplicate.id, name=name)
            else:
                named = self.tr("product {id}").format(id=duplicate.id)
            if duplicate.url == found.get("url"):
                what = self.tr("Already tracked as {product}").format(product=named)
            else:
                sku = fmt.clean_text(found.get("sku"), 60)
                what = self.tr(
                    "The same item ({sku}) is already tracked as {product} at another address"
                ).format(sku=sku, product=named)
            self._show_problem(
                self.tr("{problem}; select it in the list and press F2 to change it.").format(problem=what),
                self.url,
            )
        if not self._name_typed and self.product is None:
            self.name.setText(fmt.clean_text(found.get("title"), 300))
        self.lookup.show_result(found, offer_key)
        if self._lookup_selector:
            self.lookup.show_selector_outcome(self._lookup_selector)
        self._update_save()

    def _duplicate_of(self, found: dict[str, Any]) -> Product | None:
        """The other product this address or item is tracked as already (the facade found it), or None."""
        own = self.product.id if self.product else None
        tracked_id = found.get("product_id")
        with contextlib.suppress(NotFoundError):
            if isinstance(tracked_id, int) and tracked_id != own:
                return self.app.get_product(tracked_id)
            if tracked_id is None and found.get("url"):
                return self.app.same_item(str(found["url"]), found.get("sku"), exclude_id=own)
        return None

    @Slot(object)
    def _failed(self, record: TaskRecord) -> None:
        self._looked_up = True
        if record.state is TaskState.REVOKED:
            self.lookup.show_error(self.tr("The look-up was cancelled."))
        elif missing_page(record.error_kind, record.error_status):
            self._missing = True  # a page that does not exist is not worth tracking
            self.lookup.show_error(plain_error(record))
        else:
            go_on = (
                self.tr("You can still save your changes.")
                if self.product
                else self.tr("You can still add the product.")
            )
            self.lookup.show_error(f"{plain_error(record)} {go_on}")
        self._update_save()

    @Slot(object)
    def _retrying(self, record: TaskRecord) -> None:
        """The shop failed for now and the look-up waits to try again: say so, and let the user go on."""
        self.lookup.show_busy(retry_text(record))
        self._looked_up = True  # added anyway, the product is checked like any other
        self._update_save()

    @Slot(str)
    def _fell_back(self, url: str) -> None:
        self.url.setText(url)
        self.notice.setText(
            self.tr(
                "This shop does not answer on a secure connection (https://), so PriceWatch reads it with "
                "http://. The connection to it is not encrypted."
            )
        )
        self.notice.show()
        self.lookup.show_busy(self.tr("Looking up {address}…").format(address=fmt.clean_text(url, 80)))

    @Slot(str, str)
    def _candidate_picked(self, selector: str, _price: str) -> None:
        """Remember the pick as the product's selector (the look-up found it there)."""
        self.selector.setText(selector)
        self._lookup_selector = selector

    @Slot()
    def stop_lookup(self) -> None:
        """The user stopped the look-up; the product can still be added without it."""
        if self.task_id is None:
            return
        self.lookup_task.cancel()
        self.lookup.show_error(
            self.tr(
                "The look-up was stopped. You can still add the product; "
                "PriceWatch checks it on its schedule."
            )
        )
        self._looked_up = True
        self._update_save()

    # -- field checks ---------------------------------------------------------------------------------
    @Slot()
    def _address_edited(self) -> None:
        """A new address must be looked up before it is saved (Edit: unless it is the product's again)."""
        self._tracked_as = None
        self._missing = False
        self._looked_up = self._address_unchanged()
        self.notice.hide()
        self._update_save()

    @Slot()
    def _name_edited(self) -> None:
        self._name_typed = bool(self.name.text().strip())

    @Slot()
    def _field_edited(self) -> None:
        field = self.sender()
        if field is self.selector:
            self._check_selector()
        if self._problem_field is not None and field is self._problem_field:
            self._clear_problem()  # the field the problem was about changed: the problem may be gone
        self._update_save()

    def _check_selector(self) -> None:
        problem = selector_problem(self.selector.text())
        self.selector_problem.setText(problem or "")
        self.selector_problem.setVisible(problem is not None)
        self.lookup_button.setEnabled(problem is None)
        self._update_save()

    def _update_save(self) -> None:
        usable = selector_problem(self.selector.text()) is None and self._tracked_as is None
        self.save_button.setEnabled(self._looked_up and usable and not self._missing)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Return in the address or selector field means "look up" (its returnPressed); without this the
        # dialog would also press its default button and save what was not looked up.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focusWidget() in (
            self.url, self.selector
        ):  # fmt: skip
            event.accept()
            return
        super().keyPressEvent(event)

    # -- saving ---------------------------------------------------------------------------------------
    @Slot()
    def save(self) -> int | None:
        self._clear_problem()
        if self._missing:
            self._show_problem(self.tr("This page does not exist; check the address."), self.url)
            return None
        problem = selector_problem(self.selector.text())
        if problem is not None:
            self._show_problem(self.tr("Price selector: {problem}").format(problem=problem), self.selector)
            return None
        try:
            target = parse_price(self.target.text().strip() or None)
        except ValueError as exc:
            self._show_problem(self.tr("Target price: {problem}").format(problem=exc), self.target)
            return None
        try:
            quantity = checked_quantity(self.quantity.text())
        except ValueError as exc:
            self._show_problem(self.tr("Quantity: %1").replace("%1", str(exc)), self.quantity)
            return None
        found = self.lookup.result or {}
        fields: dict[str, Any] = {
            "quantity": quantity,
            "title": fmt.clean_text(self.name.text(), 300) or fmt.clean_text(found.get("title"), 300) or None,
            "target_price": target,
            "css_selector": self.selector.text().strip() or None,
            "check_interval_minutes": int(self.interval.currentData()),
            "paused": self.paused.isChecked(),
            "notes": self.notes.toPlainText(),
            "fetch_mode": str(self.fetch_mode.currentData()),
        }
        if self.lookup.result is not None:  # a look-up ran: its offer and the item's identifier
            fields["offer_key"] = self.lookup.offer_key() or None
            fields["offer_name"] = self.lookup.offer_name() or None
            if found.get("sku"):
                fields["sku"] = found["sku"]
        try:
            product_id, reread = self._store(fields)
            self.app.set_alert_rules(product_id, self.rules.rules(product_id, target))
        except ConflictError as exc:
            self._show_problem(f"{exc}.", self.url)
            return None
        except NotFoundError:  # removed by the CLI, the API or another window while this dialog was open
            self._show_problem(
                self.tr("This product was removed elsewhere meanwhile; there is nothing to save.")
            )
            return None
        except (InvalidURLError, ValueError) as exc:  # InvalidURLError is not a ValueError
            self._show_problem(str(exc), self.url)
            return None
        self.lookup_task.cancel()
        if reread:
            self.app.check_product(product_id)  # the first price (or one read the new way) as a task
        self.saved.emit(product_id)
        self.accept()
        return product_id

    def _store(self, fields: dict[str, Any]) -> tuple[int, bool]:
        """Add or update; returns the product id and whether the page must be read (again)."""
        url = self._typed_url()
        if self.product is None:
            add = self.app.add_product
            if self.listing_of is not None and self.listing_of.id is not None:
                add = functools.partial(self.app.add_listing, self.listing_of.id)
            product = add(
                url, target_price=fields.pop("target_price"), title=fields.pop("title"),
                css_selector=fields.pop("css_selector"), notes=fields.pop("notes"),
                check_interval_minutes=fields.pop("check_interval_minutes"), sku=fields.pop("sku", None),
            )  # fmt: skip
            assert product.id is not None
            self.app.update_product(product.id, **fields)
            return product.id, True
        assert self.product.id is not None
        if validate_url(url) != self.product.url:
            fields["url"] = url
        before = self.product
        after = self.app.update_product(self.product.id, **fields)
        reread = any(getattr(before, name) != getattr(after, name) for name in _READING_FIELDS)
        return self.product.id, reread

    def _show_problem(self, text: str, field: QWidget | None = None) -> None:
        """Show ``text`` (first letter upper case) until ``field`` is edited or the next try."""
        self.problem.setText(text[:1].upper() + text[1:])
        self.problem.show()
        self._problem_field = field

    def _clear_problem(self) -> None:
        self.problem.clear()
        self.problem.hide()
        self._problem_field = None

    def done(self, result: int) -> None:
        if not self._finished:
            self._finished = True
            self.lookup_task.close()
        super().done(result)
