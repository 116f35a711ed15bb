"""The ``pricewatch`` command: no argument starts the window; subcommands work from a terminal or a script.

Each command group lives in its own module with ``register(subparsers)``; every command calls the
:class:`~pricewatch.app.PriceWatch` facade and turns expected errors into a message and an exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from pricewatch import __version__
from pricewatch.cli import common

EXIT_BROKEN_PIPE = 141  # what a shell reports for a program ended by SIGPIPE (128 + 13)
COMMAND_MODULES = (
    "products",
    "organise",
    "listings",
    "api",
    "check",
    "serve",
    "extract",
    "notify",
    "alerts",
    "deals",
    "tasks",
    "desktop",
    "status",
    "worker",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pricewatch",
        description="Track product prices on shop pages and get told when they drop. "
        "Without a command, the window opens.",
    )
    parser.add_argument("--version", action="version", version=f"PriceWatch {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log to the console (-vv: debug)")
    parser.add_argument(
        "--minimized", action="store_true", help="start the window in the tray (as the login autostart does)"
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    gui = subparsers.add_parser("gui", help="open the window (the default)")
    gui.add_argument("--minimized", action="store_true", help="start in the tray (minimised without one)")
    gui.set_defaults(func=common.run_gui)
    for name in COMMAND_MODULES:
        module = __import__(f"pricewatch.cli.{name}", fromlist=["register"])
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None, front_ends: common.FrontEnds | None = None) -> int:
    """Run one command; ``front_ends`` brings the window and the HTTP API (see :mod:`pricewatch.main`)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.front_ends = front_ends or common.FrontEnds()
    func = getattr(args, "func", common.run_gui)
    common.setup_cli_logging(args.verbose, to_file=getattr(args, "log_file", True))
    try:
        status = int(func(args) or 0)
        sys.stdout.flush()  # here, not at exit: a closed pipe must surface inside this try
        return status
    except BrokenPipeError:
        # The reader went away (`pricewatch list | head`): stop quietly, like other command-line tools. Output
        # still buffered would fail again at exit, so stdout points at /dev/null from now on.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE
    except common.UserError as exc:
        print(f"pricewatch: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("pricewatch: interrupted", file=sys.stderr)
        return 130
