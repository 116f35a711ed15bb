"""What smart filters cost with a big database: reading the facts they need, and filtering the products table.

Usage: .venv/bin/python bench/smart_filters.py [--products N] [--observations M]

1. A child process writes N products and M observations (bench/gui_responsiveness.py's generator); then a
   fifth of the products get a reading in the last week (half of them cheaper), one in twenty an unsure one,
   one in ten a tag.
2. facts_ms: the facade's ``product_facts`` (what the window's background read and ``pricewatch list
   --filter`` run), beside list_ms: ``list_products`` (the read every list already does), from the same run.
3. In the real table model and filter proxy (offscreen Qt): filter_ms, showing a smart filter's products (the
   model's search text is "" for the rows it hides) and taking it off again; search_ms, the search box over
   the same rows (a word, then none); search_base_ms, that search on a plain QSortFilterProxyModel set up as
   the products proxy was before smart filters (the peer); search_narrowed_ms, the search with a filter on.
   match_ms: the filter's predicate over every product with its facts (the window runs it on a pool thread).

Each figure is the best of three. The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def best_ms(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def add_recent(home: Path, products: int) -> None:
    from pricewatch.app import PriceWatch

    os.environ["PRICEWATCH_HOME"] = str(home)
    stamp = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with PriceWatch() as app, app.db.transaction() as conn:
        conn.executemany(
            "INSERT INTO observations (product_id, observed_at, price, currency, availability, unsure)"
            " VALUES (?, ?, ?, 'EUR', 'InStock', ?)",
            (
                (pid, stamp, "1.00" if pid % 10 == 1 else "99999", int(pid % 20 == 0))
                for pid in range(1, products, 5)
            ),
        )
        app.organiser.tags.add(range(1, products + 1, 10), ["kitchen"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--observations", type=int, default=500_000)
    args = parser.parse_args()
    from gui_responsiveness import generate  # type: ignore[import-not-found]

    home = Path(tempfile.mkdtemp(prefix="pw-smart-filters-"))
    child = multiprocessing.get_context("spawn").Process(
        target=generate, args=(home, args.products, args.observations, "http://127.0.0.1:9")
    )
    child.start()
    child.join()
    add_recent(home, args.products)

    os.environ["PRICEWATCH_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtWidgets import QApplication

    from pricewatch.app import PriceWatch
    from pricewatch.gui.products.model import COL_TITLE, ProductTableModel, SearchRole
    from pricewatch.gui.products.proxy import ProductFilterProxy
    from pricewatch.product_filters import NO_FACTS, ProductQuery

    qt = QApplication.instance() or QApplication([])
    with PriceWatch() as app:
        facts_ms = best_ms(app.product_facts)
        list_ms = best_ms(app.list_products)
        products = app.list_products()
        facts = app.product_facts()
        query = ProductQuery(tag="kitchen", dropped_this_week=True)
        match_ms = best_ms(lambda: [p for p in products if query.matches(p, facts.get(p.id or 0, NO_FACTS))])
        matching = frozenset(p.id or 0 for p in products if query.matches(p, facts.get(p.id or 0, NO_FACTS)))
    model = ProductTableModel()
    model.set_products(products)
    proxy = ProductFilterProxy(model)

    # The proxy maps rows when first asked: rowCount() makes each change do its work now.
    def search() -> None:
        proxy.set_search("")
        proxy.rowCount()
        proxy.set_search("kettle")
        proxy.rowCount()

    def narrow() -> None:
        model.set_shown_ids(None)
        proxy.set_narrowed(False)
        proxy.rowCount()
        model.set_shown_ids(matching)
        proxy.set_narrowed(True)
        proxy.rowCount()

    search_ms = best_ms(search)
    # The peer: the same search on a proxy without the smart filter's row check (the proxy before it).
    base = QSortFilterProxyModel()
    base.setSourceModel(model)
    base.setFilterRole(SearchRole)
    base.setFilterKeyColumn(COL_TITLE)
    base.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    base.setDynamicSortFilter(False)

    def base_search() -> None:
        base.setFilterFixedString("")
        base.rowCount()
        base.setFilterFixedString("kettle")
        base.rowCount()

    search_base_ms = best_ms(base_search)
    proxy.set_search("")
    filter_ms = best_ms(narrow)
    shown = proxy.rowCount()
    search_narrowed_ms = best_ms(search)
    del qt
    print(f"products={len(products)} matching={len(matching)} shown={shown}")
    print(
        f"facts_ms={facts_ms:.0f} list_ms={list_ms:.0f} match_ms={match_ms:.0f} filter_ms={filter_ms:.0f} "
        f"search_ms={search_ms:.0f} search_base_ms={search_base_ms:.0f} "
        f"search_narrowed_ms={search_narrowed_ms:.0f}"
    )


if __name__ == "__main__":
    main()
