"""Snooze Alerts… for one product: the product and each of its rules, with what is snoozed until when,
and a choice per line (a day, a week, until the price changes, or not snoozed)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from pricewatch.app import PriceWatch
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import AlertKind, AlertRule, Product, utcnow
from pricewatch.snoozes import snooze_end

KEEP = "keep"


def rule_text(rule: AlertRule, currency: str | None, home: str | None = None) -> str:
    """A rule in a few words ("Drop of at least 10 %"); ``home``: the currency shops are compared in."""
    # QCoreApplication.translate in full: pyside6-lupdate reads a call to an alias as tr(text, disambiguation)
    texts = {
        AlertKind.TARGET_PRICE: QCoreApplication.translate("Snoozes", "Price at or below {amount}"),
        AlertKind.DROP_PERCENT: QCoreApplication.translate("Snoozes", "Drop of at least {percent} %"),
        AlertKind.DROP_AMOUNT: QCoreApplication.translate("Snoozes", "Drop of at least {amount}"),
        AlertKind.ANY_DROP: QCoreApplication.translate("Snoozes", "Any price drop"),
        AlertKind.PRICE_INCREASE: QCoreApplication.translate("Snoozes", "Any price increase"),
        AlertKind.BACK_IN_STOCK: QCoreApplication.translate("Snoozes", "Back in stock"),
        AlertKind.OUT_OF_STOCK: QCoreApplication.translate("Snoozes", "Out of stock"),
        AlertKind.LOWEST_IN_DAYS: QCoreApplication.translate(
            "Snoozes", "Lowest price of the last {days} days"
        ),
        AlertKind.CHEAPEST_BELOW: QCoreApplication.translate("Snoozes", "Cheapest shop at or below {home}"),
    }
    text = texts.get(rule.kind, str(rule.kind))
    return text.format(
        amount=fmt.money(rule.amount, currency),
        percent=rule.percent,
        days=rule.window_days or 30,
        home=fmt.money(rule.amount, home),
    )


def snooze_text(until: datetime | None, until_change: bool) -> str:
    """How a product or a rule is snoozed now, in words ("" when it is not)."""
    if until_change:
        return QCoreApplication.translate("Snoozes", "snoozed until the price changes")
    if until is not None and until > utcnow():
        return QCoreApplication.translate("Snoozes", "snoozed until {when}").format(
            when=fmt.local_time(until)
        )
    return ""


class RuleSnoozeDialog(QDialog):
    """Applies the choices through the facade when accepted (each a small write)."""

    def __init__(
        self, app: PriceWatch, product: Product, rules: list[AlertRule], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("ruleSnoozeDialog")
        self.setWindowTitle(self.tr("Snooze Alerts"))
        self.app = app
        self.product = product
        self.rules = rules
        form = QFormLayout(self)
        title = QLabel(fmt.clean_text(product.title or product.url, 80), self)
        form.addRow(title)
        self.product_choice = self._choice(snooze_text(product.snoozed_until, product.snooze_until_change))
        form.addRow(self.tr("Every notification:"), self.product_choice)
        self.rule_choices: dict[int, QComboBox] = {}
        for rule in rules:
            choice = self._choice(snooze_text(rule.snoozed_until, rule.snooze_until_change))
            self.rule_choices[rule.id or 0] = choice
            form.addRow(rule_text(rule, product.currency, app.home_currency) + ":", choice)
        if not rules:
            form.addRow(QLabel(self.tr("This product has no alert rules."), self))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _choice(self, now: str) -> QComboBox:
        box = QComboBox(self)
        box.addItem(now or self.tr("not snoozed"), KEEP)
        box.addItem(self.tr("Snooze for a day"), "day")
        box.addItem(self.tr("Snooze for a week"), "week")
        box.addItem(self.tr("Snooze until the price changes"), "change")
        if now:
            box.addItem(self.tr("Unsnooze"), "off")
        return box

    def accept(self) -> None:
        now = utcnow()
        product_id = self.product.id or 0
        choice = self.product_choice.currentData()
        if choice != KEEP:
            until, until_change = snooze_end(choice, now)
            self.app.snooze_product(product_id, until, until_change=until_change)
        for rule_id, box in self.rule_choices.items():
            if box.currentData() != KEEP:
                until, until_change = snooze_end(box.currentData(), now)
                self.app.snooze_rule(product_id, rule_id, until, until_change=until_change)
        super().accept()
