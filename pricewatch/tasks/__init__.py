"""The task engine: named tasks, a SQLite journal, QThreadPool and synchronous executors.

Public names: :func:`task` (register a task function), :class:`TaskContext` (what a task function receives),
:class:`TaskCancelled` (raised by ``ctx.raise_if_cancelled()``). The manager lives in
:mod:`pricewatch.tasks.manager` and is reached through the facade (``app.task_manager``); importing this
package does not import Qt.
"""

from __future__ import annotations

from pricewatch.tasks.context import TaskContext
from pricewatch.tasks.errors import TaskCancelled
from pricewatch.tasks.registry import task

__all__ = ["TaskCancelled", "TaskContext", "task"]
