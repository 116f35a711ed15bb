"""Adding and editing a product: look the page up as a task, show what was found, pick an offer, set alerts.

The look-up is an ordinary ``scraping.scrape_product`` task (visible in the task table); the dialog listens to
the engine's signals and never waits on the network itself.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pricewatch.app import PriceWatch, parse_price
from pricewatch.errors import InvalidURLError, NotFoundError
from pricewatch.gui.editor.alert_rules import AlertRulesEditor
from pricewatch.gui.editor.lookup_view import LookupView
from pricewatch.gui.editor.selector_check import selector_problem
from pricewatch.gui.editor.wording import plain_error, retry_text
from pricewatch.gui.tasks.rolled_up import returned_value
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import AlertKind, AlertRule, Product, TaskState
from pricewatch.storage.products import DuplicateProductError
from pricewatch.urls import assume_https, validate_url


class ProductDialog(QDialog):
    """Add (``product=None``) or edit a product.

    Signals:
        saved(int): the product id after a successful add or edit.
    """

    saved = Signal(int)

    def __init__(self, app: PriceWatch, product: Product | None = None, url: str = "",
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.app = app
        self.product = product
        self.task_id: str | None = None
        self._finished = False
        self._looked_up = product is not None  # Add waits for a look-up (or the user going on without one)
        self._lookup_selector = ""  # the selector the running look-up was asked to use
        self._tracked_as: int | None = None  # Add on an address that is already tracked
        self._problem_field: QWidget | None = None  # the field whose edit clears the problem shown
        self.setObjectName("productDialog")
        self.setWindowTitle("Edit Product" if product else "Add Product")
        self.setMinimumWidth(560)

        self.url = QLineEdit(product.url if product else url, self)
        self.url.setPlaceholderText("https://shop.example/product-page")
        self.url.setReadOnly(product is not None)
        self.lookup_button = QPushButton("&Look up", self)
        self.lookup_button.clicked.connect(self.look_up)
        self.url.returnPressed.connect(self.look_up)
        self.selector = QLineEdit(product.css_selector or "" if product else "", self)
        self.selector.setPlaceholderText(
            "optional, for example  .price-now  (used when detection picks wrong)"
        )
        self.selector.returnPressed.connect(self.look_up)  # try the selector, not save without trying it
        self.selector_problem = QLabel(self)
        self.selector_problem.setObjectName("selectorProblem")
        self.selector_problem.setWordWrap(True)
        self.selector_problem.setTextFormat(Qt.TextFormat.PlainText)
        self.selector_problem.setStyleSheet("color: #cf222e")
        self.selector_problem.hide()
        self.target = QLineEdit(self)
        self.target.setPlaceholderText("optional, for example 199.99")
        if product and product.target_price is not None:
            self.target.setText(str(product.target_price))
        self.lookup = LookupView(self)
        self.lookup.stop_requested.connect(self.stop_lookup)
        self.rules = AlertRulesEditor(self)
        if product is not None and product.id is not None:
            self.rules.set_rules(app.alert_rules_for(product.id))
        else:  # what every front end gives a new product (settings)
            self.rules.set_rules([AlertRule(0, AlertKind(k)) for k in app.settings.notify.default_rules])
        self.problem = QLabel(self)
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #cf222e")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.hide()
        for field in (self.url, self.target, self.selector):
            field.textChanged.connect(self._field_edited)

        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.lookup_button)
        form = QFormLayout()
        form.addRow("Page address", url_row)
        form.addRow("Price selector", self.selector)
        form.addRow("", self.selector_problem)
        form.addRow("Target price", self.target)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.addButton(
            "Save" if product else "Add", QDialogButtonBox.ButtonRole.AcceptRole
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
        app.task_signals.task_changed.connect(self._task_changed)
        self._check_selector()
        if product is not None or url:
            self.look_up()

    # -- look-up --------------------------------------------------------------------------------------
    @Slot()
    def look_up(self) -> str | None:
        """Queue a scrape task for the address; the result arrives through the task signals."""
        self._clear_problem()
        if selector_problem(self.selector.text()):
            return None  # said under the field already
        try:
            url = validate_url(self._typed_url())
        except InvalidURLError as exc:
            self._show_problem(str(exc), self.url)
            return None
        if self.task_id is not None:
            self._cancel_lookup()
        self._lookup_selector = self.selector.text().strip()
        self._tracked_as = None
        # A preview: nothing it reads is stored (opening and cancelling the dialog leaves no trace);
        # saving queues a real check.
        self.task_id = self.app.scrape(url, selector=self._lookup_selector or None, store=False)
        self.lookup.show_busy(f"Looking up {fmt.clean_text(url, 80)}…")
        self._looked_up = self.product is not None
        self._update_save()
        return self.task_id

    def _typed_url(self) -> str:
        """The address field, with https:// put in front of a bare "shop.example/product" (shown too)."""
        text = assume_https(self.url.text())
        if text != self.url.text():
            self.url.setText(text)
        return text

    @Slot(str, str)
    def _task_changed(self, task_id: str, state: str) -> None:
        if task_id != self.task_id:
            return
        if TaskState(state) is TaskState.RETRY:
            self._show_retry(task_id)
            return
        if not TaskState(state).is_final:
            return
        self.task_id = None
        try:
            record = self.app.get_task(task_id)
        except NotFoundError:
            return
        found = returned_value(record.result)
        self._looked_up = True
        if record.state is TaskState.SUCCESS and isinstance(found, dict):
            self._show_found(found)
        elif record.state is TaskState.REVOKED:
            self.lookup.show_error("The look-up was cancelled.")
        else:
            self.lookup.show_error(
                f"Could not read the page: {plain_error(record)}. "
                "You can still add it; PriceWatch keeps trying at every check."
            )
        self._update_save()

    def _show_found(self, found: dict[str, Any]) -> None:
        offer_key = self.product.offer_key if self.product else None
        tracked_id = found.get("product_id")
        if self.product is None and isinstance(tracked_id, int):
            # Add on an address already tracked: say so now, and show the offer that product tracks.
            with contextlib.suppress(NotFoundError):
                tracked = self.app.get_product(tracked_id)
                self._tracked_as, offer_key = tracked_id, tracked.offer_key
                name = fmt.clean_text(tracked.title, 80)
                self._show_problem(
                    f"Already tracked as product {tracked_id}" + (f" (“{name}”)" if name else "")
                    + "; select it in the list and press F2 to change it.", self.url
                )  # fmt: skip
        self.lookup.show_result(found, offer_key)
        if self._lookup_selector:
            self.lookup.show_selector_outcome(self._lookup_selector)

    def _show_retry(self, task_id: str) -> None:
        """The shop failed for now and the look-up waits to try again: say so, and let the user go on."""
        with contextlib.suppress(NotFoundError):
            self.lookup.show_busy(retry_text(self.app.get_task(task_id)))
        self._looked_up = True  # added anyway, the product is checked like any other
        self._update_save()

    @Slot()
    def stop_lookup(self) -> None:
        """The user stopped the look-up; the product can still be added without it."""
        if self.task_id is None:
            return
        self._cancel_lookup()
        self.lookup.show_error(
            "The look-up was stopped. You can still add the product; PriceWatch checks it on its schedule."
        )
        self._looked_up = True
        self._update_save()

    # -- field checks ---------------------------------------------------------------------------------
    @Slot()
    def _field_edited(self) -> None:
        field = self.sender()
        if field is self.selector:
            self._check_selector()
        if field is self.url:
            self._tracked_as = None
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
        self.save_button.setEnabled(self._looked_up and usable)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Return in the address or selector field means "look up" (its returnPressed); without this the
        # dialog would also press its default button and save what was not looked up.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.focusWidget() in (
            self.url, self.selector
        ):  # fmt: skip
            event.accept()
            return
        super().keyPressEvent(event)

    def _cancel_lookup(self) -> None:
        task_id, self.task_id = self.task_id, None
        if task_id is not None:
            with contextlib.suppress(NotFoundError):  # already cleaned up
                self.app.cancel_task(task_id)

    # -- saving ---------------------------------------------------------------------------------------
    @Slot()
    def save(self) -> int | None:
        self._clear_problem()
        problem = selector_problem(self.selector.text())
        if problem is not None:
            self._show_problem(f"Price selector: {problem}", self.selector)
            return None
        try:
            target = parse_price(self.target.text().strip() or None)
        except ValueError as exc:
            self._show_problem(f"Target price: {exc}", self.target)
            return None
        selector = self.selector.text().strip() or None
        offer_key = self.lookup.offer_key() or (self.product.offer_key if self.product else None)
        found = self.lookup.result or {}
        try:
            if self.product is None:
                product = self.app.add_product(self._typed_url(), target_price=target,
                                               title=fmt.clean_text(found.get("title"), 300) or None,
                                               css_selector=selector)  # fmt: skip
            else:
                assert self.product.id is not None
                product = self.app.update_product(self.product.id, target_price=target, css_selector=selector)
            assert product.id is not None
            if offer_key != product.offer_key:
                product = self.app.update_product(product.id, offer_key=offer_key or None)
        except DuplicateProductError as exc:
            self._show_problem(f"{exc}.", self.url)
            return None
        except NotFoundError:  # removed by the CLI, the API or another window while this dialog was open
            self._show_problem("This product was removed elsewhere meanwhile; there is nothing to save.")
            return None
        except (InvalidURLError, ValueError) as exc:  # InvalidURLError is not a ValueError
            self._show_problem(str(exc), self.url)
            return None
        product_id = product.id
        assert product_id is not None
        try:
            self.app.set_alert_rules(product_id, self.rules.rules(product_id, target))
        except ValueError as exc:
            self._show_problem(f"Alert rules: {exc}")
            return None
        self._cancel_lookup()
        self.app.check_product(product_id)  # the first price (or a fresh one after an edit) as a task
        self.saved.emit(product_id)
        self.accept()
        return product_id

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
        self._cancel_lookup()
        if not self._finished:
            self._finished = True
            self.app.task_signals.task_changed.disconnect(self._task_changed)
        super().done(result)
