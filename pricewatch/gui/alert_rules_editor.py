"""The alert-rule part of the add/edit dialog: a few checkboxes that become AlertRule objects."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QGridLayout, QGroupBox, QLabel, QWidget

from pricewatch.models import AlertKind, AlertRule


class AlertRulesEditor(QGroupBox):
    """Drop by percent, any drop, back in stock, out of stock; the target price is always a rule of its own.

    (The facade keeps the target_price rule equal to ``product.target_price``: the target field is the rule.)
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tell me when", parent)
        self.target_hint = QLabel("the price is at or below the target price (when one is set)", self)
        self.drop_percent = QCheckBox("the price drops by at least", self)
        self.percent = QDoubleSpinBox(self)
        self.percent.setRange(1, 90)
        self.percent.setValue(10)
        self.percent.setSuffix(" %")
        self.percent.setEnabled(False)
        self.drop_percent.toggled.connect(self.percent.setEnabled)
        self.any_drop = QCheckBox("the price drops at all", self)
        self.back_in_stock = QCheckBox("it is back in stock", self)
        self.out_of_stock = QCheckBox("it sells out", self)
        layout = QGridLayout(self)
        layout.addWidget(self.target_hint, 0, 0, 1, 2)
        layout.addWidget(self.drop_percent, 1, 0)
        layout.addWidget(self.percent, 1, 1)
        layout.addWidget(self.any_drop, 2, 0, 1, 2)
        layout.addWidget(self.back_in_stock, 3, 0, 1, 2)
        layout.addWidget(self.out_of_stock, 4, 0, 1, 2)
        layout.setColumnStretch(2, 1)

    def rules(self, product_id: int, target: Decimal | None) -> list[AlertRule]:
        rules = []
        if target is not None:
            rules.append(AlertRule(product_id, AlertKind.TARGET_PRICE, amount=target))
        if self.drop_percent.isChecked():
            percent = Decimal(str(round(self.percent.value(), 1)))
            rules.append(AlertRule(product_id, AlertKind.DROP_PERCENT, percent=percent))
        if self.any_drop.isChecked():
            rules.append(AlertRule(product_id, AlertKind.ANY_DROP))
        if self.back_in_stock.isChecked():
            rules.append(AlertRule(product_id, AlertKind.BACK_IN_STOCK))
        if self.out_of_stock.isChecked():
            rules.append(AlertRule(product_id, AlertKind.OUT_OF_STOCK))
        return rules

    def set_rules(self, rules: list[AlertRule]) -> None:
        kinds = {rule.kind: rule for rule in rules if rule.enabled}
        drop = kinds.get(AlertKind.DROP_PERCENT)
        self.drop_percent.setChecked(drop is not None)
        if drop is not None and drop.percent is not None:
            self.percent.setValue(float(drop.percent))
        self.any_drop.setChecked(AlertKind.ANY_DROP in kinds)
        self.back_in_stock.setChecked(AlertKind.BACK_IN_STOCK in kinds)
        self.out_of_stock.setChecked(AlertKind.OUT_OF_STOCK in kinds)
