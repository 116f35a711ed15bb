"""The layers hold: import-linter's contracts, no import cycle, no Qt below the front ends but QtCore."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.support.layers import import_blocking_qt

ROOT = Path(__file__).resolve().parents[1]
QT_FREE = ["pricewatch.models", "pricewatch.errors", "pricewatch.config", "pricewatch.storage",
           "pricewatch.scraping", "pricewatch.transfer", "pricewatch.alerts", "pricewatch.alerting",
           "pricewatch.text", "pricewatch.notify", "pricewatch.urls", "pricewatch.wording",
           "pricewatch.deals", "pricewatch.units"]  # fmt: skip
QTCORE_ONLY = ["pricewatch.app", "pricewatch.tasks.manager", "pricewatch.scheduling", "pricewatch.api.server"]


@pytest.mark.parametrize("module", QT_FREE)
def test_imports_without_qt(module: str) -> None:
    proc = import_blocking_qt(module)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("module", QTCORE_ONLY)
def test_engine_needs_qtcore_only(module: str) -> None:
    proc = import_blocking_qt(module, "PySide6", "PySide6.QtCore")
    assert proc.returncode == 0, proc.stderr


def test_the_blocker_really_blocks() -> None:
    proc = import_blocking_qt("pricewatch.gui.main_window", "PySide6", "PySide6.QtCore")
    assert proc.returncode != 0 and "blocked" in proc.stderr


def test_import_contracts_hold() -> None:
    """The layers of docs/architecture.md, as the [tool.importlinter] contracts in pyproject.toml."""
    linter = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's components of more than one module (iterative: the graph has a few hundred modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_no_import_cycles() -> None:
    """Not even through imports inside functions or under TYPE_CHECKING: grimp reads them all."""
    graph = grimp.build_graph("pricewatch", cache_dir=None)
    assert strongly_connected(graph) == []


def test_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.z")
    graph.add_import(importer="a.z", imported="a.x")
    assert strongly_connected(graph) == [{"a.x", "a.y", "a.z"}]
