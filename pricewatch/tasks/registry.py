"""The registry of named tasks: ``@task("scraping.scrape_product", queue="scraping")``.

Task functions take ``(ctx, **json_kwargs)`` and return something JSON-able; they know nothing of Qt, so any
executor (QThreadPool, inline, a Celery worker one day) can run them.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

QUEUES = ("default", "scraping", "notifications")

TaskFunction = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """A registered task: its stable name, function, queue and retry limit (None: settings.tasks).

    ``follow_ups``: the children it queues are follow-ups (a check's notifications), not the parts of a batch:
    the task ends with its own result at once and its children cannot make it fail.
    """

    name: str
    fn: Callable[..., Any]
    queue: str = "default"
    max_retries: int | None = None
    follow_ups: bool = False

    @property
    def description(self) -> str:
        doc = (self.fn.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""


_lock = threading.Lock()
_registry: dict[str, TaskSpec] = {}


def task(
    name: str, *, queue: str = "default", max_retries: int | None = None, follow_ups: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn(ctx, **kwargs)`` under ``name``; returns the function unchanged.

    Raises:
        ValueError: unknown queue, or the name is already taken by another function.
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r} (known: {', '.join(QUEUES)})")
    if max_retries is not None and max_retries < 0:
        raise ValueError("max_retries must be zero or more")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        spec = TaskSpec(name, fn, queue, max_retries, follow_ups)
        with _lock:
            old = _registry.get(name)
            # Re-importing a module (tests, reloads) registers the same function again: allowed.
            if old is not None and getattr(old.fn, "__qualname__", None) != getattr(fn, "__qualname__", None):
                raise ValueError(f"task name {name!r} is already registered to {old.fn!r}")
            _registry[name] = spec
        return fn

    return decorate


def lookup(name: str) -> TaskSpec:
    """The spec registered under ``name``; ValueError listing the known names otherwise."""
    spec = _registry.get(name)
    if spec is None:
        known = ", ".join(sorted(_registry)) or "none"
        raise ValueError(f"unknown task {name!r} (known tasks: {known})")
    return spec


def names() -> list[str]:
    return sorted(_registry)


def unregister(name: str) -> None:
    """Remove a task (tests register throw-away tasks and remove them afterwards)."""
    with _lock:
        _registry.pop(name, None)


@dataclass(frozen=True, slots=True)
class _Parameters:
    signature: inspect.Signature
    names: frozenset[str]  # what may be passed by name
    required: frozenset[str]  # what must be passed (a positional-only one can never be: always a problem)
    any_name: bool  # a **kwargs takes unknown names
    by_name_only: bool  # no positional-only parameter (which a name in **kwargs would not fill)
    usage: str


_BY_NAME = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


@functools.cache
def _parameters(fn: Callable[..., Any]) -> _Parameters | None:
    """What ``fn`` takes after the context (read once per function: ``inspect.signature`` costs more than
    the rest of a submit); None when it cannot be introspected."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params = list(signature.parameters.values())[1:]
    named = [p for p in params if p.kind is not p.VAR_KEYWORD]
    return _Parameters(
        signature=signature,
        names=frozenset(p.name for p in named if p.kind in _BY_NAME),
        required=frozenset(p.name for p in named if p.default is p.empty and p.kind is not p.VAR_POSITIONAL),
        any_name=len(named) < len(params),
        by_name_only=all(p.kind is not p.POSITIONAL_ONLY for p in named),
        usage=" ".join(f"{p.name}=VALUE" if p.default is p.empty else f"[{p.name}=VALUE]" for p in named),
    )


def check_arguments(name: str, kwargs: dict[str, Any]) -> None:
    """Raise ValueError when ``kwargs`` do not fit the task's function (unknown name, missing or extra keys).

    For callers that take arguments from a person (``pricewatch tasks run``): a usage error before anything
    is queued, instead of a FAILURE with a TypeError in the journal.
    """
    params = _parameters(lookup(name).fn)
    if params is None:
        return  # not introspectable: the call itself will tell
    given = kwargs.keys()
    if params.by_name_only and params.required <= given and (params.any_name or given <= params.names):
        return  # fits (the common case, decided without binding)
    problem = None
    unknown = sorted(given - params.names)
    if unknown and not params.any_name:
        problem = f"unknown argument{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
    else:
        try:
            params.signature.bind(None, **kwargs)  # None stands for the TaskContext
        except TypeError as exc:
            problem = str(exc)
    if problem:
        raise ValueError(f"{name}: {problem} (arguments: {params.usage or 'none'})")
