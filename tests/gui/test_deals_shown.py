"""The deal verdict where the user looks: a badge in the product list, the verdict with its reason and the
prices behind it in the product window, the price per kg, and the "lowest in 30 days" rule's check box."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import tests.gui.conftest_webengine  # noqa: F401 - Qt WebEngine before the QApplication
from pricewatch.app import PriceWatch
from pricewatch.gui.editor.alert_rules import AlertRulesEditor
from pricewatch.gui.history.window import ProductDetail
from pricewatch.gui.main_window import MainWindow
from pricewatch.gui.products.model import COL_DEAL, COL_PRICE
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import AlertKind, AlertRule, Availability, utcnow
from tests.support.editor import started_facade
from tests.support.pageserver import PageServer

WAIT = 15_000


def seed(app: PriceWatch, title: str, points: list[tuple[int, str, str | None]]) -> int:
    """A product read at (days ago, price, was-price) by checks of the past."""
    product_id = app.add_product(f"https://roastery.example/{len(app.list_products())}", title=title).id or 0
    for days, price, was in points:
        app.observations.record_check(
            product_id, checked_at=utcnow() - timedelta(days=days), price=Decimal(price), currency="EUR",
            availability=Availability.IN_STOCK, list_price=None if was is None else Decimal(was),
        )  # fmt: skip
    return product_id


def fake_discount(app: PriceWatch) -> int:
    return seed(app, "Arabica 500 g", [(60, "14.99", None), (40, "9.99", None), (20, "19.99", None),
                                       (5, "12.99", "19.99")])  # fmt: skip


def test_the_list_shows_a_badge_with_its_reason(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    fake = fake_discount(app)
    low = seed(app, "Green tea", [(60, "8.99", None), (30, "7.99", None), (2, "6.49", None)])
    new = seed(app, "Cocoa", [(3, "4.99", None)])
    window = make_window()
    model = window.product_model

    def cell(product_id: int) -> tuple[str | None, str | None]:
        index = model.index(model.row_of(product_id) or 0, COL_DEAL)
        return index.data(), index.data(Qt.ItemDataRole.ToolTipRole)

    assert model.headerData(COL_DEAL, Qt.Orientation.Horizontal) == "Deal"
    for product_id in (fake, low, new):
        cell(product_id)  # painting the cell asks for its verdict
    qtbot.waitUntil(lambda: cell(new)[0] == "Not enough history", timeout=WAIT)
    qtbot.waitUntil(lambda: cell(fake)[0] == "Fake discount", timeout=WAIT)
    assert cell(low)[0] == "All-time low"
    tooltip = cell(fake)[1] or ""
    assert "€19.99" in tooltip and "€9.99" in tooltip and "30 days before the cut" in tooltip


def test_a_new_reading_asks_again(
    qtbot: QtBot, app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    product_id = seed(app, "Oat milk 1 L", [(50, "1.99", None), (10, "1.79", None)])
    window = make_window()
    source = window.product_model
    row = source.row_of(product_id)
    assert row is not None
    source.index(row, COL_DEAL).data()
    qtbot.waitUntil(lambda: source.index(row, COL_DEAL).data() == "All-time low", timeout=WAIT)
    app.observations.record_check(
        product_id, checked_at=utcnow(), price=Decimal("2.49"), currency="EUR",
        availability=Availability.IN_STOCK, list_price=Decimal("3.99"),
    )  # fmt: skip
    window.product_sync.refresh(product_id)
    qtbot.waitUntil(lambda: source.product_at(row).price == Decimal("2.49"), timeout=WAIT)
    source.index(row, COL_DEAL).data()
    qtbot.waitUntil(lambda: source.index(row, COL_DEAL).data() == "Invented was-price", timeout=WAIT)


@pytest.fixture
def engine() -> Iterator[PriceWatch]:
    with started_facade() as facade:
        yield facade


@pytest.fixture
def work() -> Iterator[BackgroundWork]:
    pool = BackgroundWork()
    yield pool
    pool.close()


def test_the_product_window_shows_the_verdict_and_the_prices_behind_it(
    qtbot: QtBot, engine: PriceWatch, work: BackgroundWork
) -> None:
    product_id = fake_discount(engine)
    detail = ProductDetail(engine, engine.get_product(product_id), work)
    qtbot.addWidget(detail)
    detail.show()
    qtbot.waitUntil(lambda: detail.loaded, timeout=WAIT)
    panel = detail.deal
    assert panel.isVisible() and panel.badge.text() == "Fake discount"
    assert "the lowest price of the 30 days before the cut on" in panel.reason.text()
    assert panel.unit.text() == "€25.98 per kg · 500 g"
    assert not panel.details.isVisible()
    panel.more.click()
    assert panel.details.isVisible()
    evidence = panel.details.text()
    assert "Rank 2 of 4 prices seen" in evidence
    assert "€9.99" in evidence and "€19.99" in evidence and "€14.99" not in evidence.split(":", 1)[1]


def test_the_lowest_in_30_days_box_makes_the_rule_and_keeps_a_window_set_elsewhere(qtbot: QtBot) -> None:
    editor = AlertRulesEditor()
    qtbot.addWidget(editor)
    editor.lowest.setChecked(True)
    assert [(r.kind, r.window_days) for r in editor.rules(1, None)] == [(AlertKind.LOWEST_IN_DAYS, 30)]
    editor.set_rules([AlertRule(1, AlertKind.LOWEST_IN_DAYS, window_days=60)])
    assert editor.lowest.isChecked() and "60" in editor.lowest.text()
    assert [(r.kind, r.window_days) for r in editor.rules(1, None)] == [(AlertKind.LOWEST_IN_DAYS, 60)]
    editor.set_rules([])
    assert not editor.lowest.isChecked() and editor.rules(1, None) == []


def test_the_editor_sets_a_quantity_and_refuses_a_storage_size(
    qtbot: QtBot, engine: PriceWatch, page_server: PageServer
) -> None:
    from pricewatch.gui.editor.dialog import ProductDialog
    from tests.support.pages import product_page

    url = page_server.add("/beans", product_page("Arabica beans", "12.99"))
    product_id = engine.add_product(url, title="Arabica beans").id or 0
    assert engine.wait_for_task(engine.check_product(product_id), timeout=30).state.value == "SUCCESS"
    dialog = ProductDialog(engine, engine.get_product(product_id))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=WAIT)
    dialog.quantity.setText("256 GB")
    assert dialog.save() is None
    assert dialog.problem.isVisible() and "is not a quantity" in dialog.problem.text()
    assert engine.get_product(product_id).quantity is None
    dialog.quantity.setText("4 x 250 g")
    assert not dialog.problem.isVisible()  # the field the problem was about changed
    assert dialog.save() == product_id
    product = engine.get_product(product_id)
    assert product.quantity == "4 x 250 g"
    unit = engine.unit_price(product)
    assert unit is not None and (unit.amount, unit.unit) == (Decimal("12.9900"), "kg")


def test_the_price_tooltip_gives_the_price_per_unit(
    app: PriceWatch, make_window: Callable[[], MainWindow]
) -> None:
    per_litre = seed(app, "Cola 6 x 1,5 L", [(3, "8.99", None)])
    phone = seed(app, "Phone 15 Pro 256 GB", [(3, "999.00", None)])
    model = make_window().product_model

    def tip(product_id: int) -> str:
        return str(model.index(model.row_of(product_id) or 0, COL_PRICE).data(Qt.ItemDataRole.ToolTipRole))

    assert "€1.00 per L · 6 \N{MULTIPLICATION SIGN} 1.5 L" in tip(per_litre)
    assert "per" not in tip(phone)
