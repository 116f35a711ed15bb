"""The alert-rule part of the add/edit dialog: a few checkboxes that become AlertRule objects."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QGridLayout, QGroupBox, QLabel, QWidget

from pricewatch.models import AlertKind, AlertRule

# The kinds the checkboxes edit; any other rule a product has (a drop by an amount, set with the CLI or the
# API) is shown as a count and saved back unchanged.
_EDITED = (AlertKind.TARGET_PRICE, AlertKind.DROP_PERCENT, AlertKind.ANY_DROP, AlertKind.PRICE_INCREASE,
           AlertKind.BACK_IN_STOCK, AlertKind.OUT_OF_STOCK, AlertKind.LOWEST_IN_DAYS,
           AlertKind.CHEAPEST_BELOW)  # fmt: skip


class AlertRulesEditor(QGroupBox):
    """Drop by percent, any drop, increase, back or out of stock; the target price is a rule of its own.

    (The facade keeps the target_price rule equal to ``product.target_price``: the target field is the rule.)
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Tell me when"), parent)
        self._kept: list[AlertRule] = []  # rules these checkboxes do not edit
        self._drop_rule: AlertRule | None = None  # keeps a drop rule's window when only its percent changes
        self._lowest_rule: AlertRule | None = None  # keeps a window set elsewhere (the CLI's --lowest-in 60)
        self.target_hint = QLabel(
            self.tr("the price is at or below the target price (when one is set)"), self
        )
        self.drop_percent = QCheckBox(self.tr("the price drops by at least"), self)
        self.percent = QDoubleSpinBox(self)
        self.percent.setRange(1, 90)
        self.percent.setValue(10)
        self.percent.setSuffix(" %")
        self.percent.setEnabled(False)
        self.drop_percent.toggled.connect(self.percent.setEnabled)
        self.any_drop = QCheckBox(self.tr("the price drops at all"), self)
        self.increase = QCheckBox(self.tr("the price goes up"), self)
        self.back_in_stock = QCheckBox(self.tr("it is back in stock"), self)
        self.out_of_stock = QCheckBox(self.tr("it sells out"), self)
        self.lowest = QCheckBox(self.tr("the price is the lowest in 30 days"), self)
        self.lowest.setToolTip(self.tr("Needs 30 days of history: PriceWatch stays quiet until it has them"))
        # The product's cheapest shop, in the home currency (the product may be sold by several shops)
        self.cheapest = QCheckBox(self.tr("the cheapest of all its shops is at or below"), self)
        self.cheapest_amount = QDoubleSpinBox(self)
        self.cheapest_amount.setRange(0.01, 10_000_000)
        self.cheapest_amount.setDecimals(2)
        self.cheapest_amount.setEnabled(False)
        self.cheapest.toggled.connect(self.cheapest_amount.setEnabled)
        self.kept_hint = QLabel(self)
        self.kept_hint.setVisible(False)
        layout = QGridLayout(self)
        layout.addWidget(self.target_hint, 0, 0, 1, 2)
        layout.addWidget(self.drop_percent, 1, 0)
        layout.addWidget(self.percent, 1, 1)
        boxes = (self.any_drop, self.lowest, self.increase, self.back_in_stock, self.out_of_stock)
        for row, box in enumerate(boxes, 2):
            layout.addWidget(box, row, 0, 1, 2)
        row = 2 + len(boxes)
        layout.addWidget(self.cheapest, row, 0)
        layout.addWidget(self.cheapest_amount, row, 1)
        layout.addWidget(self.kept_hint, row + 1, 0, 1, 2)
        layout.setColumnStretch(2, 1)

    def rules(self, product_id: int, target: Decimal | None) -> list[AlertRule]:
        rules = [replace(rule, product_id=product_id) for rule in self._kept]
        if target is not None:
            rules.append(AlertRule(product_id, AlertKind.TARGET_PRICE, amount=target))
        if self.drop_percent.isChecked():
            percent = Decimal(str(round(self.percent.value(), 1)))
            window = self._drop_rule.window_days if self._drop_rule else None
            rules.append(AlertRule(product_id, AlertKind.DROP_PERCENT, percent=percent, window_days=window))
        for box, kind in (
            (self.any_drop, AlertKind.ANY_DROP),
            (self.increase, AlertKind.PRICE_INCREASE),
            (self.back_in_stock, AlertKind.BACK_IN_STOCK),
            (self.out_of_stock, AlertKind.OUT_OF_STOCK),
        ):
            if box.isChecked():
                rules.append(AlertRule(product_id, kind))
        if self.lowest.isChecked():
            days = self._lowest_rule.window_days if self._lowest_rule else 30
            rules.append(AlertRule(product_id, AlertKind.LOWEST_IN_DAYS, window_days=days))
        if self.cheapest.isChecked():
            amount = Decimal(str(round(self.cheapest_amount.value(), 2)))
            rules.append(AlertRule(product_id, AlertKind.CHEAPEST_BELOW, amount=amount))
        return rules

    def set_home_currency(self, code: str) -> None:
        """The currency the cheapest-shop amount is in (the home currency of the settings)."""
        self.cheapest_amount.setSuffix(f" {code}")

    def set_rules(self, rules: list[AlertRule]) -> None:
        shown = [rule for rule in rules if rule.enabled and rule.kind in _EDITED]
        self._kept = [rule for rule in rules if rule not in shown]
        kinds = {rule.kind: rule for rule in shown}
        self._drop_rule = kinds.get(AlertKind.DROP_PERCENT)
        self.drop_percent.setChecked(self._drop_rule is not None)
        if self._drop_rule is not None and self._drop_rule.percent is not None:
            self.percent.setValue(float(self._drop_rule.percent))
        self.any_drop.setChecked(AlertKind.ANY_DROP in kinds)
        self.increase.setChecked(AlertKind.PRICE_INCREASE in kinds)
        self.back_in_stock.setChecked(AlertKind.BACK_IN_STOCK in kinds)
        self.out_of_stock.setChecked(AlertKind.OUT_OF_STOCK in kinds)
        self._lowest_rule = kinds.get(AlertKind.LOWEST_IN_DAYS)
        self.lowest.setChecked(self._lowest_rule is not None)
        days = (self._lowest_rule.window_days if self._lowest_rule else None) or 30
        self.lowest.setText(self.tr("the price is the lowest in %n days", "", days))
        cheapest = kinds.get(AlertKind.CHEAPEST_BELOW)
        self.cheapest.setChecked(cheapest is not None)
        if cheapest is not None and cheapest.amount is not None:
            self.cheapest_amount.setValue(float(cheapest.amount))
        count = len(self._kept)
        if count == 1:
            kept = self.tr("and 1 more rule set elsewhere (kept; see pricewatch alerts)")
        else:
            kept = self.tr("and {count} more rules set elsewhere (kept; see pricewatch alerts)")
        self.kept_hint.setText(kept.format(count=count))
        self.kept_hint.setVisible(bool(count))
