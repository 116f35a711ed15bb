"""What the coordinator and its workers agree on, and the Celery app built from it.

Queues are the engine's (``default``, ``scraping``, ``notifications``); page reads go to ``scraping``. Tasks
are acknowledged late and given back when a worker dies (``acks_late``, ``reject_on_worker_lost``), a worker
takes one message at a time per process slot (prefetch 1), and time limits follow the fetch deadline. With
RabbitMQ (``amqp://``) the queues are durable, quorum queues by default (``[tasks] queue_type``), and every
publish waits for the broker's confirm. With Redis, a message a dead worker held is delivered again after
``visibility_timeout``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pricewatch.tasks.registry import QUEUES

if TYPE_CHECKING:
    from celery import Celery

    from pricewatch.config import Settings

READ_PAGE = "pricewatch.read_page"  # the Celery task's stable name
PAGE_QUEUE = "scraping"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
EXTRACT_ALLOWANCE = (
    10.0  # seconds a read may take beyond the fetch deadline (extraction) before the soft limit
)
HARD_MARGIN = 5.0  # seconds from the soft time limit to the hard one
BACKEND_CLASS = "pricewatch.tasks.celery.backend:CollectedRedisBackend"


def is_amqp(url: str) -> bool:
    return url.split("://", 1)[0].lower() in ("amqp", "amqps", "pyamqp")


def masked(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for status lines and logs)."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", url)


@dataclass(frozen=True, slots=True)
class CeleryConfig:
    """The Celery side of ``[tasks]``.

    Attributes:
        broker_url: Redis (``redis://``) or RabbitMQ (``amqp://``).
        result_backend: Redis: results, and the per-host politeness all workers share.
        queue_type: ``quorum`` or ``classic`` (RabbitMQ only; both durable).
        fetch_deadline: the fetch deadline (``[fetch] deadline``): time limits follow it.
        pickup_seconds: how long a check waits for a worker while no worker takes anything.
        redelivery_seconds: a Redis broker's visibility timeout (None: after the hard time limit).
    """

    broker_url: str = DEFAULT_REDIS
    result_backend: str = ""
    queue_type: str = "quorum"
    fetch_deadline: float = 60.0
    pickup_seconds: float = 10.0
    redelivery_seconds: float | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> CeleryConfig:
        tasks = settings.tasks
        values: dict[str, Any] = {
            "broker_url": tasks.broker_url,
            "result_backend": tasks.result_backend,
            "queue_type": tasks.queue_type,
            "fetch_deadline": settings.fetch.deadline,
            "pickup_seconds": tasks.celery_pickup_seconds,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def amqp(self) -> bool:
        return is_amqp(self.broker_url)

    @property
    def redis_url(self) -> str:
        """The Redis for results and politeness: the setting, else the broker when it is Redis."""
        if self.result_backend:
            return self.result_backend
        return DEFAULT_REDIS if self.amqp else self.broker_url

    @property
    def soft_time_limit(self) -> float:
        return self.fetch_deadline + EXTRACT_ALLOWANCE

    @property
    def time_limit(self) -> float:
        return self.soft_time_limit + HARD_MARGIN

    @property
    def visibility_timeout(self) -> float:
        """Seconds before a Redis broker gives a message a dead worker held to another worker."""
        if self.redelivery_seconds is not None:
            return max(1.0, self.redelivery_seconds)
        return self.time_limit + HARD_MARGIN

    def app(self) -> Celery:
        """A Celery app for these settings (imports Celery)."""
        from celery import Celery
        from kombu.entity import Exchange, Queue

        app = Celery("pricewatch", set_as_current=False)
        queue_args = {"x-queue-type": self.queue_type} if self.amqp else None
        queues = [
            Queue(name, Exchange(name, type="direct", durable=True), routing_key=name,  # type: ignore[no-untyped-call]
                  durable=True, queue_arguments=queue_args)
            for name in QUEUES
        ]  # fmt: skip
        transport: dict[str, Any] = {}
        if self.amqp:
            transport["confirm_publish"] = True  # a publish returns once RabbitMQ holds the message
        else:
            visibility = self.visibility_timeout
            transport.update(
                visibility_timeout=visibility,
                # Look for messages of dead workers often enough that "delivered again after the visibility
                # timeout" holds within a tenth of it (kombu's default looks every 100 s).
                unacked_restore_interval=max(1, int(visibility / 10)),
                unacked_restore_throttle=1,
                socket_connect_timeout=2,
                socket_timeout=10,
            )
        app.conf.update(
            broker_url=self.broker_url,
            result_backend=f"{BACKEND_CLASS}+{self.redis_url}",
            broker_transport_options=transport,
            broker_connection_timeout=2,
            broker_connection_retry_on_startup=True,
            broker_pool_limit=64,
            redis_socket_connect_timeout=2,
            redis_socket_timeout=10,
            redis_retry_on_timeout=False,
            result_backend_always_retry=False,
            task_serializer="json",
            result_serializer="json",
            accept_content=["json"],
            task_queues=queues,
            task_default_queue=PAGE_QUEUE,
            task_routes={READ_PAGE: {"queue": PAGE_QUEUE, "routing_key": PAGE_QUEUE}},
            task_acks_late=True,
            task_reject_on_worker_lost=True,
            task_track_started=True,
            task_soft_time_limit=self.soft_time_limit,
            task_time_limit=self.time_limit,
            task_publish_retry=False,  # the coordinator reads locally instead of waiting for a broker
            worker_prefetch_multiplier=1,
            worker_cancel_long_running_tasks_on_connection_loss=True,
            result_expires=3600,
            enable_utc=True,
        )
        return app
