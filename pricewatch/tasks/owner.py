"""Who owns an unfinished task row, and whether that owner still lives.

Every TaskManager has an owner id ``BOOT/PID/START/TOKEN``: the host's boot id, the process id, the process
start time (so a recycled pid does not count as the same process) and a random token (several managers can
live one after another in one process: tests, the window re-opening a database). A row the manager queued or
runs carries its id and a lease time that the manager renews every heartbeat while it lives (:class:`Lease`:
settings ``[tasks] lease_seconds`` and ``heartbeat_seconds``; the environment variables
``PRICEWATCH_TASK_LEASE`` and ``PRICEWATCH_TASK_HEARTBEAT`` override them, for tests).

An owner is alive when:
- it is a manager of this process that has not shut down (the registry below);
- it ran on this boot of this host (and container): its pid exists and that process started at the
  recorded time;
- otherwise (another host, an earlier boot): its lease has not expired.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from pricewatch.config import HEARTBEAT_SHARE, TaskOptions

log = logging.getLogger(__name__)

LEASE_ENV = "PRICEWATCH_TASK_LEASE"
HEARTBEAT_ENV = "PRICEWATCH_TASK_HEARTBEAT"
_DEFAULTS = TaskOptions()


@dataclass(frozen=True, slots=True)
class Lease:
    """How long a manager's hold on its rows lasts unrenewed (``seconds``), and how often it renews it."""

    seconds: float = _DEFAULTS.lease_seconds
    heartbeat: float = _DEFAULTS.heartbeat_seconds

    @classmethod
    def from_settings(cls, options: TaskOptions, env: Mapping[str, str] = os.environ) -> Lease:
        """The settings' lease and heartbeat, each overridden by its environment variable when set."""
        seconds = _env_seconds(env, LEASE_ENV, options.lease_seconds)
        heartbeat = _env_seconds(env, HEARTBEAT_ENV, options.heartbeat_seconds)
        if heartbeat * HEARTBEAT_SHARE > seconds:  # a settings file is checked; an override may still clash
            log.warning("task heartbeat %gs is too long for a %gs lease; using %gs", heartbeat, seconds,
                        seconds / HEARTBEAT_SHARE)  # fmt: skip
            heartbeat = seconds / HEARTBEAT_SHARE
        return cls(seconds, heartbeat)

    def until(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.seconds)


def _env_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        log.warning("%s=%r is not a positive number of seconds; using %g", name, text, default)
        return default
    return value


_live: set[str] = set()
_live_lock = threading.Lock()


@cache
def boot_id() -> str:
    """This boot of this host: the Linux boot id (elsewhere the boot time) and the host name.

    The host name too, because containers share the kernel's boot id but not their pid namespaces: a pid
    seen from another container says nothing, so such owners are judged by their lease.
    """
    import socket

    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as file:
            boot = file.read().strip()
    except OSError:
        import psutil  # type: ignore[import-untyped]

        boot = str(int(psutil.boot_time()))
    return f"{boot}@{socket.gethostname()}".replace("/", "-")


def _start_time(pid: int) -> str | None:
    """When the process started, as recorded in owner ids (None when there is no such process).

    On Linux: clock ticks since boot (``/proc/PID/stat``), which no change of the wall clock moves; psutil's
    create_time is boot time by the wall clock plus those ticks, so an NTP step or a manual clock change
    would make a live owner look dead and its tasks run twice. Elsewhere psutil's create_time.
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            fields = file.read().rpartition(b")")[2].split()
        if fields[0] == b"Z":
            return None  # dead, only not reaped yet by its parent
        return f"t{int(fields[19])}"  # field 22 of stat: starttime
    except FileNotFoundError:
        return None
    except (OSError, IndexError, ValueError):
        pass
    return _create_time(pid)


def _create_time(pid: int) -> str | None:
    import psutil

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return f"{process.create_time():.2f}"
    except (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError, PermissionError):
        return None


def new_owner() -> str:
    """A fresh owner id for a manager of this process, registered as alive."""
    pid = os.getpid()
    owner = f"{boot_id()}/{pid}/{_start_time(pid) or 0}/{os.urandom(6).hex()}"
    with _live_lock:
        _live.add(owner)
    return owner


@cache
def process_owner() -> str:
    """One owner id for this whole process, alive until it exits (for claims that are not a manager's)."""
    return new_owner()


def retire(owner: str) -> None:
    """The manager shut down: its rows may be taken over by the next one."""
    with _live_lock:
        _live.discard(owner)


def lease_until(now: datetime, lease: Lease | None = None) -> datetime:
    return (lease or Lease()).until(now)


def is_alive(owner: str | None, lease: datetime | None, now: datetime) -> bool:
    """Whether the owner of a row may still run it (None: the row was handed back, anyone may)."""
    if not owner:
        return False
    with _live_lock:
        if owner in _live:
            return True
    parts = owner.split("/")
    if len(parts) != 4 or not parts[1].isdigit():
        return lease is not None and lease > now
    boot, pid_text, started, _ = parts
    if boot != boot_id():
        return lease is not None and lease > now
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # our own process, but not a live manager of it (the registry said no)
    if not started.startswith("t"):  # an owner id written by a PriceWatch that recorded create_time
        return _create_time(pid) == started
    return _start_time(pid) == started
