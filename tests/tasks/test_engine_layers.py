"""Layering of the task engine, and a guard against PySide6 releases with a reference-count bug."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

BLOCK_QT = """
import importlib, sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("PySide6 is blocked in this test")
sys.meta_path.insert(0, Block())
importlib.import_module(sys.argv[1])
"""

ONLY_QTCORE = """
import importlib, sys
importlib.import_module(sys.argv[1])
qt = sorted(m for m in sys.modules if m.startswith("PySide6.Qt"))
assert qt == ["PySide6.QtCore"], qt
"""


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    "module",
    ["pricewatch.tasks", "pricewatch.tasks.registry", "pricewatch.tasks.retry", "pricewatch.tasks.events",
     "pricewatch.tasks.timer", "pricewatch.tasks.executors", "pricewatch.tasks.builtin"],
)  # fmt: skip
def test_task_functions_and_registry_need_no_qt(module: str) -> None:
    """Task code stays runnable by another executor (a Celery worker one day) without Qt."""
    proc = _run(BLOCK_QT, module)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("module", ["pricewatch.tasks.manager", "pricewatch.tasks.threadpool"])
def test_the_engine_imports_only_qtcore(module: str) -> None:
    proc = _run(ONLY_QTCORE, module)
    assert proc.returncode == 0, proc.stderr


def test_thousands_of_emits_and_runnables_do_not_crash_the_interpreter() -> None:
    """PySide6 6.12.0 drops a reference to True per emit and to None per Python run(); on CPython 3.11 that
    aborts the process after about 150 emits; pyproject.toml excludes it, and this fails if one is used."""
    code = textwrap.dedent(
        """
        import threading
        from pricewatch.tasks.signals import TaskSignals
        from PySide6.QtCore import QRunnable, QThreadPool

        signals = TaskSignals()

        def emit():
            for i in range(5000):
                signals.task_changed.emit(str(i), "SUCCESS")

        threads = [threading.Thread(target=emit) for _ in range(3)]
        for t in threads:
            t.start()
        emit()
        for t in threads:
            t.join()

        class Job(QRunnable):
            def __init__(self):
                super().__init__()
                self.setAutoDelete(False)

            def run(self):
                pass

        pool, job = QThreadPool(), Job()
        for _ in range(6000):
            pool.start(job)
        pool.waitForDone()
        print("alive")
        """
    )
    proc = _run(code)
    assert proc.returncode == 0 and proc.stdout.strip() == "alive", proc.stderr[-2000:]
