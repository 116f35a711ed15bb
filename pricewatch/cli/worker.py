"""``pricewatch worker``: a Celery worker that reads pages for a PriceWatch coordinator on another machine.

It needs no data folder: only the broker and the Redis the coordinator uses (from the flags, or from this
machine's settings file when there is one). ``pricewatch serve`` or the window with ``executor = "celery"``
is the coordinator and stores what the workers read.
"""

from __future__ import annotations

import argparse
import sys

from pricewatch.cli.common import UserError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = subparsers.add_parser(
        "worker",
        help="read pages for a coordinator as a Celery worker (any machine that reaches the broker)",
        description="Start a Celery worker for PriceWatch's page reads. Broker and Redis come from the "
        "flags, else from [tasks] broker_url and result_backend in this machine's settings, else "
        "redis://127.0.0.1:6379/0.",
    )
    worker.add_argument("--broker", metavar="URL", help="redis://host:6379/0 or amqp://user:pass@host:5672//")
    worker.add_argument(
        "--result-backend", metavar="URL",
        help="the Redis for results and shared per-host politeness (default: the broker when it is Redis)",
    )  # fmt: skip
    worker.add_argument(
        "--queue-type", choices=("quorum", "classic"), help="RabbitMQ queues (default quorum)"
    )
    worker.add_argument("--concurrency", type=int, default=8, help="pages read at once (default 8)")
    worker.add_argument(
        "--pool", choices=("threads", "prefork", "solo"), default="threads",
        help="threads (default: reads wait on the network), or prefork (one process per page; time limits)",
    )  # fmt: skip
    worker.add_argument("--hostname", help="the worker's name (default: celery@<this machine>)")
    worker.add_argument(
        "--redelivery-seconds", type=float, metavar="S",
        help="Redis broker: seconds before a dead worker's pages go to another (default: the time limit)",
    )  # fmt: skip
    worker.add_argument(
        "--loglevel", default="WARNING", help="Celery's log level (default WARNING; INFO: every page read)"
    )
    worker.set_defaults(func=cmd_worker, log_file=False)


def cmd_worker(args: argparse.Namespace) -> int:
    if args.concurrency < 1:
        raise UserError("--concurrency must be at least 1")
    try:
        from pricewatch.tasks.celery.worker import run_worker
    except ImportError as exc:
        raise UserError(f"Celery is not installed ({exc.name}): pip install 'pricewatch[celery]'") from None
    from pricewatch.config import Paths, load_settings
    from pricewatch.tasks.celery.config import CeleryConfig

    loaded = load_settings(Paths.default())  # reads only; creates no folder
    for problem in loaded.problems:
        print(f"pricewatch: warning: {problem}", file=sys.stderr)
    config = CeleryConfig.from_settings(
        loaded.settings, broker_url=args.broker, result_backend=args.result_backend,
        queue_type=args.queue_type, redelivery_seconds=args.redelivery_seconds,
    )  # fmt: skip
    return run_worker(config, concurrency=args.concurrency, pool=args.pool, hostname=args.hostname,
                      loglevel=args.loglevel)  # fmt: skip
