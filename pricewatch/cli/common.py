"""What every command shares: opening the facade, turning known errors into messages, logging."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pricewatch.config import Paths
from pricewatch.logs import setup_logging

if TYPE_CHECKING:
    from pricewatch.app import PriceWatch

EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_IO = 4


class UserError(Exception):
    """An error the user can fix; printed without a traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def setup_cli_logging(verbosity: int) -> None:
    setup_logging(Paths.default().log_file, verbosity=verbosity)


@contextlib.contextmanager
def open_app() -> Iterator[PriceWatch]:
    """The facade (imported lazily to keep --help fast), with known failures turned into :class:`UserError` and settings problems reported."""
    from pricewatch.app import NotFoundError, PriceWatch
    from pricewatch.scraping.errors import InvalidURLError
    from pricewatch.storage import DuplicateProductError, SchemaTooNewError, StorageError

    try:
        app = PriceWatch()
    except (StorageError, SchemaTooNewError) as exc:
        raise UserError(str(exc), EXIT_IO) from None
    for problem in app.settings_problems:
        print(f"pricewatch: warning: {problem}", file=sys.stderr)
    try:
        yield app
    except NotFoundError as exc:
        raise UserError(str(exc), EXIT_NOT_FOUND) from None
    except (InvalidURLError, DuplicateProductError, ValueError) as exc:
        raise UserError(str(exc)) from None
    finally:
        app.close()


def run_gui(args: argparse.Namespace) -> int:
    from pricewatch.gui import run

    return run()
