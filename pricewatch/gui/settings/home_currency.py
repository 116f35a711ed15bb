"""The home currency: prices of every shop are compared in it (converted at the day's reference rates)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QComboBox, QWidget

from pricewatch.app import PriceWatch
from pricewatch.gui.widgets import formatting as fmt

COMMON = ("EUR", "USD", "GBP", "CHF", "JPY", "TRY", "PLN", "SEK", "DKK", "NOK", "CZK", "HUF", "CAD", "AUD")
_CODE = re.compile(r"[A-Z]{3}")


class HomeCurrency(QComboBox):
    """An editable list of currency codes: the common ones and every one the stored rates know."""

    def __init__(self, app: PriceWatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("currency.home")
        self.setEditable(True)
        self.label = self.tr("Home currency")
        status = app.exchange_rates()
        codes = sorted(set(COMMON) | set(status.table.per_eur) | {app.home_currency})
        for code in codes:
            self.addItem(code)
        self.setCurrentText(app.home_currency)
        rate_date = status.table.rate_date
        if rate_date is None:
            rates = self.tr("No exchange rates fetched yet.")
        else:
            rates = self.tr("Exchange rates of {date}.").format(
                date=fmt.clean_text(rate_date.isoformat(), 20)
            )
        if status.last_error:
            rates += " " + self.tr("The last update failed: {error}").format(
                error=fmt.clean_text(status.last_error, 200)
            )
        self.setToolTip(self.tr("Prices from every shop are compared in this currency.") + " " + rates)

    def code(self) -> str:
        return self.currentText().strip().upper()

    def settings_value(self) -> str:
        return self.code()

    def problems(self) -> list[str]:
        if _CODE.fullmatch(self.code()):
            return []
        return [self.tr("Home currency: use a three-letter code such as EUR or USD")]
