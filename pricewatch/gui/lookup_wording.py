"""The add/edit dialog's sentences about a look-up: why it waits, what it found, in the user's words."""

from __future__ import annotations

import re

from pricewatch.gui import formatting as fmt
from pricewatch.models import TaskRecord

_ERROR_CLASS = re.compile(r"^[A-Za-z]+Error: ")
_HTTP_STATUS = re.compile(r"\(HTTP (\d{3})\)")


def plain_error(error: str | None) -> str:
    """A task's error without the exception class name ("TransientError: ..."), first letter upper case."""
    text = _ERROR_CLASS.sub("", fmt.clean_text(error, 300)) or "unknown error"
    return text[0].upper() + text[1:]


def retry_text(record: TaskRecord) -> str:
    """ "The shop answered 503; trying again (retry 1 of 3) at 14:05:09." from a task waiting in RETRY."""
    status = _HTTP_STATUS.search(record.error or "")
    why = f"The shop answered {status.group(1)}" if status else plain_error(record.error)
    when = f" at {record.eta.astimezone():%H:%M:%S}" if record.eta is not None else ""
    return (
        f"{why}; trying again (retry {record.retries} of {record.max_retries}){when}.\n\n"
        "You can add the product now (PriceWatch keeps checking it on its schedule) or stop the look-up."
    )
