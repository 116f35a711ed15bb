"""File > Import and File > Export: dialogs on the GUI thread, reading and writing on a pool thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from pricewatch.app import PriceWatch
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.transfer_merge import ImportSummary


class TransferActions(QObject):
    """Signals:
    exported(str, int): path and number of products written.
    imported(object): the ImportSummary of a finished import.
    failed(str): what went wrong, for the status bar (a message box is shown too).
    """

    exported = Signal(str, int)
    imported = Signal(object)
    failed = Signal(str)

    def __init__(self, app: PriceWatch, work: BackgroundWork, parent: QWidget) -> None:
        super().__init__(parent)
        self.app = app
        self.work = work
        self._parent = parent

    def _documents(self) -> str:
        return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    def ask_export(self) -> QFileDialog:
        filters = self.tr("JSON export (*.json);;CSV spreadsheet (*.csv)")
        dialog = QFileDialog(
            self._parent, self.tr("Export products and price history"), self._documents(), filters
        )
        dialog.setObjectName("exportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, _no_native())
        dialog.setDefaultSuffix("json")
        dialog.selectFile("pricewatch-export.json")
        dialog.fileSelected.connect(self.export_to)
        dialog.open()  # non-blocking: the event loop keeps running while the user picks a file
        return dialog

    def ask_import(self) -> QFileDialog:
        filters = self.tr("JSON export (*.json);;CSV spreadsheet (*.csv);;All files (*)")
        dialog = QFileDialog(self._parent, self.tr("Import products"), self._documents(), filters)
        dialog.setObjectName("importDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, _no_native())
        dialog.fileSelected.connect(self.import_from)
        dialog.open()
        return dialog

    def export_to(self, path: str) -> None:
        target = Path(path)
        fmt = "csv" if target.suffix.lower() == ".csv" else "json"
        app = self.app

        def write() -> int:
            tmp = target.with_name(target.name + ".part")
            with tmp.open("w", encoding="utf-8", newline="") as out:
                count = app.export_products(out, fmt)
            tmp.replace(target)  # a failed export never leaves half a file under the chosen name
            return count

        self.work.submit(write, lambda count: self.exported.emit(str(target), count), self._failed)

    def import_from(self, path: str) -> None:
        app = self.app
        self.work.submit(lambda: app.import_products(Path(path)), self._imported, self._failed)

    def _imported(self, summary: ImportSummary) -> None:
        self.imported.emit(summary)

    def _failed(self, error: str) -> None:
        self.failed.emit(error)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "PriceWatch", error, QMessageBox.StandardButton.Ok, self._parent
        )
        box.setObjectName("transferError")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the error may quote the file's content
        box.open()


def _no_native() -> bool:
    # Qt's own dialog behaves the same everywhere (and in tests); platform dialogs follow the desktop theme.
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.platformName() in ("offscreen", "minimal")
