"""How much memory a block of code adds over the process's baseline: tracemalloc's peak of Python
allocations and the resident set size (psutil), sampled every few milliseconds by a watcher thread."""

from __future__ import annotations

import threading
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psutil

MB = 1_000_000


@dataclass
class MemoryUse:
    """Peaks over the baseline taken when the block started, in bytes."""

    python_peak: int = 0
    rss_peak: int = 0

    @property
    def worst_mb(self) -> float:
        return max(self.python_peak, self.rss_peak) / MB


@contextmanager
def memory_watch(interval: float = 0.002) -> Iterator[MemoryUse]:
    """Measure the block; the result is filled in when the block ends."""
    process = psutil.Process()
    use = MemoryUse()
    baseline_rss = process.memory_info().rss
    peak_rss = baseline_rss
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_rss
        while not stop.is_set():
            peak_rss = max(peak_rss, process.memory_info().rss)
            stop.wait(interval)

    started_tracing = not tracemalloc.is_tracing()
    if started_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    baseline_python = tracemalloc.get_traced_memory()[0]
    watcher = threading.Thread(target=sample, name="memory-watch", daemon=True)
    watcher.start()
    try:
        yield use
    finally:
        stop.set()
        watcher.join()
        peak_rss = max(peak_rss, process.memory_info().rss)
        use.python_peak = tracemalloc.get_traced_memory()[1] - baseline_python
        use.rss_peak = peak_rss - baseline_rss
        if started_tracing:
            tracemalloc.stop()
