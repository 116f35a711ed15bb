"""One interpreter setting for the program's front ends (the window, ``pricewatch serve``)."""

from __future__ import annotations

import sys

SWITCH_INTERVAL = 0.0005  # seconds


def tune_interpreter() -> None:
    """Hand the GIL over sooner: a thread that answers people waits at most ~0.5 ms for busy task threads.

    The window's GUI thread takes the GIL anew for every call from Qt into Python (a slot, a model's data())
    and after every signal it emits; the API's event loop gives it up at every socket call. Each time a busy
    worker may hold it for up to the switch interval (5 ms by default). 2,000 emits under two busy threads:
    620 ms at 5 ms, 240 ms at 2 ms, 57 ms at 0.5 ms; a scrape request of bench/api_load.py spent 25 ms instead
    of 63 in the server at the median, the event loop's p99 lag fell from 150 to 75 ms; a check of 1,000
    products is no slower for it.
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
