"""Exceptions of the task layer."""

from __future__ import annotations


class TaskCancelled(Exception):
    """A task noticed its cancel flag (``ctx.raise_if_cancelled()``); the task ends REVOKED, never retried."""

    def __init__(self, message: str = "cancelled") -> None:
        super().__init__(message)


class TaskSuperseded(TaskCancelled):
    """Another engine took the task over (this run's lease had lapsed): this run must not write its result."""

    def __init__(self, message: str = "taken over by another engine") -> None:
        super().__init__(message)


class EngineStopped(RuntimeError):
    """The task manager has shut down and does not run new work."""
