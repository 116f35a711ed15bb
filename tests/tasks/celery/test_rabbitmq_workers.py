"""The same checks with RabbitMQ as the broker (a real rabbitmq-server; results and politeness in Redis).

The 200-check flow uses quorum queues (the default), the worker kill classic durable queues: RabbitMQ gives a
killed consumer's unacknowledged messages to another at once, with both.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from pricewatch.models import TaskState, utcnow
from tests.support.brokers import RabbitServer, RedisServer, WorkerFactory
from tests.support.coordinator import add_products, celery_app, history_counts, reprice, run_batch, wait_until
from tests.support.pageserver import PageServer

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


def test_200_checks_on_two_workers_through_rabbitmq_quorum_queues(
    rabbit_server: RabbitServer, redis_server: RedisServer, start_workers: WorkerFactory,
    page_server: PageServer,
) -> None:  # fmt: skip
    broker, backend = rabbit_server.url(), redis_server.url(1)
    w1, w2 = start_workers(broker, backend, "r1", "r2", concurrency=4)
    app = celery_app(broker, backend, per_host_concurrency=3)
    try:
        ids = add_products(app, page_server, 200, "12.00", delay=0.01)
        app.start(scheduler=False)
        batch, children = run_batch(app, ids)
        status = app.executor_status()["celery"]
    finally:
        app.close()
    assert batch.state is TaskState.SUCCESS and batch.result["succeeded"] == 200, batch.result
    assert set(Counter(c.worker for c in children)) == {w1.name, w2.name}
    assert history_counts(app, ids) == {pid: [Decimal("12.00")] for pid in ids}
    assert [page_server.hits(f"/item{i}") for i in range(200)] == [1] * 200
    assert page_server.peak_concurrency() <= 3
    assert status["state"] == "workers" and status["queue_type"] == "quorum" and status["fell_back"] == 0
    types = rabbit_server.queue_types()
    assert {q: types.get(q) for q in ("default", "scraping", "notifications")} == dict.fromkeys(
        ("default", "scraping", "notifications"), "quorum"
    )


def test_a_killed_worker_s_reads_go_to_the_other_at_once_with_rabbitmq(
    rabbit_server: RabbitServer, redis_server: RedisServer, start_workers: WorkerFactory,
    page_server: PageServer,
) -> None:  # fmt: skip
    # Classic queues by the engine's names live in a virtual host of their own (the quorum ones are taken).
    broker, backend = rabbit_server.add_vhost("classic"), redis_server.url(2)
    doomed, survivor = start_workers(broker, backend, "rdoomed", "rsurvivor", concurrency=4,
                                     queue_type="classic")  # fmt: skip
    app = celery_app(broker, backend, pickup_seconds=20)
    app.settings.tasks.queue_type = "classic"
    count = 60
    try:
        ids = add_products(app, page_server, count, "10.00", target="9.00", prefix="/r")
        app.start(scheduler=False)
        first, _ = run_batch(app, ids)
        assert first.state is TaskState.SUCCESS and first.result["succeeded"] == count

        reprice(page_server, count, "8.50", delay=0.4, prefix="/r")
        batch_id = app.check_prices(product_ids=ids)
        wait_until(lambda: page_server.hits() >= count + 12, 30, "the second round to be under way")
        doomed.kill()
        killed_at = utcnow()
        batch = app.wait_for_task(batch_id, timeout=60)
        children = app.task_children(batch_id)
    finally:
        app.close()
    assert batch.state is TaskState.SUCCESS and batch.result["succeeded"] == count, batch.result
    read_twice = [i for i in range(count) if page_server.hits(f"/r{i}") > 2]
    assert read_twice, "the kill found no read in flight"
    workers = {c.kwargs["product_id"]: c.worker for c in children}
    assert {workers[ids[i]] for i in read_twice} <= {doomed.name, survivor.name}
    assert any(c.worker == survivor.name and c.finished_at and c.finished_at > killed_at for c in children)
    assert history_counts(app, ids) == {pid: [Decimal("10.00"), Decimal("8.50")] for pid in ids}
    assert Counter(n.product_id for n in app.list_notifications(limit=1000)) == dict.fromkeys(ids, 1)
    assert rabbit_server.queue_types("classic")["scraping"] == "classic"
