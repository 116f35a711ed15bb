"""What every command shares: opening the facade, turning known errors into messages, logging."""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from pricewatch import formatting
from pricewatch.config import Paths, ScheduleOptions, field_limits
from pricewatch.logs import setup_logging

if TYPE_CHECKING:
    from pricewatch.app import ApiServerFactory, PriceWatch

EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_IO = 4


class UserError(Exception):
    """An error the user can fix; printed without a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# -- arguments: checked by the commands, so errors read "pricewatch: error: ..." and exit with 2 -------------
def target_price(text: str) -> Decimal:
    """A price typed by a user, more than 0: "19.99", "19,99", "1,299.00", "1.299,00", "1299"."""
    try:
        price = parse_amount(text)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if price <= 0:
        raise UserError(f"the target price must be more than 0 (got {text.strip()[:40]!r})")
    return price


def parse_amount(text: str) -> Decimal:
    """Digits with "." or "," as decimal mark and the other one grouping thousands; raises ValueError.

    Only plain notation: "1e3" or "Infinity" are refused rather than stored as "1E+3". "1,299" is refused as
    ambiguous (1299 or 1.299?).
    """
    raw = text.strip()
    shown = raw[:40]
    if not re.fullmatch(r"[\d.,]+", raw) or not any(ch.isdigit() for ch in raw):
        raise ValueError(f"{shown!r} is not a price (write it like 19.99)")
    marks = [ch for ch in raw if ch in ".,"]
    if len(set(marks)) == 2:  # both: the last one is the decimal mark
        decimal_mark = marks[-1]
        group_mark = "," if decimal_mark == "." else "."
        whole, _, fraction = raw.rpartition(decimal_mark)
        if decimal_mark in whole or not _grouped(whole, group_mark):
            raise ValueError(f"{shown!r} is not a price (write it like 1299.00)")
        digits = whole.replace(group_mark, "") + "." + fraction
    elif len(marks) > 1:  # one mark, several times: thousands ("1,299,000")
        if not _grouped(raw, marks[0]):
            raise ValueError(f"{shown!r} is not a price (write it like 1299.00)")
        digits = raw.replace(marks[0], "")
    elif marks:
        whole, _, fraction = raw.partition(marks[0])
        if marks[0] == "," and len(fraction) == 3 and whole.strip("0"):
            raise ValueError(f"{shown!r} is ambiguous: write {whole}{fraction} or {whole}.{fraction}")
        digits = f"{whole or 0}.{fraction or 0}"
    else:
        digits = raw
    try:
        return Decimal(digits)
    except InvalidOperation:
        raise ValueError(f"{shown!r} is not a price") from None


def _grouped(whole: str, mark: str) -> bool:
    head, *groups = whole.split(mark)
    return 1 <= len(head) <= 3 and bool(groups) and all(len(g) == 3 for g in groups)


def check_interval(minutes: int) -> int:
    """Minutes between checks of a product, within the limits the settings use for the default interval."""
    limits = field_limits(ScheduleOptions, "default_check_interval_minutes")
    low, high = (1, 10080) if limits is None else (int(limits[0]), int(limits[1]))
    if minutes < low:
        raise UserError(f"the check interval must be at least one minute (got {minutes})")
    if minutes > high:
        raise UserError(f"the check interval must be at most {high} minutes (got {minutes})")
    return minutes


# -- output -------------------------------------------------------------------------------------------------
def money(value: Any, currency: str | None) -> str:
    """A price as the user's locale writes it ("₺1,299.00", "¥1,500"), like the window; "-" if unknown."""
    return formatting.money(None if value is None else Decimal(value), currency, unknown="-")


def setup_cli_logging(verbosity: int, to_file: bool = True) -> None:
    """The log file in the log folder, and the console with ``-v``; ``to_file`` False: a command that must
    leave no folder behind (``pricewatch worker``) logs to the console only."""
    if to_file:
        setup_logging(Paths.default().log_file, verbosity=verbosity)
    elif verbosity:
        logging.basicConfig(level=logging.DEBUG if verbosity > 1 else logging.INFO)


@dataclass(frozen=True)
class FrontEnds:
    """The other front ends, handed in by :mod:`pricewatch.main` (the CLI never imports them itself).

    Attributes:
        run_gui: opens the window (``minimized``: to the tray) and returns its exit code; None where the
            window is not installed.
        api_server: builds the local HTTP API for ``serve --api``; None where it is not installed.
        hand_to_window: gives a URL to the window running on the same data (it opens its add dialog with
            it); False when no window runs.
    """

    run_gui: Callable[[bool], int] | None = None
    api_server: ApiServerFactory | None = None
    hand_to_window: Callable[[str], bool] | None = None


@contextlib.contextmanager
def open_app(api_server: ApiServerFactory | None = None) -> Iterator[PriceWatch]:
    """The facade (imported lazily to keep --help fast); known failures become :class:`UserError`.

    Settings problems are reported on stderr.
    """
    from pricewatch.app import PriceWatch
    from pricewatch.errors import InvalidURLError, NotFoundError
    from pricewatch.scheduling import Scheduler
    from pricewatch.storage import DuplicateProductError, SchemaTooNewError, StorageError

    try:
        app = PriceWatch(scheduler=Scheduler, api_server=api_server)
    except (StorageError, SchemaTooNewError) as exc:
        raise UserError(str(exc), EXIT_IO) from None
    except OSError as exc:  # a folder that cannot be created: PRICEWATCH_HOME under a file, no permission
        where = exc.filename or "the data folder"
        raise UserError(f"cannot create {where}: {exc.strerror or exc}", EXIT_IO) from None
    for problem in app.settings_problems:
        print(f"pricewatch: warning: {problem}", file=sys.stderr)
    try:
        yield app
    except NotFoundError as exc:
        raise UserError(str(exc), EXIT_NOT_FOUND) from None
    except (InvalidURLError, DuplicateProductError, ValueError) as exc:
        raise UserError(str(exc)) from None
    except StorageError as exc:  # a full disk, a database locked too long: the environment, not a bug
        raise UserError(str(exc), EXIT_IO) from None
    finally:
        app.close()


def run_gui(args: argparse.Namespace) -> int:
    run: Callable[[bool], int] | None = args.front_ends.run_gui
    if run is None:
        raise UserError("the window is not part of this installation; see pricewatch --help")
    return run(bool(getattr(args, "minimized", False)))
