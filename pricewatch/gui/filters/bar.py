"""The row above the products: which smart filter shows (all products, a saved filter, one tag), and saving
or deleting filters."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.product_filters import ProductQuery, SavedFilter

ALL, SAVED, TAG = "all", "saved", "tag"


def _key(kind: str, name: str = "") -> str:
    """An entry's data: plain text, which the combo compares by value (a tuple it would not find)."""
    return f"{kind}:{name}"


def _parts(key: object) -> tuple[str, str]:
    kind, _, name = str(key or _key(ALL)).partition(":")
    return kind, name


class FilterBar(QWidget):
    """A combo of saved filters and tags, "Save Filter…" and "Delete Filter".

    Signals:
        chosen(object): the query to show (a ProductQuery), or None for every product.
        save_requested(): the user wants to save the current conditions under a name.
        delete_requested(str): the user wants to delete the saved filter of this name.
    """

    chosen = Signal(object)
    save_requested = Signal()
    delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self.combo = QComboBox(self)
        self.combo.setObjectName("filterCombo")
        self.combo.setAccessibleName(self.tr("Show products"))
        self.combo.setMinimumContentsLength(24)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.save_button = QPushButton(self.tr("Save Filter…"), self)
        self.save_button.setToolTip(self.tr("Keep a combination of conditions under a name"))
        self.delete_button = QPushButton(self.tr("Delete Filter"), self)
        self.delete_button.setEnabled(False)
        label = QLabel(self.tr("&Show:"), self)
        label.setBuddy(self.combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)
        self._filters: dict[str, ProductQuery] = {}
        self.set_choices([], [])
        self.combo.currentIndexChanged.connect(self._changed)
        self.save_button.clicked.connect(self.save_requested)
        self.delete_button.clicked.connect(self._delete)

    def set_choices(self, filters: list[SavedFilter], tags: list[tuple[str, int]]) -> None:
        """Saved filters, then one entry per tag; the choice stays where it still exists (else: all)."""
        current = self.combo.currentData()
        self._filters = {f.name: f.query for f in filters}
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.tr("All products"), _key(ALL))
        if filters:
            self.combo.insertSeparator(self.combo.count())
        for saved in filters:
            self.combo.addItem(fmt.clean_text(saved.name, 60), _key(SAVED, saved.name))
        if tags:
            self.combo.insertSeparator(self.combo.count())
        for name, count in tags:
            self.combo.addItem(
                self.tr("Tag: {name} ({count})").format(name=name, count=count), _key(TAG, name)
            )
        index = self.combo.findData(current) if current is not None else 0
        self.combo.setCurrentIndex(max(index, 0))
        self.combo.blockSignals(False)
        self.delete_button.setEnabled(self._current_kind() == SAVED)
        if index < 0 and current is not None and _parts(current)[0] != ALL:
            self._changed()  # the chosen filter or tag is gone: every product shows again

    def choose(self, kind: str, name: str = "") -> None:
        index = self.combo.findData(_key(kind, name))
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def query(self) -> ProductQuery | None:
        kind, name = _parts(self.combo.currentData())
        if kind == ALL:
            return None
        return self._filters.get(name) if kind == SAVED else ProductQuery(tag=name)

    def current_filter_name(self) -> str | None:
        kind, name = _parts(self.combo.currentData())
        return name if kind == SAVED else None

    def _current_kind(self) -> str:
        return _parts(self.combo.currentData())[0]

    @Slot()
    def _changed(self) -> None:
        self.delete_button.setEnabled(self._current_kind() == SAVED)
        self.chosen.emit(self.query())

    @Slot()
    def _delete(self) -> None:
        name = self.current_filter_name()
        if name is not None:
            self.delete_requested.emit(name)
