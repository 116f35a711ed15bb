"""The product window: current numbers, the price chart with range buttons, and the observation list."""

from __future__ import annotations

import html
from datetime import timedelta

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pricewatch.app import PriceWatch
from pricewatch.errors import NotFoundError
from pricewatch.gui.history.chart import PriceChart
from pricewatch.gui.history.model import HistoryModel
from pricewatch.gui.products.model import AVAILABILITY_TEXT
from pricewatch.gui.products.next_check import next_check_text
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.browser import open_in_browser
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import PriceObservation, Product, utcnow

RANGES = (("7 d", 7), ("30 d", 30), ("90 d", 90), ("All", 0))
HISTORY_ROWS = 6  # observations the list shows at least


class ProductDetail(QDialog):
    """Signals:
    check_requested(int): the user pressed Check now.
    edit_requested(int): the user pressed Edit.
    """

    check_requested = Signal(int)
    edit_requested = Signal(int)

    def __init__(
        self, app: PriceWatch, product: Product, work: BackgroundWork, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        assert product.id is not None
        self.app = app
        self.product = product
        self.product_id = product.id
        self.work = work
        self.history: list[PriceObservation] = []
        self.loaded = False
        self.setObjectName("productDetail")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.resize(900, 720)

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # a scraped title: never markup
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel(self)
        self.subtitle.setOpenExternalLinks(True)
        self.price = QLabel(self)
        self.price.setTextFormat(Qt.TextFormat.PlainText)
        big = self.price.font()
        big.setPointSizeF(big.pointSizeF() * 1.8)
        big.setBold(True)
        self.price.setFont(big)
        self.price.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.change = QLabel(self)
        self.change.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.stats = QLabel(self)
        self.stats.setTextFormat(Qt.TextFormat.RichText)

        self.range_group = QButtonGroup(self)
        ranges = QHBoxLayout()
        ranges.setSpacing(2)
        for n, (label, days) in enumerate(RANGES):
            button = QToolButton(self)
            button.setText(label)
            button.setCheckable(True)
            button.setAutoRaise(False)
            self.range_group.addButton(button, days)
            ranges.addWidget(button)
            if n == 1:
                button.setChecked(True)
        self.range_group.idClicked.connect(self._range_changed)
        ranges.addStretch(1)
        self.open_button = QPushButton("Open in Browser", self)
        self.open_button.clicked.connect(self.open_in_browser)
        self.check_button = QPushButton("Check Now", self)
        self.check_button.clicked.connect(lambda: self.check_requested.emit(self.product_id))
        self.edit_button = QPushButton("Edit…", self)
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.product_id))
        for push in (self.open_button, self.check_button, self.edit_button):
            ranges.addWidget(push)

        self.chart = PriceChart(self)
        self.history_model = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.history_model)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # room for several observations, not three rows under a tall chart
        row = self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(
            self.table.horizontalHeader().sizeHint().height() + row * HISTORY_ROWS + 4
        )

        header = QGridLayout()
        header.addWidget(self.title, 0, 0)
        header.addWidget(self.price, 0, 1)
        header.addWidget(self.subtitle, 1, 0)
        header.addWidget(self.change, 1, 1)
        header.addWidget(self.stats, 2, 0, 1, 2)
        header.setColumnStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(ranges)
        layout.addWidget(splitter, 1)
        self.show_product(product)
        self.reload()

    # -- data -----------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the product (a primary-key read) and its history (on a pool thread)."""
        try:
            self.show_product(self.app.get_product(self.product_id))
        except NotFoundError:
            self.close()
            return
        app, product_id = self.app, self.product_id
        self.work.submit(lambda: app.history(product_id), self._history_loaded)

    def _history_loaded(self, history: list[PriceObservation]) -> None:
        self.history = history
        self.history_model.set_history(history)
        self._draw()
        self.loaded = True

    def show_product(self, product: Product) -> None:
        self.product = product
        self.setWindowTitle(f"{fmt.clean_text(product.title, 80) or product.url} — PriceWatch")
        self.title.setText(fmt.clean_text(product.title, 200) or product.url)
        link = html.escape(product.url, quote=True)
        shop = html.escape(fmt.clean_text(product.shop, 80))
        self.subtitle.setText(f"{shop} · <a href='{link}'>{html.escape(fmt.clean_text(product.url, 70))}</a>")
        self.price.setText(fmt.money(product.price, product.currency))
        text, sign = fmt.change(product.price, product.previous_price)
        colour = {-1: "#1a7f37", 1: "#cf222e"}.get(sign, "gray")
        was = fmt.money(product.previous_price, product.currency)
        self.change.setText(f"<span style='color:{colour}'>{text} (was {was})</span>" if text else "")
        items = [
            ("Lowest", fmt.money(product.lowest_price, product.currency)),
            ("Highest", fmt.money(product.highest_price, product.currency)),
            ("Target", fmt.money(product.target_price, product.currency)),
            ("Availability", AVAILABILITY_TEXT.get(product.availability, str(product.availability))),
            ("Last checked", fmt.local_time(product.last_checked_at)),
            ("Next check", next_check_text(self.app.scheduler.check_plan(), product)),
        ]
        stats = " &nbsp;·&nbsp; ".join(
            f"<span style='color:gray'>{k}</span> {html.escape(v)}" for k, v in items
        )
        if product.last_error:
            error = html.escape(fmt.clean_text(product.last_error))
            stats += f"<br><span style='color:#cf222e'>Last error: {error}</span>"
        self.stats.setText(stats)

    def range_days(self) -> int:
        return self.range_group.checkedId()

    def set_range(self, days: int) -> None:
        self.range_group.button(days).setChecked(True)
        self._range_changed(days)

    @Slot(int)
    def _range_changed(self, _days: int) -> None:
        self._draw()

    def _draw(self) -> None:
        days = self.range_days()
        since = utcnow() - timedelta(days=days) if days else None
        product = self.product
        self.chart.show_history(
            self.history, target=product.target_price, currency=product.currency, since=since
        )

    @Slot()
    def open_in_browser(self) -> None:
        self.browser_message = open_in_browser(self, self.product.url)
