"""The product window: current numbers, the price chart with range buttons and its readout, the changes (or
every check), how the page is read (fetch mode, the fetcher that last ran), why this price, and the
PriceWatch browser for logins, bot checks and picking the price by clicking it."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pricewatch.app import PriceWatch
from pricewatch.deals import Deal
from pricewatch.errors import NotFoundError
from pricewatch.gui.editor.fields import fetch_mode_combo
from pricewatch.gui.editor.wording import plain_error
from pricewatch.gui.history.chart import PriceChart
from pricewatch.gui.history.deal_panel import DealPanel
from pricewatch.gui.history.model import HistoryModel, changes, with_checks
from pricewatch.gui.history.stats import range_stats
from pricewatch.gui.history.why import WhyPrice
from pricewatch.gui.products.next_check import next_check_text
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.browser import open_in_browser
from pricewatch.gui.widgets.product_fault import product_fault
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import PriceObservation, Product, TaskRecord, TaskState, utcnow
from pricewatch.translation import QT_TRANSLATE_NOOP

RANGES = (
    (QT_TRANSLATE_NOOP("ProductDetail", "7 d"), 7),
    (QT_TRANSLATE_NOOP("ProductDetail", "30 d"), 30),
    (QT_TRANSLATE_NOOP("ProductDetail", "90 d"), 90),
    (QT_TRANSLATE_NOOP("ProductDetail", "All"), 0),
)
HISTORY_ROWS = 6  # observations the list shows at least
CHECK_TASK = "price_tracking.check_product_price"
CHECK_ROWS = 500  # checks the "every check" list reads at most
_FETCHERS = {
    "plain": QT_TRANSLATE_NOOP("ProductDetail", "without a browser"),
    "browser": QT_TRANSLATE_NOOP("ProductDetail", "in the PriceWatch browser"),
}


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
        self.checks: list[TaskRecord] = []
        # every listing of the product with its history in the home currency (empty: one listing)
        self.listings: list[tuple[Product, list[PriceObservation]]] = []
        self.loaded = False
        self.browser: Any = None  # the PriceWatch browser window, while open
        self.why: WhyPrice | None = None
        self.shop_offer: QMessageBox | None = None
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
        self.checked = QLabel(self)
        self.checked.setObjectName("lastChecked")
        self.range_stats = QLabel(self)
        self.range_stats.setObjectName("rangeStats")
        self.range_stats.setTextFormat(Qt.TextFormat.PlainText)
        self.problem = QLabel(self)
        self.problem.setObjectName("lastProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #cf222e")
        self.problem.hide()
        self.deal = DealPanel(self)
        self.deal.hide()  # until the history is read
        self.fetch_mode = fetch_mode_combo(product.fetch_mode, self)
        self.fetch_mode.activated.connect(self._fetch_mode_chosen)
        self.fetcher = QLabel(self)
        self.fetcher.setObjectName("lastFetcher")
        self.every_check = QCheckBox(self.tr("Show every check"), self)
        self.every_check.setToolTip(self.tr("Also list the checks that found the same price and stock"))
        self.every_check.toggled.connect(self._show_rows)

        self.range_group = QButtonGroup(self)
        ranges = QHBoxLayout()
        ranges.setSpacing(2)
        for n, (label, days) in enumerate(RANGES):
            button = QToolButton(self)
            button.setText(QCoreApplication.translate("ProductDetail", label))
            button.setCheckable(True)
            button.setAutoRaise(False)
            self.range_group.addButton(button, days)
            ranges.addWidget(button)
            if n == 1:
                button.setChecked(True)
        self.range_group.idClicked.connect(self._range_changed)
        ranges.addStretch(1)
        self.open_button = QPushButton(self.tr("Open in Browser"), self)
        self.open_button.clicked.connect(self.open_in_browser)
        self.pricewatch_browser_button = QPushButton(self.tr("Open in PriceWatch Browser"), self)
        self.pricewatch_browser_button.setToolTip(
            self.tr(
                "Log in or pass the shop's check once (later checks reuse it), or click the price to pick it"
            )
        )
        self.pricewatch_browser_button.clicked.connect(self.open_pricewatch_browser)
        self.why_button = QPushButton(self.tr("Why This Price?"), self)
        self.why_button.clicked.connect(self.why_this_price)
        self.check_button = QPushButton(self.tr("Check Now"), self)
        self.check_button.clicked.connect(lambda: self.check_requested.emit(self.product_id))
        self.edit_button = QPushButton(self.tr("Edit…"), self)
        self.edit_button.clicked.connect(lambda: self.edit_requested.emit(self.product_id))
        for push in (self.open_button, self.pricewatch_browser_button, self.why_button, self.check_button,
                     self.edit_button):  # fmt: skip
            ranges.addWidget(push)

        self.chart = PriceChart(self)
        self.chart.span_changed.connect(self._span_changed)
        self.history_model = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.history_model)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        below = QWidget(self)
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.every_check)
        below_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart)
        splitter.addWidget(below)
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
        header.addWidget(self.checked, 3, 0)
        header.addWidget(self.range_stats, 3, 1, Qt.AlignmentFlag.AlignRight)
        header.addWidget(self.problem, 4, 0, 1, 2)
        header.addWidget(self.deal, 5, 0, 1, 2)
        header.setColumnStretch(0, 1)
        reading = QHBoxLayout()
        reading.addWidget(QLabel(self.tr("Read the page:"), self))
        reading.addWidget(self.fetch_mode)
        reading.addWidget(self.fetcher, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(reading)
        layout.addLayout(ranges)
        layout.addWidget(splitter, 1)
        self.show_product(product)
        self.reload()

    # -- data -----------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the product (a primary-key read), its history and its checks (on a pool thread)."""
        try:
            self.show_product(self.app.get_product(self.product_id))
        except NotFoundError:
            self.close()
            return
        app, product_id = self.app, self.product_id
        self.work.submit(
            lambda: (
                app.history(product_id),
                app.product_tasks(product_id, CHECK_ROWS),
                app.deal(product_id),
                app.listing_histories(product_id),
            ),
            self._history_loaded,
        )

    def _history_loaded(
        self,
        loaded: tuple[
            list[PriceObservation], list[TaskRecord], Deal, list[tuple[Product, list[PriceObservation]]]
        ],
    ) -> None:
        self.history, self.checks, deal, self.listings = loaded
        self.deal.show_deal(deal, self.app.unit_price(self.product), self.product.currency)
        self.deal.show()
        self._show_rows()
        self._show_checks()
        self._draw()
        self.loaded = True

    @Slot()
    def _show_rows(self) -> None:
        checks = [r for r in self.checks if r.name == CHECK_TASK]
        rows = with_checks(self.history, checks) if self.every_check.isChecked() else changes(self.history)
        self.history_model.set_readings(rows)

    def _show_checks(self) -> None:
        """Which fetcher read the page last, and the last check's problem in plain words."""
        checks = [
            r for r in self.checks if r.name == "price_tracking.check_product_price" and r.state.is_final
        ]
        done = next((r for r in checks if r.state is TaskState.SUCCESS), None)
        fetcher = _FETCHERS.get(str((done.result or {}).get("fetcher"))) if done is not None else None
        if done is not None and fetcher and done.finished_at is not None:
            self.fetcher.setText(
                self.tr("last read {how}, {when}").format(
                    how=self.tr(fetcher), when=fmt.relative_time(done.finished_at)
                )
            )
            self.fetcher.setToolTip(fmt.exact_time(done.finished_at))
        else:
            self.fetcher.setText("")
        latest = checks[0] if checks else None
        if self.product.last_error and latest is not None and latest.state is TaskState.FAILURE:
            self.problem.setText(self.tr("The last check failed. {why}").format(why=plain_error(latest)))
        elif self.product.last_error_kind:  # the check's task is gone (cleaned up): the product kept its kind
            self.problem.setText(
                self.tr("The last check failed. {why}").format(why=product_fault(self.product, 300))
            )
        elif self.product.last_error:
            self.problem.setText(self.tr("The last check failed. PriceWatch tries again at the next check."))
        self.problem.setVisible(bool(self.product.last_error))

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
        change = self.tr("{change} (was {was})").format(change=text, was=was)
        self.change.setText(f"<span style='color:{colour}'>{change}</span>" if text else "")
        items = [
            (self.tr("Lowest"), fmt.money(product.lowest_price, product.currency)),
            (self.tr("Highest"), fmt.money(product.highest_price, product.currency)),
            (self.tr("Target"), fmt.money(product.target_price, product.currency)),
            (self.tr("Availability"), fmt.availability(product.availability)),
            (self.tr("Next check"), next_check_text(self.app.scheduler.check_plan(), product)),
        ]
        stats = " &nbsp;·&nbsp; ".join(
            f"<span style='color:gray'>{k}</span> {html.escape(v)}" for k, v in items
        )
        self.stats.setText(stats)
        checked = product.last_checked_at
        self.checked.setText(
            self.tr("Last checked {when}").format(when=fmt.relative_time(checked))
            if checked
            else self.tr("Not checked yet")
        )
        self.checked.setToolTip(fmt.exact_time(checked) if checked else "")
        index = self.fetch_mode.findData(product.fetch_mode)
        if index >= 0:
            self.fetch_mode.setCurrentIndex(index)
        self.problem.setVisible(bool(product.last_error) and bool(self.problem.text()))

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
        if len(self.listings) > 1:  # one line per shop, all in the home currency
            self._draw_listings(since)
            return
        self.chart.show_history(
            self.history, target=product.target_price, currency=product.currency, since=since
        )

    def _draw_listings(self, since: datetime | None) -> None:
        home = self.app.home_currency
        rate_date = self.app.exchange_rates().table.rate_date
        own = next((h for p, h in self.listings if p.id == self.product_id), self.history)
        names = [fmt.clean_text(p.shop, 40) for p, _h in self.listings]
        twice = {name for name in names if names.count(name) > 1}  # two listings of one shop: tell them apart
        others = [(self._shop_name(p, twice), h) for p, h in self.listings if p.id != self.product_id]
        converted = any((p.currency or home) != home for p, _h in self.listings)
        if converted and rate_date is not None:
            note = self.tr("All shops in {currency}, converted at the rates of {date}").format(
                currency=home, date=rate_date.isoformat()
            )
        else:
            note = self.tr("All shops in {currency}").format(currency=home)
        target = self.product.target_price if (self.product.currency or home) == home else None
        self.chart.show_history(own, target=target, currency=home, since=since, others=others, note=note,
                                name=self._shop_name(self.product, twice))  # fmt: skip

    def _shop_name(self, product: Product, twice: set[str]) -> str:
        shop = fmt.clean_text(product.shop, 40)
        if shop and shop not in twice:
            return shop
        return self.tr("{shop} #{id}").format(shop=shop or self.tr("Listing"), id=product.id)

    @Slot(object, object)
    def _span_changed(self, left: datetime, right: datetime) -> None:
        """Average and lowest price over what the chart shows (a range, a zoom, a pan)."""
        average, lowest = range_stats(self.history, left, right, utcnow())
        currency = self.product.currency
        if average is None:
            self.range_stats.setText("")
            return
        self.range_stats.setText(
            self.tr("In view: average {average} · lowest {lowest}").format(
                average=fmt.money(average, currency), lowest=fmt.money(lowest, currency)
            )
        )

    @Slot()
    def open_in_browser(self) -> None:
        self.browser_message = open_in_browser(self, self.product.url)

    @Slot(int)
    def _fetch_mode_chosen(self, _index: int) -> None:
        mode = str(self.fetch_mode.currentData())
        if mode != self.product.fetch_mode:
            try:
                self.show_product(self.app.update_product(self.product_id, fetch_mode=mode))
            except NotFoundError:
                self.close()

    @Slot()
    def why_this_price(self) -> WhyPrice:
        """Show where the price was read and what competed with it (reading the page again if need be)."""
        if self.why is None:
            self.why = WhyPrice(self.app, self.product, self.work, self)
            self.why.finished.connect(self._why_closed)
        self.why.show()
        self.why.raise_()
        return self.why

    @Slot()
    def _why_closed(self) -> None:
        if self.why is not None:
            self.why.deleteLater()
        self.why = None

    @Slot()
    def open_pricewatch_browser(self) -> Any:
        """The PriceWatch browser on the product's page; a price clicked in it becomes the selector."""
        from pricewatch.scraping.browser.settings import browser_folder
        from pricewatch.scraping.browser.window import BrowserWindow

        if self.browser is None:
            self.browser = BrowserWindow(
                self.product.url, browser_folder(self.app.paths), self.app.settings.browser.user_agent, self
            )
            self.browser.selector_picked.connect(self._selector_picked)
            self.browser.destroyed.connect(self._browser_gone)
            self.browser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.browser.show()
        self.browser.raise_()
        return self.browser

    @Slot()
    def _browser_gone(self) -> None:
        self.browser = None

    @Slot(str)
    def _selector_picked(self, selector: str) -> None:
        """Keep the clicked price's selector, check with it, and offer it to the shop's other products."""
        try:
            product = self.app.update_product(self.product_id, css_selector=selector)
        except NotFoundError:
            self.close()
            return
        self.show_product(product)
        self.check_requested.emit(self.product_id)
        app, shop, own = self.app, product.shop or "", self.product_id
        self.work.submit(
            lambda: [p.id for p in app.list_products(search=shop) if p.shop == shop and p.id != own],
            lambda ids: self._offer_for_shop(selector, shop, ids),
        )

    def _offer_for_shop(self, selector: str, shop: str, others: list[int]) -> None:
        if not others:
            return
        count = len(others)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Use this price selector for the whole shop?"),
            (
                self.tr(
                    "{shop} has 1 other product in PriceWatch. "
                    "Read its price from the same place on the page too?"
                )
                if count == 1
                else self.tr(
                    "{shop} has {count} other products in PriceWatch. "
                    "Read their prices from the same place on the page too?"
                )
            ).format(shop=fmt.clean_text(shop, 80), count=count),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.buttonClicked.connect(lambda button: self._shop_answer(box, button, selector, shop))
        self.shop_offer = box
        box.show()

    def _shop_answer(self, box: QMessageBox, button: Any, selector: str, shop: str) -> None:
        if box.standardButton(button) == QMessageBox.StandardButton.Yes:
            self._apply_to_shop(selector, shop)

    def _apply_to_shop(self, selector: str, shop: str) -> None:
        for product_id in self.app.set_shop_selector(shop, selector, exclude_id=self.product_id):
            self.check_requested.emit(product_id)
