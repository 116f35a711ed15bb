"""Scrape tasks (one URL, a batch) and the maintenance tasks, through the engine's synchronous executor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from pricewatch.app import PriceWatch
from pricewatch.errors import InvalidURLError
from pricewatch.models import (
    NotificationRecord,
    NotificationState,
    PriceObservation,
    TaskRecord,
    TaskState,
    utcnow,
)
from pricewatch.tasks.builtin.maintenance import vacuum_if_worthwhile
from tests.support.checks import fast_app, product_page, run
from tests.support.pageserver import PageServer


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    app = fast_app()
    yield app
    app.close()


def test_scrape_of_an_untracked_url_returns_the_extraction_and_stores_nothing(
    app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/look", product_page("23.50", title="Kettle"))
    record = run(app, app.scrape(url))
    assert record.state is TaskState.SUCCESS, record.error
    result = record.result
    assert (result["price"], result["currency"], result["title"]) == ("23.50", "EUR", "Kettle")
    assert result["availability"] == "InStock" and result["status"] == 200
    assert result["url"] == url and result["final_url"] == url
    assert result["stored"] is False and result["product_id"] is None
    assert app.list_products() == []


def test_scrape_of_a_tracked_url_stores_the_reading(app: PriceWatch, page_server: PageServer) -> None:
    url = page_server.add("/tracked", product_page("10.00"))
    product = app.add_product(url)
    assert product.id is not None
    record = run(app, app.scrape(url))
    assert record.result["stored"] is True and record.result["product_id"] == product.id
    assert app.get_product(product.id).price == Decimal("10.00")
    assert len(app.history(product.id)) == 1
    # A scrape with another selector is a preview: the product's own reading is not replaced by it.
    other = run(app, app.scrape(url, selector="h1"))
    assert other.state is TaskState.SUCCESS and other.result["stored"] is False


def test_scrape_of_a_page_without_price_succeeds_and_says_why(
    app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/text", "<html><body><p>Nothing for sale here</p></body></html>")
    record = run(app, app.scrape(url))
    assert record.state is TaskState.SUCCESS
    assert record.result["price"] is None and record.result["reason"]


def test_scrape_batch_has_one_child_per_url_and_rolls_up_progress(
    app: PriceWatch, page_server: PageServer
) -> None:
    urls = [page_server.add(f"/b{i}", product_page(f"{i}.99")) for i in range(3)]
    urls.append(page_server.add("/b-missing", "gone", status=404))
    batch = run(app, app.scrape_batch(urls))
    assert batch.state is TaskState.SUCCESS  # a batch fails only when every child failed
    assert (batch.result["total"], batch.result["succeeded"], batch.result["failed"]) == (4, 3, 1)
    assert (batch.progress_current, batch.progress_total) == (4, 4)
    children = app.task_children(batch.id)
    assert sorted(c.kwargs["url"] for c in children) == sorted(urls)
    assert {c.result["price"] for c in children if c.state is TaskState.SUCCESS} == {"0.99", "1.99", "2.99"}


def test_scrape_refuses_bad_urls_before_queueing(app: PriceWatch) -> None:
    with pytest.raises(InvalidURLError):
        app.scrape("file:///etc/passwd")
    with pytest.raises(InvalidURLError):
        app.scrape_batch(["https://shop.example/a", "javascript:alert(1)"])
    with pytest.raises(ValueError):
        app.scrape_batch([])
    assert app.list_tasks() == []


def test_cleanup_removes_old_task_records_and_notifications_but_never_history(app: PriceWatch) -> None:
    product = app.add_product("https://shop.example/p")
    assert product.id is not None
    long_ago = utcnow() - timedelta(days=app.settings.tasks.task_retention_days + 1)
    app.observations.add(PriceObservation(product.id, long_ago, Decimal("9.99"), "EUR", product.availability))
    app.task_records.insert(
        TaskRecord(id="old", name="scraping.scrape_product", state=TaskState.SUCCESS, queued_at=long_ago,
                   finished_at=long_ago)
    )  # fmt: skip
    app.task_records.insert(
        TaskRecord(id="recent", name="scraping.scrape_product", state=TaskState.SUCCESS, finished_at=utcnow())
    )
    app.task_records.insert(TaskRecord(id="open", name="scraping.scrape_product", queued_at=long_ago))
    very_old = utcnow() - timedelta(days=365)
    app.notification_records.add(
        NotificationRecord("old", "sent long ago", state=NotificationState.SENT, created_at=very_old)
    )
    app.notification_records.add(
        NotificationRecord("held", "still waiting", state=NotificationState.HELD, created_at=very_old)
    )
    app.notification_records.add(NotificationRecord("new", "sent today", state=NotificationState.SENT))

    record = run(app, app.submit_task("maintenance.cleanup_old_data"))
    assert record.state is TaskState.SUCCESS, record.error
    assert record.result["tasks"] == 1 and record.result["notifications"] == 1
    assert app.task_records.get("old") is None
    assert app.task_records.get("recent") is not None and app.task_records.get("open") is not None
    assert sorted(n.title for n in app.notification_records.list()) == ["held", "new"]
    assert [o.price for o in app.history(product.id)] == [Decimal("9.99")]


def test_vacuum_only_when_much_of_the_file_is_free(app: PriceWatch) -> None:
    assert vacuum_if_worthwhile(app.db) is False  # a fresh database has nothing to reclaim
    with app.db.transaction() as conn:
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)", ((f"filler.{i}", "x" * 3000) for i in range(2000))
        )
    with app.db.transaction() as conn:
        conn.execute("DELETE FROM meta WHERE key LIKE 'filler.%'")
    size_before = int(app.db.conn().execute("PRAGMA page_count").fetchone()[0])
    assert vacuum_if_worthwhile(app.db) is True
    assert int(app.db.conn().execute("PRAGMA page_count").fetchone()[0]) < size_before // 4
    assert vacuum_if_worthwhile(app.db) is False


def test_clear_old_cache_drops_expired_entries(app: PriceWatch) -> None:
    from pricewatch.cache import ResponseCache

    now = [1000.0]
    cache = ResponseCache(16, 300, timer=lambda: now[0])
    app.__dict__["cache"] = cache  # the facade's cached property, filled with a cache on a fake clock
    cache.set("fetch:https://shop.example/old", "old page")
    now[0] += 200
    cache.set("fetch:https://shop.example/new", "new page")
    now[0] += 150  # the first entry is past its 300 s, the second is not
    record = run(app, app.submit_task("maintenance.clear_old_cache"))
    assert record.state is TaskState.SUCCESS, record.error
    assert record.result == {"expired": 1}
    assert [entry.key for entry in cache.entries()] == ["fetch:https://shop.example/new"]
