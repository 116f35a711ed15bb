"""The pane beside the task table: arguments, result, error with traceback, and the task's timeline."""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from pricewatch.gui.tasks.columns import (
    STATE_TEXT,
    duration_seconds,
    record_name,
    state_colour,
    state_text,
)
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import TaskRecord, TaskState

MAX_JSON = 20_000  # characters of arguments/result shown; the journal keeps everything


def _json(value: Any) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    if len(text) > MAX_JSON:
        text = text[:MAX_JSON] + "\n…"
    return f"<pre>{html.escape(text)}</pre>"


def task_html(record: TaskRecord, children: dict[str, int] | None = None) -> str:
    colour = state_colour(record)
    state = state_text(record)
    parts = [
        f"<h3 style='margin-bottom:2px'>{html.escape(record_name(record))}</h3>",
        f"<p style='margin-top:0'><code>{html.escape(record.name)}</code> · "
        f"<span style='color:{colour.name() if colour else 'inherit'}; font-weight:600'>{state}</span></p>",
        f"<p><b>ID</b> <code>{html.escape(record.id)}</code><br>",
        f"<b>Queue</b> {html.escape(record.queue)} · <b>priority</b> {record.priority} · "
        f"<b>tries</b> {record.retries + 1} of {record.max_retries + 1}",
    ]
    if record.worker:
        parts.append(f"<br><b>Read on</b> {html.escape(fmt.clean_text(record.worker))} (a Celery worker)")
    if record.parent_id:
        parts.append(f"<br><b>Part of</b> <code>{html.escape(record.parent_id)}</code>")
    if record.progress_total:
        parts.append(f"<br><b>Progress</b> {record.progress_current}/{record.progress_total} "
                     f"{html.escape(fmt.clean_text(record.progress_message))}")  # fmt: skip
    parts.append("</p>")
    if children:
        summary = ", ".join(
            f"{count} {STATE_TEXT.get(TaskState(state), state).lower()}" for state, count in children.items()
        )
        parts.append(f"<p><b>Children</b> {html.escape(summary)}</p>")
    timeline = [("Queued", record.queued_at), ("Started", record.started_at), ("Next try", record.eta),
                ("Finished", record.finished_at)]  # fmt: skip
    rows = "".join(
        f"<tr><td>{label}</td><td>{fmt.local_time(at, seconds=True)}</td></tr>"
        for label, at in timeline
        if at
    )
    took = duration_seconds(record)
    if took is not None:
        rows += f"<tr><td>Took</td><td>{fmt.duration(took)}</td></tr>"
    parts.append(f"<h4>Timeline</h4><table cellspacing='0' cellpadding='2'>{rows}</table>")
    parts.append("<h4>Arguments</h4>" + _json(record.kwargs))
    if record.result is not None:
        parts.append("<h4>Result</h4>" + _json(record.result))
    if record.error:
        parts.append(f"<h4>Error</h4><p>{html.escape(fmt.clean_text(record.error, 2000))}</p>")
    if record.traceback:
        parts.append(f"<h4>Traceback</h4><pre>{html.escape(record.traceback[-MAX_JSON:])}</pre>")
    return "".join(parts)


class TaskDetailPane(QTextBrowser):
    """Read-only, selectable text; shows one task (or a hint when none is selected)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskDetail")
        self.setOpenLinks(False)
        self.task_id: str | None = None
        self.show_task(None)

    def show_task(self, record: TaskRecord | None, children: dict[str, int] | None = None) -> None:
        self.task_id = record.id if record else None
        if record is None:
            self.setHtml("<p style='color:gray'>Select a task to see its arguments, result and timeline.</p>")
            return
        self.setHtml(task_html(record, children))
