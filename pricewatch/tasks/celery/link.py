"""The coordinator's line to its workers: send page reads, collect their answers, know when to read locally.

States: ``starting`` (nothing known yet: the first read probes), ``workers`` (reads go to workers) and
``local`` (the broker or the result store cannot be reached, or no worker takes anything: reads run in this
process; a probe every few seconds turns it back to ``workers`` once the broker answers and a worker replies
to a ping).

One collector thread reads the results of every read in flight with one ``MGET`` a poll, so a thousand
waiting checks cost one round trip, not a thousand subscriptions. A read nobody took is given up after
``pickup_seconds`` when no worker has taken anything in that time (and revoked; its message also expires),
a read a worker took is given up after the time a worker may hold it (time limit and redelivery); the check
then reads locally. An answer that arrives after that is dropped: the check has its reading already.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pricewatch.errors import CancelledError
from pricewatch.models import utcnow
from pricewatch.tasks.celery.config import PAGE_QUEUE, READ_PAGE, CeleryConfig, masked

log = logging.getLogger(__name__)

POLL = 0.02  # seconds between looks at the results in flight
PROBE_INTERVAL = 2.0  # seconds between probes while reading locally
PING_TIMEOUT = 1.0  # seconds a probe waits for workers to answer a ping
SEEN_FOR = 60.0  # seconds a worker counts as present after it last took or finished something


class WorkersUnavailable(Exception):
    """No worker can read this page now (broker down, nobody takes it, gave up): read it locally."""


@dataclass(slots=True)
class _Pending:
    task_id: str
    sent_at: float
    key: bytes | None = None  # its result's key (set by the collector, whose backend knows the prefix)
    done: threading.Event = field(default_factory=threading.Event)
    started_at: float | None = None
    worker: str | None = None
    answer: dict[str, Any] | None = None
    error: Exception | None = None

    def finish(self, answer: dict[str, Any] | None = None, error: Exception | None = None) -> None:
        if not self.done.is_set():
            self.answer, self.error = answer, error
            self.done.set()


class CeleryLink:
    """Thread-safe; built by the facade for ``executor = "celery"``, closed with it."""

    def __init__(self, config: CeleryConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self._clock = clock
        self._app: Any = None
        self._lock = threading.Lock()
        self._pending: dict[str, _Pending] = {}
        self._wake = threading.Condition(self._lock)
        self._state = "starting"
        self._reason = "not probed yet"
        self._since = utcnow()
        self._last_progress = clock()
        self._workers: dict[str, float] = {}  # name -> when last seen taking or finishing a read
        self._counts = {"sent": 0, "answered": 0, "fell_back": 0}
        self._collector: threading.Thread | None = None
        self._prober: threading.Thread | None = None
        self._probe_lock = threading.Lock()
        self._closed = threading.Event()

    # -- the Celery app --------------------------------------------------------------------------------------
    @property
    def app(self) -> Any:
        with self._lock:
            if self._app is None:
                self._app = self.config.app()
            return self._app

    # -- state -----------------------------------------------------------------------------------------------
    def available(self) -> bool:
        """Whether reads go to workers now; the first call probes (a second at most)."""
        if self._state == "starting":
            with self._probe_lock:
                if self._state == "starting":
                    self._apply_probe(self.probe())
        return self._state == "workers" and not self._closed.is_set()

    def _set_state(self, state: str, reason: str) -> None:
        with self._lock:
            if state == self._state and reason == self._reason:
                return
            changed = state != self._state
            self._state, self._reason = state, reason
            if changed:
                self._since = utcnow()
                self._last_progress = self._clock()
        if changed:
            log.warning("celery: %s (%s)", "checks read on workers" if state == "workers" else
                        "checks read locally", reason)  # fmt: skip
        if state == "local":
            self._start_prober()

    def _apply_probe(self, probe: dict[str, Any]) -> None:
        if probe["workers"]:
            self._set_state("workers", f"{len(probe['workers'])} worker(s) answering")
            for name in probe["workers"]:
                self._seen(name)
        else:
            self._set_state("local", probe["problem"] or "no worker answering")

    def refresh(self) -> dict[str, Any]:
        """Probe now and go by the answer (workers or local); returns the probe's facts."""
        with self._probe_lock:
            facts = self.probe()
            self._apply_probe(facts)
        return facts

    def probe(self) -> dict[str, Any]:
        """Ask the broker, the result store and the workers (a ping): the facts ``status`` prints."""
        facts: dict[str, Any] = {"broker_reachable": False, "result_backend_reachable": False,
                                 "workers": [], "problem": None}  # fmt: skip
        try:
            with self.app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            facts["broker_reachable"] = True
        except Exception as exc:
            facts["problem"] = f"broker {masked(self.config.broker_url)} unreachable: {_short(exc)}"
        try:
            self.app.backend.client.ping()
            facts["result_backend_reachable"] = True
        except Exception as exc:
            facts["problem"] = facts["problem"] or (
                f"result store {masked(self.config.redis_url)} unreachable: {_short(exc)}"
            )
        if facts["problem"]:
            return facts
        try:
            replies = self.app.control.ping(timeout=PING_TIMEOUT) or []
        except Exception as exc:
            facts["problem"] = f"could not ping the workers: {_short(exc)}"
            return facts
        facts["workers"] = sorted(name for reply in replies for name in reply)
        if not facts["workers"]:
            facts["problem"] = "no worker answering"
        return facts

    def _start_prober(self) -> None:
        with self._lock:
            if self._prober is not None and self._prober.is_alive():
                return
            self._prober = threading.Thread(
                target=self._probe_loop, name="pricewatch-celery-probe", daemon=True
            )
            self._prober.start()

    def _probe_loop(self) -> None:
        while not self._closed.wait(PROBE_INTERVAL):
            if self._state != "local":
                return
            try:
                with self._probe_lock:
                    self._apply_probe(self.probe())
            except Exception:
                log.exception("celery probe failed")
            if self._state == "workers":
                return

    def _seen(self, worker: str) -> None:
        with self._lock:
            self._workers[worker] = self._clock()
            self._last_progress = self._clock()

    def status(self) -> dict[str, Any]:
        """What the status bar and ``pricewatch status`` show about the workers."""
        now = self._clock()
        with self._lock:
            return {
                "state": self._state,
                "reason": self._reason,
                "since": self._since.isoformat(),
                "broker": masked(self.config.broker_url),
                "result_backend": masked(self.config.redis_url),
                "queue_type": self.config.queue_type if self.config.amqp else None,
                "in_flight": len(self._pending),  # reads on workers now
                # sent: reads sent; answered: read on a worker; fell_back: read here (workers unavailable)
                "workers": sorted(n for n, t in self._workers.items() if now - t < SEEN_FOR),
                **self._counts,
            }

    # -- reads -----------------------------------------------------------------------------------------------
    def read(self, request: dict[str, Any], cancel: threading.Event) -> dict[str, Any]:
        """Send one read to the workers and wait for its answer (JSON).

        Raises:
            WorkersUnavailable: read it locally instead (the reason is the message).
            CancelledError: ``cancel`` was set (the sent read is revoked).
        """
        if not self.available():
            self._count("fell_back")
            raise WorkersUnavailable(self._reason)
        task_id = uuid.uuid4().hex
        app = self.app
        pending = _Pending(task_id, self._clock())
        expires = utcnow() + timedelta(seconds=self.config.pickup_seconds + self.config.time_limit)
        with self._lock:
            self._pending[task_id] = pending
        try:
            app.send_task(
                READ_PAGE, args=[request], task_id=task_id, queue=PAGE_QUEUE, routing_key=PAGE_QUEUE,
                expires=expires, retry=False,
            )  # fmt: skip
        except Exception as exc:
            with self._lock:
                self._pending.pop(task_id, None)
            self._set_state("local", f"broker {masked(self.config.broker_url)} unreachable: {_short(exc)}")
            self._count("fell_back")
            raise WorkersUnavailable(self._reason) from exc
        self._count("sent")
        self._ensure_collector()
        with self._wake:
            self._wake.notify()
        try:
            while not pending.done.wait(0.1):
                if cancel.is_set():
                    self._revoke([task_id])
                    raise CancelledError()
        finally:
            with self._lock:
                self._pending.pop(task_id, None)
        if pending.error is not None:
            self._count("fell_back")
            raise pending.error
        assert pending.answer is not None
        self._count("answered")
        return pending.answer

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def _revoke(self, task_ids: list[str]) -> None:
        if not task_ids:
            return
        try:
            self.app.control.revoke(task_ids)
        except Exception:
            log.debug("could not revoke %d reads", len(task_ids), exc_info=True)

    # -- collecting ------------------------------------------------------------------------------------------
    def _ensure_collector(self) -> None:
        with self._lock:
            if self._collector is not None and self._collector.is_alive():
                return
            self._collector = threading.Thread(target=self._collect_loop, name="pricewatch-celery-results",
                                               daemon=True)  # fmt: skip
            self._collector.start()

    def _collect_loop(self) -> None:
        backend = self.app.backend
        while not self._closed.is_set():
            with self._wake:
                if not self._pending:
                    self._wake.wait(1.0)
                    continue
                waiting = [p for p in self._pending.values() if not p.done.is_set()]
            for p in waiting:
                if p.key is None:
                    p.key = backend.get_key_for_task(p.task_id)
            try:
                raw = backend.client.mget([p.key for p in waiting]) if waiting else []
            except Exception as exc:
                reason = f"result store {masked(self.config.redis_url)} unreachable: {_short(exc)}"
                self._set_state("local", reason)
                for p in waiting:
                    p.finish(error=WorkersUnavailable(reason))
                continue
            finished: list[bytes] = []
            for p, value in zip(waiting, raw, strict=True):
                if value is not None and self._take(p, backend.decode_result(value)) and p.key:
                    finished.append(p.key)
            self._give_up_late(waiting)
            if finished:
                try:
                    backend.client.delete(*finished)  # read once: Redis need not keep it for an hour
                except Exception:
                    log.debug("could not delete %d results", len(finished), exc_info=True)
            self._closed.wait(POLL)

    def _take(self, pending: _Pending, meta: dict[str, Any]) -> bool:
        """Apply one result row; True when the read is over."""
        status = meta.get("status")
        result = meta.get("result")
        if status == "STARTED":
            if pending.started_at is None:
                pending.started_at = self._clock()
                pending.worker = str((result or {}).get("hostname") or meta.get("worker") or "") or None
                if pending.worker:
                    self._seen(pending.worker)
            return False
        if status == "SUCCESS" and isinstance(result, dict):
            worker = str(result.get("worker") or pending.worker or "")
            if worker:
                self._seen(worker)
            pending.finish(answer=result)
            return True
        if status in ("FAILURE", "REVOKED"):
            message = str((result or {}).get("exc_message") or result or status)[:500]
            pending.finish(error=WorkersUnavailable(f"the worker could not read it ({status}: {message})"))
            return True
        return False  # PENDING, RETRY, RECEIVED: still on its way

    def _give_up_late(self, waiting: list[_Pending]) -> None:
        now = self._clock()
        config = self.config
        idle = now - self._last_progress > config.pickup_seconds
        held_for = (
            config.time_limit + (0.0 if config.amqp else config.visibility_timeout) + config.pickup_seconds
        )
        untaken: list[_Pending] = []
        for p in waiting:
            if p.done.is_set():
                continue
            if p.started_at is None:
                age = now - p.sent_at
                if (age > config.pickup_seconds and idle) or age > config.pickup_seconds + config.time_limit:
                    untaken.append(p)
            elif now - p.started_at > held_for:
                p.finish(error=WorkersUnavailable(f"{p.worker or 'a worker'} held the read too long"))
        if untaken:
            if idle:
                self._set_state("local", "no worker answering")
            self._revoke([p.task_id for p in untaken])
            for p in untaken:
                p.finish(error=WorkersUnavailable("no worker took the read in time"))

    def close(self) -> None:
        self._closed.set()
        with self._wake:
            self._wake.notify_all()
        for thread in (self._collector, self._prober):
            if thread is not None and thread is not threading.current_thread():
                thread.join(2.0)
        with self._lock:
            for p in self._pending.values():
                p.finish(error=WorkersUnavailable("shutting down"))
        if self._app is not None:
            try:
                self._app.close()
            except Exception:
                log.debug("closing the Celery app failed", exc_info=True)


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())[:200]
