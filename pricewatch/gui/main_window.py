"""The main window (a first version: the products list; the GUI issue builds the full window)."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QMainWindow

from pricewatch.app import PriceWatch


class MainWindow(QMainWindow):
    def __init__(self, app: PriceWatch) -> None:
        super().__init__()
        self.app = app
        self.setWindowTitle("PriceWatch")
        self.resize(900, 600)
        self.products_list = QListWidget(self)
        self.setCentralWidget(self.products_list)
        for product in app.list_products():
            price = "-" if product.price is None else f"{product.price} {product.currency or ''}"
            self.products_list.addItem(f"{product.title or product.url}  {price}")
        self.statusBar().showMessage(f"{self.products_list.count()} products")
