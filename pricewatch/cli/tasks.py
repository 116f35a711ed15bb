"""Task commands: ``pricewatch tasks`` lists the journal; ``show``, ``cancel``, ``retry``, ``run``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pricewatch.cli.common import UserError, open_app
from pricewatch.models import TaskRecord, TaskState

MAX_CELL = 60
WORKER_CELL = 40


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tasks = subparsers.add_parser(
        "tasks", help="list background tasks (newest first); show, cancel or retry one",
        description="Without an action, lists task records.",
    )  # fmt: skip
    _list_options(tasks)
    tasks.set_defaults(func=cmd_list)
    actions = tasks.add_subparsers(title="actions", metavar="ACTION")

    _list_options(actions.add_parser("list", help="list task records (the default)")).set_defaults(
        func=cmd_list
    )

    show = actions.add_parser("show", help="one task in full (arguments, result, error, traceback)")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    cancel = actions.add_parser("cancel", help="revoke a queued task, ask a running one to stop")
    cancel.add_argument("id")
    cancel.set_defaults(func=cmd_cancel)

    retry = actions.add_parser("retry", help="queue a failed or revoked task again")
    retry.add_argument("id")
    retry.set_defaults(func=cmd_retry)

    run = actions.add_parser("run", help="run a registered task now, in this process, and print its record")
    run.add_argument("name")
    run.add_argument(
        "--arg", action="append", default=[], metavar="KEY=VALUE",
        help="a keyword argument; VALUE is read as JSON when it parses, else as text",
    )  # fmt: skip
    run.add_argument("--json", action="store_true")
    run.set_defaults(func=cmd_run)


def _list_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument(
        "--state", type=str.upper, choices=[str(s) for s in TaskState], help="only this state"
    )
    parser.add_argument("--name", metavar="NAME", help="only tasks with this name")
    parser.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    parser.add_argument("--json", action="store_true", help="one JSON array, for scripts")
    return parser


def task_json(record: TaskRecord) -> dict[str, Any]:
    def time(value: Any) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": record.id,
        "name": record.name,
        "state": str(record.state),
        "kwargs": record.kwargs,
        "queue": record.queue,
        "priority": record.priority,
        "parent_id": record.parent_id,
        "unique_key": record.unique_key,
        "retries": record.retries,
        "max_retries": record.max_retries,
        "result": record.result,
        "error": record.error,
        "traceback": record.traceback,
        "progress": {
            "current": record.progress_current,
            "total": record.progress_total,
            "message": record.progress_message,
            "percent": record.progress_percent,
        },
        "queued_at": time(record.queued_at),
        "started_at": time(record.started_at),
        "finished_at": time(record.finished_at),
        "eta": time(record.eta),
        "worker": record.worker,
    }


def _cell(text: Any, width: int = MAX_CELL) -> str:
    """One line of untrusted text (errors quote pages): control characters out, length capped."""
    clean = "".join(ch if ch.isprintable() else " " for ch in str(text or ""))
    return clean if len(clean) <= width else clean[: width - 1] + "…"


def _local(value: Any) -> str:
    return "" if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def cmd_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UserError("--limit must be at least 1")
    with open_app() as app:
        records = app.list_tasks(state=args.state, name=args.name, limit=args.limit)
    if args.json:
        json.dump([task_json(r) for r in records], sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not records:
        print("no tasks")
        return 0
    # The worker column appears when a Celery worker read any of the listed tasks' pages.
    wide = max((len(_cell(r.worker, WORKER_CELL)) for r in records if r.worker), default=0)
    worker = f"{'WORKER':<{wide}}  " if wide else ""
    print(f"{'ID':<32}  {'STATE':<8}  {'NAME':<34}  {'PROGRESS':>9}  {'QUEUED':<19}  {worker}ERROR")
    for r in records:
        progress = f"{r.progress_current}/{r.progress_total}" if r.progress_total else ""
        worker = f"{_cell(r.worker or '-', WORKER_CELL):<{wide}}  " if wide else ""
        print(
            f"{r.id:<32}  {r.state:<8}  {_cell(r.name, 34):<34}  {progress:>9}  {_local(r.queued_at):<19}  "
            f"{worker}{_cell(r.error)}"
        )
    return 0


def _print_record(record: TaskRecord, children: list[TaskRecord]) -> None:
    print(f"{record.name}  {record.state}  (id {record.id})")
    rows = [
        ("queue", f"{record.queue}, priority {record.priority}"),
        ("arguments", json.dumps(record.kwargs, ensure_ascii=False)),
        ("retries", f"{record.retries} of {record.max_retries}"),
        ("progress", f"{record.progress_current}/{record.progress_total} {record.progress_message}".strip()),
        ("queued", _local(record.queued_at)),
        ("started", _local(record.started_at)),
        ("finished", _local(record.finished_at)),
        ("next try", _local(record.eta)),
        ("worker", _cell(record.worker, WORKER_CELL) if record.worker else ""),
        ("parent", record.parent_id or ""),
        ("unique key", record.unique_key or ""),
        ("result", "" if record.result is None else json.dumps(record.result, ensure_ascii=False)),
        ("error", _cell(record.error, 500)),
    ]
    for label, value in rows:
        if value and value != "0/0":
            print(f"  {label + ':':<12} {value}")
    if children:
        counts: dict[str, int] = {}
        for child in children:
            counts[str(child.state)] = counts.get(str(child.state), 0) + 1
        print(f"  {'children:':<12} " + ", ".join(f"{n} {state}" for state, n in sorted(counts.items())))
    if record.traceback:
        print("  traceback:")
        for line in record.traceback.rstrip().splitlines()[-30:]:
            print(f"    {_cell(line, 200)}")


def cmd_show(args: argparse.Namespace) -> int:
    with open_app() as app:
        record = app.get_task(args.id)
        children = app.task_children(args.id)
    if args.json:
        data = task_json(record)
        data["children"] = [c.id for c in children]
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        _print_record(record, children)
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    with open_app() as app:
        record = app.cancel_task(args.id)
    if record.state is TaskState.STARTED:
        print(f"asked task {record.id} to stop (it is running and stops at its next step)")
    elif record.state is TaskState.REVOKED:
        print(f"task {record.id} revoked")
    else:
        print(f"task {record.id} had already finished ({record.state})")
    return 0


def cmd_retry(args: argparse.Namespace) -> int:
    """Runs the new task inline, like ``run``: a command-line process has no engine that outlives it."""
    with open_app() as app:
        app.set_executor("sync")
        new_id = app.retry_task(args.id)
        record = app.wait_for_task(new_id)
    print(f"queued again as task {new_id}: {record.state}")
    return 0 if record.state is TaskState.SUCCESS else 1


def _parse_args(pairs: list[str]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.isidentifier():
            raise UserError(f"--arg {pair!r}: expected KEY=VALUE")
        try:
            kwargs[key] = json.loads(raw)
        except json.JSONDecodeError:
            kwargs[key] = raw
    return kwargs


def cmd_run(args: argparse.Namespace) -> int:
    """Runs inline (the synchronous executor): the command returns when the task and its children are done."""
    kwargs = _parse_args(args.arg)
    with open_app() as app:
        app.registered_task_names()  # loads the built-in tasks
        from pricewatch.tasks import registry

        try:
            registry.check_arguments(args.name, kwargs)  # a usage error, not a journaled TypeError
        except ValueError as exc:
            raise UserError(str(exc)) from None
        app.set_executor("sync")
        task_id = app.submit_task(args.name, kwargs=kwargs, priority=10)
        record = app.wait_for_task(task_id)
        children = app.task_children(task_id)
    if args.json:
        json.dump(task_json(record), sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        _print_record(record, children)
    return 0 if record.state is TaskState.SUCCESS else 1
