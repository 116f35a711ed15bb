"""Real servers for the Celery tests: redis-server and rabbitmq-server (started once per module), workers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.brokers import RabbitServer, RedisServer, ServerUnavailable, Worker, WorkerFactory

pytestmark = pytest.mark.slow


def _started(server: RedisServer | RabbitServer) -> RedisServer | RabbitServer:
    try:
        return server.start()
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)  # a missing broker fails loudly; it is never a skip


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    try:
        server = RedisServer(tmp_path_factory.mktemp("redis"))
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    _started(server)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def rabbit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitServer]:
    try:
        server = RabbitServer(tmp_path_factory.mktemp("rabbit"))
    except ServerUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    _started(server)
    yield server
    server.stop()


@pytest.fixture
def start_workers(tmp_path: Path) -> Iterator[WorkerFactory]:
    """``start_workers(broker, backend, "w1", "w2", **options)``: workers started together, stopped after."""
    started: list[Worker] = []

    def start(broker: str, backend: str, *names: str, **options: object) -> list[Worker]:
        workers = [Worker(tmp_path / "workers", name, broker, backend, **options) for name in names]  # type: ignore[arg-type]
        for worker in workers:
            started.append(worker.start(wait=False))
        for worker in workers:
            worker.wait_ready()
        return workers

    yield start
    for worker in started:
        worker.stop()
