"""``pricewatch status``: the data folder, the task engine, and with Celery the broker and the workers."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pricewatch.cli.common import open_app
from pricewatch.models import TaskState


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = subparsers.add_parser(
        "status", help="the engine's executor, open tasks, and with Celery the broker and workers",
        description="Print what runs the tasks: the executor, how many tasks are open, and with executor = "
        "celery whether the broker and the result store answer and which workers reply to a ping.",
    )  # fmt: skip
    status.add_argument("--json", action="store_true", help="one JSON object, for scripts")
    status.set_defaults(func=cmd_status)


def cmd_status(args: argparse.Namespace) -> int:
    with open_app() as app:
        facts: dict[str, Any] = {"data": str(app.paths.data_dir), "schema_version": app.schema_version()}
        facts.update(app.executor_status(probe=True))
        facts["open_tasks"] = {
            str(state): len(app.list_tasks(state=str(state), limit=1_000_000))
            for state in (TaskState.PENDING, TaskState.STARTED, TaskState.RETRY)
        }
    if args.json:
        json.dump(facts, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    print(f"data:        {facts['data']} (schema {facts['schema_version']})")
    print(f"executor:    {facts['executor']}")
    print("open tasks:  " + ", ".join(f"{n} {state}" for state, n in facts["open_tasks"].items()))
    celery = facts.get("celery")
    if celery is None:
        return 0
    probe = celery["probe"]
    print(f"broker:      {celery['broker']}: {'reachable' if probe['broker_reachable'] else 'UNREACHABLE'}")
    backend = "reachable" if probe["result_backend_reachable"] else "UNREACHABLE"
    print(f"results:     {celery['result_backend']}: {backend}")
    workers = probe["workers"]
    print(f"workers:     {', '.join(workers) if workers else 'none answering'}")
    if workers:
        print("checks:      read on the workers")
    else:
        print(f"checks:      read locally ({probe['problem']})")
    return 0 if workers else 1
