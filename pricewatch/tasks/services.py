"""The services a task may use, as the engine sees them: the facade provides them, tasks never import it.

A Celery worker or a test can hand the engine any object with these members; a fetch-and-extract task needs
only ``fetcher`` and ``extractor``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pricewatch.cache import CacheBackend
    from pricewatch.config import Paths, Settings
    from pricewatch.models import Product
    from pricewatch.notify.notifier import Notifier
    from pricewatch.scraping.fetch import Fetcher
    from pricewatch.scraping.fetch_modes import PageModes
    from pricewatch.scraping.pool import ExtractionPool
    from pricewatch.storage import (
        CheckOutcome,
        Database,
        NotificationRepository,
        ObservationRepository,
        ProductRepository,
        TaskRepository,
    )


class TaskServices(Protocol):
    """What task functions reach through ``ctx.services`` and the engine reads its settings from."""

    settings: Settings
    paths: Paths
    db: Database
    products: ProductRepository
    observations: ObservationRepository
    task_records: TaskRepository
    notification_records: NotificationRepository

    @property
    def fetcher(self) -> Fetcher: ...

    @property
    def extractor(self) -> ExtractionPool: ...

    @property
    def modes(self) -> PageModes:
        """Reads a page in a fetch mode (plain, browser, auto) and extracts it."""
        ...

    @property
    def notifier(self) -> Notifier: ...

    @property
    def cache(self) -> CacheBackend: ...

    def list_products(self, search: str | None = None) -> list[Product]: ...

    def evaluate_alerts(self, outcome: CheckOutcome) -> list[dict[str, Any]]:
        """Run the product's alert rules over a stored check; returns the notifications to send."""
        ...
