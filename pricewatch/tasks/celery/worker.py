"""``pricewatch worker``: a Celery worker that reads pages for a coordinator (no data folder needed).

It consumes the engine's queues and runs ``pricewatch.read_page``: fetch and extract one page with the
coordinator's fetch settings, per-host politeness shared through Redis with every other worker, and return
JSON. It stores nothing. Run as many as you like, on any machine that reaches the broker and the Redis.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from pricewatch.tasks.celery.config import READ_PAGE, CeleryConfig
from pricewatch.tasks.celery.pages import read_page_json
from pricewatch.tasks.registry import QUEUES

if TYPE_CHECKING:
    from celery import Celery

    from pricewatch.scraping.fetch import Fetcher, FetchSettings

log = logging.getLogger(__name__)

SLOT_MARGIN = 30.0  # seconds a politeness slot outlives the fetch deadline (a dead worker's slot frees then)


class PageFetchers:
    """One fetcher per set of fetch settings (coordinators may differ), sharing one politeness store."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self._fetchers: dict[FetchSettings, Fetcher] = {}
        self._lock = threading.Lock()
        self._client: Any = None

    def __call__(self, settings: FetchSettings) -> Fetcher:
        with self._lock:
            fetcher = self._fetchers.get(settings)
            if fetcher is None:
                import redis

                from pricewatch.scraping.fetch import Fetcher
                from pricewatch.scraping.shared_gate import RedisHostGate

                if self._client is None:
                    self._client = redis.Redis.from_url(
                        self.redis_url, socket_connect_timeout=2.0, socket_timeout=10.0
                    )
                gate = RedisHostGate(
                    self._client, settings.per_host_concurrency, settings.per_host_delay,
                    slot_seconds=settings.deadline + SLOT_MARGIN,
                )  # fmt: skip
                fetcher = self._fetchers[settings] = Fetcher(settings, gate=gate)
            return fetcher

    def close(self) -> None:
        with self._lock:
            for fetcher in self._fetchers.values():
                fetcher.close()
            self._fetchers.clear()


def worker_app(config: CeleryConfig) -> Celery:
    """The Celery app with the page-reading task registered."""
    app = config.app()
    fetchers = PageFetchers(config.redis_url)

    @app.task(name=READ_PAGE, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=0)  # type: ignore[untyped-decorator]
    def read_page(self: Any, request: dict[str, Any]) -> dict[str, Any]:
        return read_page_json(request, fetchers, worker=str(self.request.hostname or ""))

    app.pricewatch_fetchers = fetchers
    return app


def run_worker(
    config: CeleryConfig,
    *,
    concurrency: int = 8,
    pool: str = "threads",
    hostname: str | None = None,
    loglevel: str = "INFO",
    queues: tuple[str, ...] = QUEUES,
) -> int:
    """Run a worker in this process until it is stopped (Ctrl+C, SIGTERM); returns its exit code."""
    app = worker_app(config)
    argv = ["worker", f"--concurrency={concurrency}", f"--pool={pool}", f"--loglevel={loglevel}",
            f"--queues={','.join(queues)}", "--without-mingle"]  # fmt: skip
    if hostname:
        argv.append(f"--hostname={hostname}")
    try:
        app.worker_main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    finally:
        app.pricewatch_fetchers.close()
    return 0
