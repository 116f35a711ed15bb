"""The products table with its search box: what the user looks at most."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QFocusEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pricewatch.errors import InvalidURLError
from pricewatch.gui.products.model import (
    COL_ALL_SHOPS,
    COL_HIGHEST,
    COL_HISTORY,
    COL_LOWEST,
    COL_PRICE,
    COL_TAGS,
    COL_TARGET,
    COL_TITLE,
    ProductIdRole,
    ProductTableModel,
)
from pricewatch.gui.products.proxy import ProductFilterProxy
from pricewatch.gui.products.sparkline import SparklineDelegate
from pricewatch.gui.products.thumbnails import THUMB_HEIGHT
from pricewatch.models import Product
from pricewatch.urls import validate_url

SEARCH_DELAY_MS = 150  # typing a word filters once, not once per key
# Shop, price, change, lowest, highest, target, availability, last checked, next check, history, deal, tags,
# all shops (the title stretches): 1020 px without the last two, which are shown only once they say something
# (see _show_optional_columns), so the name keeps about 180 px at the default window size.
DEFAULT_WIDTHS = (230, 110, 90, 70, 80, 80, 80, 130, 100, 100, 90, 90, 80, 110)
OPTIONAL_COLUMNS = (COL_TAGS, COL_ALL_SHOPS)
MONEY_COLUMNS = (COL_PRICE, COL_LOWEST, COL_HIGHEST, COL_TARGET)
MONEY_WIDTH_CAP = 260  # a money column grows to fit its amounts up to this (the tooltip has the rest)
CELL_PADDING = 16  # the item's text margins and a little air
# Rows beyond the painted ones that fitting a money column measures: none (Qt's default, 1,000, measured 4,000
# cells through Python at every load: 100-180 ms of a frozen window with 10,000 products). Rows scrolled into
# view, and rows on screen whose amounts change, are measured then.
MONEY_FIT_ROWS = 0


class ProductsPanel(QWidget):
    """Search box, products table, and an empty-state hint.

    Signals:
        activated(int): a product was double-clicked or Enter was pressed on it.
        context_menu_requested(QPoint): right-click on the table (global position).
        selection_changed(): the selected rows changed.
        view_changed(): rows were shown or hidden (search) or the table switched between model and proxy.
    """

    activated = Signal(int)
    context_menu_requested = Signal(QPoint)
    selection_changed = Signal()
    view_changed = Signal()

    def __init__(self, model: ProductTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        # The filter proxy is attached only while searching: unfiltered, the table shows the model itself,
        # so a product refreshed by a check costs no proxy mapping (Python calls per changed row).
        self.proxy = ProductFilterProxy(None, self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search products by name, shop or address  (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search products"))
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.installEventFilter(self)
        self._search_chosen = False  # focused by a click or Ctrl+F: the user means to type there

        self.table = QTableView(self)
        self.table.setObjectName("productsTable")
        self._header_selection: QItemSelectionModel | None = None
        self._set_table_model(model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setIconSize(QSize(THUMB_HEIGHT * 3 // 2, THUMB_HEIGHT))  # product thumbnails
        self.table.setItemDelegateForColumn(COL_HISTORY, SparklineDelegate(self.table))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(
            lambda pos: self.context_menu_requested.emit(self.table.viewport().mapToGlobal(pos))
        )
        self.table.selectionModel().selectionChanged.connect(self.selection_changed)
        self.table.doubleClicked.connect(self._on_activated)
        self.table.activated.connect(self._on_activated)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row size queries on 10k rows
        vertical.setDefaultSectionSize(max(THUMB_HEIGHT + 4, self.fontMetrics().height() + 12))
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self._default_widths()
        self._show_optional_columns()
        model.dataChanged.connect(self._optional_column_changed)

        self.empty = QLabel(
            self.tr(
                "<h3>No products yet</h3><p>Add one with <b>Add product</b> (Ctrl+N),<br>"
                "or copy a product page's address and press <b>Ctrl+V</b> here.</p>"
            ),
            self,
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self.stack = QStackedWidget(self)
        # The empty state takes the focus (and a click), so Ctrl+V there adds the clipboard's product.
        self.stack.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # A search that matches nothing says so where the rows would be (a blank table reads as broken).
        self.no_match = QLabel(self)
        self.no_match.setObjectName("noMatch")
        self.no_match.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_match.setTextFormat(Qt.TextFormat.PlainText)  # the typed text is shown as typed
        self.no_match.setEnabled(False)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.no_match)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.stack, 1)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._update_empty)
        # Money columns grow to fit their amounts: a cut "$1,234,56…" reads as another price.
        model.modelReset.connect(self.fit_money_columns)
        self.table.horizontalHeader().setResizeContentsPrecision(MONEY_FIT_ROWS)  # read by sizeHintForColumn
        model.rowsInserted.connect(self._rows_inserted)
        model.dataChanged.connect(self._data_changed)
        self.table.verticalScrollBar().valueChanged.connect(self._fit_shown)
        self._update_empty()
        self.focus_products()  # the window starts on the products, not in the search box

    def add_filter_bar(self, bar: QWidget) -> None:
        """The smart filters' row (gui/filters), between the search box and the table."""
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, bar)

    def _set_table_model(self, model: QAbstractItemModel) -> None:
        """Show ``model``; its column header gets a selection model of its own, always empty.

        A header shares the table's selection by default and, painting, asks it whether each column is
        wholly selected; Qt answers by making an index for every selected row of every column, i.e. two Python
        calls (rowCount, columnCount) each: 220,000 calls, over 100 ms, after selecting 10,000 products. This
        header highlights nothing (setHighlightSections(False)), so it has no use for the selection.
        """
        self.table.setModel(model)  # gives both headers the table's new selection model
        header = self.table.horizontalHeader()
        if self._header_selection is not None:
            self._header_selection.deleteLater()
        self._header_selection = QItemSelectionModel(model, header)
        header.setSelectionModel(self._header_selection)

    def _default_widths(self) -> None:
        """Every column fits the default window (1200 px): the product name takes what the others leave."""
        for column, width in enumerate(DEFAULT_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumSectionSize(40)

    def _optional_column_changed(
        self, top_left: QModelIndex, bottom_right: QModelIndex, *_roles: object
    ) -> None:
        if top_left.column() <= max(OPTIONAL_COLUMNS) and bottom_right.column() >= min(OPTIONAL_COLUMNS):
            self._show_optional_columns()

    def _show_optional_columns(self) -> None:
        """Tags and "All shops" say nothing until a product has a tag (or a snooze) or prices to compare (two
        shops, another currency): hidden till then, so the default window holds every other column."""
        self.table.setColumnHidden(COL_TAGS, not self.model.has_labels())
        self.table.setColumnHidden(COL_ALL_SHOPS, not self.model.has_best_prices())

    # -- selection ------------------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        """Source-model rows of the selection, read from its ranges.

        (``selectedRows()`` asks the model about every cell of every row: thousands of Python calls for a big
        selection. Rows are whole-row ranges here, and without a search the proxy maps row n to row n.)
        """
        rows: set[int] = set()
        for selected in self.table.selectionModel().selection():  # type: ignore[attr-defined]  # a QList
            rows.update(range(selected.top(), selected.bottom() + 1))
        if self.table.model() is self.model:
            return sorted(rows)
        return sorted(self.proxy.mapToSource(self.proxy.index(row, 0)).row() for row in rows)

    def selected_ids(self) -> list[int]:
        return [self.model.product_at(row).id or 0 for row in self.selected_rows()]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return int(index.siblingAtColumn(COL_TITLE).data(ProductIdRole))

    def selected_products(self) -> list[Product]:
        return [
            self.model.product_at(row)
            for i in self.selected_ids()
            if (row := self.model.row_of(i)) is not None
        ]

    def select_product(self, product_id: int) -> None:
        row = self.model.row_of(product_id)
        if row is None:
            return
        index = self.model.index(row, COL_TITLE)
        if self.table.model() is self.proxy:
            index = self.proxy.mapFromSource(index)
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)

    def visible_count(self) -> int:
        return self.table.model().rowCount()

    # -- money columns --------------------------------------------------------------------------------
    def fit_money_columns(self) -> None:
        """Widen the money columns to their amounts (Qt measures the painted rows and some more), never
        narrower than the user made them, up to :data:`MONEY_WIDTH_CAP`."""
        for column in MONEY_COLUMNS:
            if not self.table.isColumnHidden(column):
                self._widen(column, self.table.sizeHintForColumn(column))

    @Slot(QModelIndex, int, int)
    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._fit_money_rows(first, last)

    @Slot(QModelIndex, QModelIndex, list)
    def _data_changed(self, top: QModelIndex, bottom: QModelIndex, roles: list[int]) -> None:
        if roles and Qt.ItemDataRole.DisplayRole not in roles:
            return  # a sparkline or thumbnail
        if top.column() > max(MONEY_COLUMNS) or bottom.column() < min(MONEY_COLUMNS):
            return  # another column refreshed (next check times, tags): no new amounts
        self._fit_money_rows(top.row(), bottom.row())

    def _fit_money_rows(self, first: int, last: int) -> None:
        # Rows on screen only: an amount is cut only where it is painted, and measuring one formats it (calls
        # into Python) for every product a big check refreshes, most of them off screen (15 ms of the GUI
        # thread per 50 rows). Rows scrolled into view are measured then (_fit_shown).
        source = (
            (lambda row: self.proxy.mapToSource(self.proxy.index(row, 0)).row())
            if self.table.model() is self.proxy
            else (lambda row: row)
        )
        rows = [row for row in self._shown_rows() if first <= source(row) <= last]
        if rows:
            self._fit(self.table.model(), rows)

    def _shown_rows(self) -> range:
        """The view's rows on screen."""
        first = self.table.rowAt(0)
        if first < 0:
            return range(0)
        last = self.table.rowAt(self.table.viewport().height() - 1)
        return range(first, (last if last >= 0 else self.table.model().rowCount() - 1) + 1)

    @Slot()
    def _fit_shown(self) -> None:
        """Measure the rows scrolled into view."""
        rows = list(self._shown_rows())
        if rows:
            self._fit(self.table.model(), rows)

    def _fit(self, view: QAbstractItemModel, rows: list[int]) -> None:
        metrics = self.table.fontMetrics()
        for column in MONEY_COLUMNS:
            widest = max(metrics.horizontalAdvance(str(view.index(row, column).data() or "")) for row in rows)
            self._widen(column, widest + CELL_PADDING)

    def _widen(self, column: int, wanted: int) -> None:
        wanted = min(wanted, MONEY_WIDTH_CAP)
        if wanted > self.table.columnWidth(column):
            self.table.setColumnWidth(column, wanted)

    # -- focus ----------------------------------------------------------------------------------------
    def focus_products(self) -> None:
        """Focus the table, or the empty state while there are no products."""
        shown = self.stack.currentWidget()
        (self.table if shown is self.table else self.stack).setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search:
            if event.type() == QEvent.Type.FocusIn and isinstance(event, QFocusEvent):
                reason = event.reason()
                self._search_chosen = reason in (
                    Qt.FocusReason.MouseFocusReason,
                    Qt.FocusReason.ShortcutFocusReason,
                )
            elif event.type() == QEvent.Type.MouseButtonPress:
                self._search_chosen = True
            elif event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
                # Not taken: the window's Add from Clipboard (Ctrl+V) gets the key instead of the search box
                return self._leave_paste(event)
            elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
                return self._search_key(event)
        return super().eventFilter(watched, event)

    def _leave_paste(self, event: QKeyEvent) -> bool:
        """Ctrl+V into an empty box the user did not choose (start-up focus, Tab) with an address in the
        clipboard: the user means to add that product, not to search for its address."""
        typing = self.search.text() or self._search_chosen
        return event.matches(QKeySequence.StandardKey.Paste) and not typing and _clipboard_url() is not None

    def _search_key(self, event: QKeyEvent) -> bool:
        """Escape clears the search (then, on an empty box, goes back to the products)."""
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            if self.search.text():
                self.search.clear()
                self.apply_search_now()
            else:
                self.focus_products()
            return True
        return False

    # -- slots ----------------------------------------------------------------------------------------

    def _apply_search(self) -> None:
        text = self.search.text().strip()
        wanted = self.proxy if text or self.proxy.narrowed else self.model
        if wanted is self.proxy and self.proxy.sourceModel() is None:
            self.proxy.setSourceModel(self.model)
        self.proxy.set_search(text)
        if self.table.model() is not wanted:
            current = self.current_id()
            header = self.table.horizontalHeader().saveState()
            self._set_table_model(wanted)
            self.table.horizontalHeader().restoreState(header)
            self.table.selectionModel().selectionChanged.connect(self.selection_changed)
            if wanted is self.model:
                self.proxy.setSourceModel(None)
            if current is not None:
                self.select_product(current)
            self.selection_changed.emit()
        self._update_empty()
        self.view_changed.emit()

    def apply_search_now(self) -> None:
        self._search_timer.stop()
        self._apply_search()

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated.emit(int(index.siblingAtColumn(COL_TITLE).data(ProductIdRole)))

    def _update_empty(self) -> None:
        had_focus = self.window().focusWidget() in (self.stack, self.table)
        searching = self.table.model() is self.proxy
        if self.model.rowCount() == 0:
            shown: QWidget = self.empty
        elif searching and self.proxy.rowCount() == 0:
            typed = self.search.text().strip()
            self.no_match.setText(
                self.tr(
                    "No product matches “{typed}”.\n"
                    "Search looks in names, shops and addresses; press Esc to clear it."
                ).format(typed=typed[:80])
                if typed
                else self.tr("No product matches this filter.\nChoose “All products” to see every product.")
            )
            shown = self.no_match
        else:
            shown = self.table
        self.stack.setCurrentWidget(shown)
        if had_focus:
            self.focus_products()  # from the empty state to the first products (or back)

    def _header_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for column in range(self.model.columnCount()):
            if column == COL_TITLE:
                continue
            action = QAction(str(self.model.headerData(column, Qt.Orientation.Horizontal)), menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
            menu.addAction(action)
        menu.popup(header.mapToGlobal(pos))


def _clipboard_url() -> str | None:
    """The product address the clipboard holds, if it holds one."""
    text = (QGuiApplication.clipboard().text() or "").strip()
    try:
        return validate_url(text.split()[0]) if text else None
    except InvalidURLError:
        return None
