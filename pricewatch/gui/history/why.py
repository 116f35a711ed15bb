""" "Why this price?": where the price was read, from which element, what competed with it, the list price.

The facts come from the newest reading of the page that kept its evidence (a look-up: the add or edit dialog,
the API or the command line), or from reading the page again on request, as a task (never on the GUI thread).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pricewatch.app import PriceWatch
from pricewatch.gui.editor.candidates import candidate_text
from pricewatch.gui.editor.lookup_task import LookupTask
from pricewatch.gui.editor.wording import fetcher_text, method_text, plain_error
from pricewatch.gui.tasks.rolled_up import returned_value
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import Product, TaskRecord, TaskState


def evidence_of(records: list[TaskRecord]) -> tuple[dict[str, Any], TaskRecord] | None:
    """The newest successful reading with its price evidence (its candidates), and its record."""
    for record in records:
        value = returned_value(record.result)
        if record.state is TaskState.SUCCESS and isinstance(value, dict) and "candidates" in value:
            return value, record
    return None


def _money(value: Any, currency: str | None) -> str:
    try:
        return fmt.money(Decimal(str(value)), currency) if value is not None else fmt.DASH
    except InvalidOperation:
        return fmt.DASH


def _label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # page text: never markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class WhyPrice(QDialog):
    """The evidence of one product's price."""

    def __init__(
        self, app: PriceWatch, product: Product, work: BackgroundWork, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        assert product.id is not None
        self.app = app
        self.product = product
        self.loaded = False
        self._closed = False
        self.setObjectName("whyThisPrice")
        self.setWindowTitle(self.tr("Why this price?"))
        self.setMinimumWidth(560)
        self.status = _label(self)
        self.price = _label(self)
        self.source = _label(self)
        self.element = _label(self)
        self.list_price = _label(self)
        self.sureness = _label(self)
        self.evidence = _label(self)
        self.candidates = QListWidget(self)
        self.candidates.setObjectName("whyCandidates")
        form = QFormLayout()
        form.addRow(self.tr("Price"), self.price)
        form.addRow(self.tr("Read from"), self.source)
        form.addRow(self.tr("Element"), self.element)
        form.addRow(self.tr("List price"), self.list_price)
        form.addRow(self.tr("Certainty"), self.sureness)
        form.addRow(self.tr("Evidence"), self.evidence)
        self.reread_button = QPushButton(self.tr("&Read the page again"), self)
        self.reread_button.clicked.connect(self.read_again)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.reread_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Prices that competed with it:"), self))
        layout.addWidget(self.candidates, 1)
        layout.addWidget(buttons)
        self.lookup = LookupTask(app, self)
        self.lookup.found.connect(self._read)
        self.lookup.failed.connect(self._not_read)
        self.lookup.retrying.connect(self._not_read)
        self.status.setText(self.tr("Looking for the last reading…"))
        app_, product_id = app, product.id
        work.submit(lambda: app_.product_tasks(product_id), self._records_loaded)

    def _records_loaded(self, records: list[TaskRecord]) -> None:
        if self._closed:
            return
        found = evidence_of(records)
        if found is None:
            self.status.setText(
                self.tr("PriceWatch kept no details of the last reading; reading the page again…")
            )
            self.read_again()
            return
        value, record = found
        when = record.finished_at
        self.status.setText(
            self.tr("From the reading {when}.").format(when=fmt.relative_time(when)) if when else ""
        )
        self.status.setToolTip(fmt.exact_time(when) if when else "")
        self.show_evidence(value)

    @Slot()
    def read_again(self) -> None:
        """Read the page now (a look-up task: nothing is stored) with the product's selector and mode."""
        self.reread_button.setEnabled(False)
        self.status.setText(self.tr("Reading the page…"))
        self.lookup.start(self.product.url, self.product.css_selector)

    @Slot(object)
    def _read(self, value: dict[str, Any]) -> None:
        self.reread_button.setEnabled(True)
        self.status.setText(self.tr("From the page as it is now."))
        self.status.setToolTip("")
        self.show_evidence(value)

    @Slot(object)
    def _not_read(self, record: TaskRecord) -> None:
        self.lookup.cancel()
        self.reread_button.setEnabled(True)
        self.status.setText(self.tr("The page could not be read now. {why}").format(why=plain_error(record)))
        self.loaded = True

    def show_evidence(self, value: dict[str, Any]) -> None:
        currency = value.get("currency")
        self.price.setText(_money(value.get("price"), currency))
        method = (value.get("methods") or {}).get("price")
        self.source.setText(fetcher_text(method_text(method) if method else fmt.DASH, value.get("fetcher")))
        candidates = [c for c in value.get("candidates") or [] if isinstance(c, dict)]
        chosen = next((c for c in candidates if c.get("chosen")), None)
        element = value.get("price_selector") or (chosen or {}).get("selector")
        text = (chosen or {}).get("text")
        parts = [f"“{fmt.clean_text(text, 120)}”" if text else "", fmt.clean_text(element, 200)]
        self.element.setText("  ".join(p for p in parts if p) or fmt.DASH)
        list_price = value.get("list_price")
        self.list_price.setText(
            _money(list_price, currency) if list_price else self.tr("None shown on the page")
        )
        confidence = float(value.get("confidence") or 0.0)
        sure = self.tr("Unsure") if value.get("unsure") else self.tr("Sure")
        self.sureness.setText(f"{sure} ({round(confidence * 100)} %)")
        lines = [fmt.clean_text(line, 300) for line in value.get("evidence") or []]
        self.evidence.setText("\n".join(lines) or fmt.DASH)
        self.candidates.clear()
        for candidate in candidates:
            if candidate.get("chosen"):
                continue
            QListWidgetItem(candidate_text(candidate, currency), self.candidates)
        if not self.candidates.count():
            QListWidgetItem(self.tr("No other price on the page."), self.candidates)
        self.loaded = True

    def done(self, result: int) -> None:
        self._closed = True
        self.lookup.close()
        super().done(result)
