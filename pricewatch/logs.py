"""Logging: a rotating file in the log folder always, the console only when asked (-v)."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def setup_logging(log_file: Path, *, verbosity: int = 0) -> None:
    """Configure the root logger once; calling again replaces PriceWatch's handlers (tests, restarts)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_pricewatch", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.DEBUG)
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        file_handler.setLevel(logging.INFO)
    except OSError as exc:  # a read-only log folder must not stop the program
        print(f"pricewatch: cannot write the log file {log_file}: {exc.strerror}", file=sys.stderr)
        file_handler = logging.NullHandler()
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    file_handler._pricewatch = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if verbosity:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        console._pricewatch = True  # type: ignore[attr-defined]
        root.addHandler(console)
    for noisy in ("httpx", "httpcore", "apscheduler", "hpack", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
