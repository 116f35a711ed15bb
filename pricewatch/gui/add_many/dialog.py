"""File > Add Many…: paste addresses (or drop links or a bookmarks file on the window), see what would be
added and what skipped and why, then add them all.

Signals:
    added(list): the ids of the products added.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pricewatch.app import PriceWatch
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.link_lists import AddOutcome, LinkEntry, read_link_list

PREVIEW_DELAY_MS = 300  # typing pauses this long before the list is checked again
COL_OUTCOME, COL_ADDRESS, COL_REASON = range(3)


class AddManyDialog(QDialog):
    added = Signal(list)

    def __init__(self, app: PriceWatch, work: BackgroundWork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.work = work
        self.setObjectName("addManyDialog")
        self.setWindowTitle(self.tr("Add Many Products"))
        self.resize(760, 520)
        self._titles: dict[str, str] = {}  # titles a bookmarks file gave, by address as written
        self._entries: list[LinkEntry] = []
        self._job = 0  # the newest preview or add; older answers are dropped
        self._adding = False

        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText(
            self.tr(
                "Paste product addresses here, one per line (or drop links or a bookmarks file on the window)"
            )
        )
        self.text.textChanged.connect(self._text_changed)
        self.summary = QLabel(self.tr("Nothing to add yet."), self)
        self.preview = QTreeWidget(self)
        self.preview.setRootIsDecorated(False)
        self.preview.setHeaderLabels([self.tr("Outcome"), self.tr("Address"), self.tr("Reason")])
        self.preview.setColumnWidth(COL_OUTCOME, 130)
        self.preview.setColumnWidth(COL_ADDRESS, 380)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.add_button = QPushButton(self.tr("Add"), self)
        self.add_button.setEnabled(False)
        self.buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.add_button.clicked.connect(self.add_all)
        self.buttons.rejected.connect(self.reject)
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.finished.connect(self._closed)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Addresses:"), self))
        layout.addWidget(self.text, 2)
        layout.addWidget(self.summary)
        layout.addWidget(self.preview, 3)
        layout.addWidget(self.buttons)

    @Slot()
    def _closed(self) -> None:
        # Answers still on their way (an add goes on: the window sees its products through its data watch)
        # find the job number moved on and touch no widget of the closing dialog.
        self._timer.stop()
        self._job = -1

    # -- filling ---------------------------------------------------------------------------------------
    def set_text(self, text: str) -> None:
        self.text.setPlainText(text)
        self.refresh_preview()

    def load(self, read: Callable[[], list[LinkEntry]]) -> None:
        """Fill the box from ``read()`` (a dropped file or links), run on a pool thread."""
        self.summary.setText(self.tr("Reading…"))
        self._job = job = self._job + 1
        self.work.submit(
            read, lambda entries: self._loaded(job, entries), lambda error: self._failed(job, error)
        )

    def _loaded(self, job: int, entries: list[LinkEntry]) -> None:
        if job != self._job:
            return
        self._titles.update({e.text: e.title for e in entries if e.title})
        current = self.text.toPlainText().rstrip("\n")
        lines = "\n".join(e.text for e in entries)
        self.set_text(f"{current}\n{lines}" if current else lines)

    # -- preview ---------------------------------------------------------------------------------------
    @Slot()
    def _text_changed(self) -> None:
        if not self._adding:
            self.add_button.setEnabled(False)  # until the preview matches the text
            self._timer.start()

    @Slot()
    def refresh_preview(self) -> None:
        self._timer.stop()
        try:
            entries = read_link_list(self.text.toPlainText())
        except ValueError as exc:
            self._show([], str(exc))
            return
        self._entries = [LinkEntry(e.text, e.title or self._titles.get(e.text)) for e in entries]
        self._job = job = self._job + 1
        entries = list(self._entries)  # the pool thread gets its own copy
        self.work.submit(lambda: self.app.add_many(entries, dry_run=True),
                         lambda outcomes: self._previewed(job, outcomes),
                         lambda error: self._failed(job, error))  # fmt: skip

    def _previewed(self, job: int, outcomes: list[AddOutcome]) -> None:
        if job == self._job:
            self._show(outcomes)

    def _failed(self, job: int, error: str) -> None:
        if job == self._job:
            self._adding = False
            self.text.setReadOnly(False)
            self._show([], error)

    def _show(self, outcomes: list[AddOutcome], problem: str | None = None) -> None:
        self.preview.clear()
        words = {"new": self.tr("Will be added"), "added": self.tr("Added"), "skipped": self.tr("Skipped")}
        items = []
        for outcome in outcomes:
            item = QTreeWidgetItem(
                [words.get(outcome.status, outcome.status), outcome.url, self._reason(outcome)]
            )
            item.setToolTip(COL_ADDRESS, outcome.title or outcome.url)
            item.setToolTip(COL_REASON, outcome.reason or "")  # the facade's full words (English)
            item.setData(COL_OUTCOME, Qt.ItemDataRole.UserRole, outcome)
            items.append(item)
        self.preview.addTopLevelItems(items)
        new = sum(o.status == "new" for o in outcomes)
        added = sum(o.status == "added" for o in outcomes)
        skipped = sum(o.status == "skipped" for o in outcomes)
        if problem is not None:
            self.summary.setText(self.tr("Cannot read the list: %1").replace("%1", problem))
        elif added:
            self.summary.setText(
                self.tr("%1 added, %2 skipped.").replace("%1", str(added)).replace("%2", str(skipped))
            )
        elif outcomes:
            self.summary.setText(
                self.tr("%1 to add, %2 skipped.").replace("%1", str(new)).replace("%2", str(skipped))
            )
        else:
            self.summary.setText(self.tr("Nothing to add yet."))
        self.add_button.setEnabled(new > 0 and not self._adding)
        self.add_button.setText(self.tr("Add %n Product(s)", "", new) if new else self.tr("Add"))

    def _reason(self, outcome: AddOutcome) -> str:
        """Why an address is skipped, from the outcome's facts, in the user's language."""
        if outcome.skip == "already_tracked":
            return self.tr("Already tracked as product %1").replace("%1", str(outcome.product_id))
        words = {"not_web_address": self.tr("Not a web address"), "invalid": self.tr("Not a valid address"),
                 "listed_twice": self.tr("Listed twice")}  # fmt: skip
        return words.get(outcome.skip or "", outcome.reason or "")

    def outcomes(self) -> list[AddOutcome]:
        """The outcomes shown now (for tests and the window)."""
        items = (self.preview.topLevelItem(i) for i in range(self.preview.topLevelItemCount()))
        return [item.data(COL_OUTCOME, Qt.ItemDataRole.UserRole) for item in items if item is not None]

    # -- adding ----------------------------------------------------------------------------------------
    @Slot()
    def add_all(self) -> None:
        if self._timer.isActive():
            return  # the text changed since the preview: the button is off until it is checked
        self._adding = True
        self.add_button.setEnabled(False)
        self.text.setReadOnly(True)
        self.summary.setText(self.tr("Adding…"))
        entries = list(self._entries)
        self._job = job = self._job + 1
        self.work.submit(lambda: self.app.add_many(entries), lambda outcomes: self._added(job, outcomes),
                         lambda error: self._failed(job, error))  # fmt: skip

    def _added(self, job: int, outcomes: list[AddOutcome]) -> None:
        if job != self._job:  # closed meanwhile
            return
        self._show(outcomes)
        self.add_button.setEnabled(False)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText(self.tr("Close"))
        self.added.emit([o.product_id for o in outcomes if o.status == "added" and o.product_id is not None])
