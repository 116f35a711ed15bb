"""Checks read on real ``pricewatch worker`` processes through a real redis-server (broker and results).

The coordinator is a PriceWatch with ``executor = "celery"``; the shop is the local page server. Each test
asserts what a user would see: every product's reading stored once, the task table naming the worker that
read each page, no price change or alert twice after a worker is killed, and checks reading locally while
Redis is down, then on the workers again.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from pricewatch import cli
from pricewatch.models import TaskState, utcnow
from tests.support.brokers import RedisServer, WorkerFactory
from tests.support.coordinator import (
    add_products,
    celery_app,
    history_counts,
    reprice,
    run_batch,
    shop_page,
    wait_until,
)
from tests.support.pageserver import PageServer, Reply

pytestmark = [pytest.mark.slow, pytest.mark.timeout(150)]


def test_200_checks_on_two_workers_each_stored_once_with_its_worker(
    redis_server: RedisServer, start_workers: WorkerFactory, page_server: PageServer,
    capsys: pytest.CaptureFixture[str], tmp_path: Path,
) -> None:  # fmt: skip
    url = redis_server.url()
    w1, w2 = start_workers(url, url, "w1", "w2", concurrency=4)
    app = celery_app(url, url, per_host_concurrency=3, save=True)
    try:
        ids = add_products(app, page_server, 200, "10.00", delay=0.01)
        app.start(scheduler=False)
        batch, children = run_batch(app, ids)
        assert batch.state is TaskState.SUCCESS and batch.result["succeeded"] == 200, batch.result
        assert len(children) == 200 and all(c.state is TaskState.SUCCESS for c in children)
        by_worker = Counter(c.worker for c in children)
        assert set(by_worker) == {w1.name, w2.name}, by_worker  # both took reads; none read locally
        assert all(c.result["worker"] == c.worker for c in children)
        assert history_counts(app, ids) == {pid: [Decimal("10.00")] for pid in ids}
        assert [page_server.hits(f"/item{i}") for i in range(200)] == [1] * 200  # each page read once
        # Politeness holds across the workers: 2 x 4 threads, never more than 3 requests at the shop at once.
        assert page_server.peak_concurrency() <= 3
        status = app.executor_status()["celery"]
        assert status["state"] == "workers" and status["answered"] == 200 and status["fell_back"] == 0
    finally:
        app.close()
    assert not w1.home.exists()  # the workers needed no data folder

    # `pricewatch tasks` shows Celery-run checks like local ones, with their worker.
    assert cli.main(["tasks", "--name", "price_tracking.check_product_price", "--limit", "300"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split()[-2:] == ["WORKER", "ERROR"] or "WORKER" in table.splitlines()[0]
    assert table.count(w1.name) + table.count(w2.name) == 200
    assert cli.main(["tasks", "--json", "--limit", "1", "--name", "price_tracking.check_product_price"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["worker"] in (w1.name, w2.name)


def test_a_killed_worker_s_reads_are_delivered_again_and_nothing_is_stored_twice(
    redis_server: RedisServer, start_workers: WorkerFactory, page_server: PageServer
) -> None:
    url = redis_server.url()
    doomed, survivor = start_workers(url, url, "doomed", "survivor", concurrency=4, redelivery_seconds=5)
    app = celery_app(url, url, pickup_seconds=20)
    count = 60
    try:
        ids = add_products(app, page_server, count, "10.00", target="9.00")
        app.start(scheduler=False)
        first, _ = run_batch(app, ids)
        assert first.state is TaskState.SUCCESS and first.result["succeeded"] == count
        assert app.list_notifications() == []  # 10.00 is above every target

        reprice(page_server, count, "8.50", delay=0.4)  # slow pages: the kill finds reads in flight
        batch_id = app.check_prices(product_ids=ids)
        wait_until(lambda: page_server.hits() >= count + 12, 30, "the second round to be under way")
        doomed.kill()
        killed_at = utcnow()
        batch = app.wait_for_task(batch_id, timeout=90)
        children = app.task_children(batch_id)
    finally:
        app.close()
    assert batch.state is TaskState.SUCCESS and batch.result["succeeded"] == count, batch.result
    assert all(c.state is TaskState.SUCCESS for c in children)
    # The pages the killed worker was reading were asked again: its reads were delivered again, and every one
    # finished on a worker. (A read the worker finished just before the kill but had not acknowledged comes
    # again too; its second answer is dropped. Redis also gives back a message a busy worker holds longer than
    # the redelivery time: work done twice, never a reading stored twice.)
    read_twice = [i for i in range(count) if page_server.hits(f"/item{i}") > 2]
    assert read_twice, "the kill found no read in flight"
    workers = {c.kwargs["product_id"]: c.worker for c in children}
    assert {workers[ids[i]] for i in read_twice} <= {doomed.name, survivor.name}
    assert any(c.worker == survivor.name and c.finished_at and c.finished_at > killed_at for c in children)
    # ... yet each price change is stored once and each alert fires once.
    assert history_counts(app, ids) == {pid: [Decimal("10.00"), Decimal("8.50")] for pid in ids}
    fired = Counter(n.product_id for n in app.list_notifications(limit=1000))
    assert fired == dict.fromkeys(ids, 1)


def test_checks_read_locally_while_redis_is_down_and_on_workers_once_it_is_back(
    tmp_path: Path, start_workers: WorkerFactory, page_server: PageServer, capsys: pytest.CaptureFixture[str]
) -> None:
    redis = RedisServer(tmp_path / "own-redis").start()  # its own: this test stops it
    url = redis.url()
    (worker,) = start_workers(url, url, "w1", concurrency=4)
    app = celery_app(url, url, pickup_seconds=2, save=True)
    count = 80
    try:
        ids = add_products(app, page_server, count, "10.00", delay=0.1)
        app.start(scheduler=False)
        batch_id = app.check_prices(product_ids=ids)
        wait_until(lambda: page_server.hits() >= 10, 30, "the first reads on the worker")
        redis.stop()
        batch = app.wait_for_task(batch_id, timeout=60)
        children = app.task_children(batch_id)
        assert batch.state is TaskState.SUCCESS and batch.result["succeeded"] == count, batch.result
        on_worker = [c for c in children if c.worker == worker.name]
        here = [c for c in children if c.worker is None]
        assert on_worker and here and len(on_worker) + len(here) == count
        assert history_counts(app, ids) == {pid: [Decimal("10.00")] for pid in ids}  # nothing lost or twice

        status = app.executor_status()["celery"]
        assert status["state"] == "local" and "unreachable" in status["reason"], status
        assert cli.main(["status"]) == 1
        out = capsys.readouterr().out
        assert "UNREACHABLE" in out and "read locally" in out, out

        redis.start()  # the same port, empty
        wait_until(lambda: app.executor_status()["celery"]["state"] == "workers", 45, "the workers again")
        assert cli.main(["status"]) == 0
        out = capsys.readouterr().out
        assert worker.name in out and "read on the workers" in out, out
        reprice(page_server, count, "9.00")
        again, children = run_batch(app, ids[:20])
        assert again.state is TaskState.SUCCESS
        assert {c.worker for c in children} == {worker.name}
        assert [h[-1] for h in history_counts(app, ids[:20]).values()] == [Decimal("9.00")] * 20
    finally:
        app.close()
        redis.stop()


def test_faults_on_a_worker_follow_the_engine_s_retry_policy(
    redis_server: RedisServer, start_workers: WorkerFactory, page_server: PageServer
) -> None:
    url = redis_server.url()
    (worker,) = start_workers(url, url, "w1", concurrency=2)
    app = celery_app(url, url)
    try:
        flaky = page_server.add_sequence(
            "/flaky", [Reply(status=503, body="busy"), Reply(body=shop_page("6.00"))]
        )
        gone = page_server.add("/gone", "no such product", status=404)
        flaky_id, gone_id = (app.add_product(u).id or 0 for u in (flaky, gone))
        app.start(scheduler=False)
        retried = app.wait_for_task(app.check_product(flaky_id), timeout=60)
        failed = app.wait_for_task(app.check_product(gone_id), timeout=60)
    finally:
        app.close()
    # A 503 on the worker is the engine's transient fault: journaled RETRY, tried again (on a worker), stored.
    assert retried.state is TaskState.SUCCESS and retried.retries == 1 and retried.worker == worker.name
    assert page_server.hits("/flaky") == 2 and history_counts(app, [flaky_id]) == {
        flaky_id: [Decimal("6.00")]
    }
    # A 404 is permanent: no retry, and the row says what and where, as a local failure would.
    assert failed.state is TaskState.FAILURE and failed.retries == 0 and failed.worker == worker.name
    assert (failed.error_kind, failed.error_status) == ("http_4xx", 404) and page_server.hits("/gone") == 1
    assert app.get_product(gone_id).last_error
