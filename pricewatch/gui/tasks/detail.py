"""The pane beside the task table: arguments, result, error with traceback, and the task's timeline."""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTextBrowser, QWidget

from pricewatch.gui.tasks.columns import (
    STATE_TEXT,
    duration_seconds,
    record_name,
    state_colour,
    state_text,
    state_word,
)
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import TaskRecord, TaskState
from pricewatch.translation import QT_TRANSLATE_NOOP, in_sentence

MAX_JSON = 20_000  # characters of arguments/result shown; the journal keeps everything


def _json(value: Any) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    if len(text) > MAX_JSON:
        text = text[:MAX_JSON] + "\n…"
    return f"<pre>{html.escape(text)}</pre>"


def _tr(text: str) -> str:
    return QCoreApplication.translate("TaskDetail", text)


# Headings and labels of the pane, marked for lupdate and translated when a task is shown.
_LABELS = {
    "queue": QT_TRANSLATE_NOOP("TaskDetail", "Queue"),
    "priority": QT_TRANSLATE_NOOP("TaskDetail", "priority"),
    "tries": QT_TRANSLATE_NOOP("TaskDetail", "<b>tries</b> {tries} of {most}"),
    "read_on": QT_TRANSLATE_NOOP("TaskDetail", "<b>Read on</b> {worker} (a Celery worker)"),
    "part_of": QT_TRANSLATE_NOOP("TaskDetail", "Part of"),
    "progress": QT_TRANSLATE_NOOP("TaskDetail", "Progress"),
    "children": QT_TRANSLATE_NOOP("TaskDetail", "Children"),
    "queued": QT_TRANSLATE_NOOP("TaskDetail", "Queued"),
    "started": QT_TRANSLATE_NOOP("TaskDetail", "Started"),
    "next_try": QT_TRANSLATE_NOOP("TaskDetail", "Next try"),
    "finished": QT_TRANSLATE_NOOP("TaskDetail", "Finished"),
    "took": QT_TRANSLATE_NOOP("TaskDetail", "Took"),
    "timeline": QT_TRANSLATE_NOOP("TaskDetail", "Timeline"),
    "arguments": QT_TRANSLATE_NOOP("TaskDetail", "Arguments"),
    "result": QT_TRANSLATE_NOOP("TaskDetail", "Result"),
    "error": QT_TRANSLATE_NOOP("TaskDetail", "Error"),
    "traceback": QT_TRANSLATE_NOOP("TaskDetail", "Traceback"),
}


def task_html(record: TaskRecord, children: dict[str, int] | None = None) -> str:
    t = {key: _tr(text) for key, text in _LABELS.items()}
    colour = state_colour(record)
    state = state_text(record)
    parts = [
        f"<h3 style='margin-bottom:2px'>{html.escape(record_name(record))}</h3>",
        f"<p style='margin-top:0'><code>{html.escape(record.name)}</code> · "
        f"<span style='color:{colour.name() if colour else 'inherit'}; font-weight:600'>{state}</span></p>",
        f"<p><b>ID</b> <code>{html.escape(record.id)}</code><br>",
        f"<b>{t['queue']}</b> {html.escape(record.queue)} · <b>{t['priority']}</b> {record.priority} · "
        + t["tries"].format(tries=record.retries + 1, most=record.max_retries + 1),
    ]
    if record.worker:
        parts.append("<br>" + t["read_on"].format(worker=html.escape(fmt.clean_text(record.worker))))
    if record.parent_id:
        parts.append(f"<br><b>{t['part_of']}</b> <code>{html.escape(record.parent_id)}</code>")
    if record.progress_total:
        parts.append(f"<br><b>{t['progress']}</b> {record.progress_current}/{record.progress_total} "
                     f"{html.escape(fmt.clean_text(record.progress_message))}")  # fmt: skip
    parts.append("</p>")
    if children:
        summary = ", ".join(
            f"{count} {in_sentence(state_word(TaskState(state)), STATE_TEXT[TaskState(state)])}"
            for state, count in children.items()
        )
        parts.append(f"<p><b>{t['children']}</b> {html.escape(summary)}</p>")
    timeline = [(t["queued"], record.queued_at), (t["started"], record.started_at),
                (t["next_try"], record.eta), (t["finished"], record.finished_at)]  # fmt: skip
    rows = "".join(
        f"<tr><td>{label}</td><td>{fmt.local_time(at, seconds=True)}</td></tr>"
        for label, at in timeline
        if at
    )
    took = duration_seconds(record)
    if took is not None:
        rows += f"<tr><td>{t['took']}</td><td>{fmt.duration(took)}</td></tr>"
    parts.append(f"<h4>{t['timeline']}</h4><table cellspacing='0' cellpadding='2'>{rows}</table>")
    parts.append(f"<h4>{t['arguments']}</h4>" + _json(record.kwargs))
    if record.result is not None:
        parts.append(f"<h4>{t['result']}</h4>" + _json(record.result))
    if record.error:
        parts.append(f"<h4>{t['error']}</h4><p>{html.escape(fmt.clean_text(record.error, 2000))}</p>")
    if record.traceback:
        parts.append(f"<h4>{t['traceback']}</h4><pre>{html.escape(record.traceback[-MAX_JSON:])}</pre>")
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
            hint = self.tr("Select a task to see its arguments, result and timeline.")
            self.setHtml(f"<p style='color:gray'>{html.escape(hint)}</p>")
            return
        self.setHtml(task_html(record, children))
