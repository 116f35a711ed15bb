"""The price check task end to end: real page server, real fetcher and extractor, real SQLite, the engine.

The synchronous executor runs each task inline (still journaled), so a test reads the outcome right after
``wait_for_task`` without sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from pricewatch.app import PriceWatch
from pricewatch.models import Availability, TaskRecord, TaskState, utcnow
from pricewatch.tasks import owner as ownership
from tests.support.checks import fast_app, product_page, run
from tests.support.pageserver import PageServer, Reply


@pytest.fixture
def app() -> Iterator[PriceWatch]:
    app = fast_app()
    yield app
    app.close()


def test_check_stores_price_and_writes_history_only_on_change(
    app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/espresso", product_page("199.90"))
    product = app.add_product(url)
    assert product.id is not None

    first = run(app, app.check_product(product.id))
    assert first.state is TaskState.SUCCESS, first.error
    assert first.result["price"] == "199.90" and first.result["first_check"] is True
    stored = app.get_product(product.id)
    assert (stored.price, stored.currency, stored.availability) == (
        Decimal("199.90"),
        "EUR",
        Availability.IN_STOCK,
    )
    assert stored.title == "Espresso Machine"
    assert stored.image_url == "https://shop.example/img/1.jpg"
    assert stored.last_error is None and stored.last_checked_at is not None
    assert stored.next_check_at is not None
    assert stored.next_check_at - stored.last_checked_at <= timedelta(minutes=60)
    assert stored.next_check_at - stored.last_checked_at >= timedelta(minutes=54)
    assert len(app.history(product.id)) == 1

    again = run(app, app.check_product(product.id))
    assert again.state is TaskState.SUCCESS and again.result["changed"] is False
    assert len(app.history(product.id)) == 1  # same price: no new history row...
    rechecked = app.get_product(product.id)
    assert (
        rechecked.last_checked_at is not None and rechecked.last_checked_at > stored.last_checked_at
    )  # ...but checked

    page_server.add("/espresso", product_page("179.00"))
    dropped = run(app, app.check_product(product.id))
    assert dropped.result["changed"] is True and dropped.result["previous_price"] == "199.90"
    final = app.get_product(product.id)
    assert (final.price, final.previous_price, final.lowest_price, final.highest_price) == (
        Decimal("179.00"), Decimal("199.90"), Decimal("179.00"), Decimal("199.90"),
    )  # fmt: skip
    assert [o.price for o in app.history(product.id)] == [Decimal("199.90"), Decimal("179.00")]
    assert page_server.hits("/espresso") == 3


def test_checks_ask_the_shop_and_leave_the_cache_empty(app: PriceWatch, page_server: PageServer) -> None:
    urls = [page_server.add(f"/item{i}", product_page(f"1{i}.00")) for i in range(3)]
    ids = [app.add_product(url).id for url in urls]
    batch = run(app, app.check_prices(product_ids=ids))
    assert batch.state is TaskState.SUCCESS
    assert [app.get_product(pid).price for pid in ids] == [Decimal(f"1{i}.00") for i in range(3)]
    assert app.cache_entries() == []  # a thousand checked pages must not sit in memory
    first = ids[0]
    assert first is not None
    again = run(app, app.check_product(first))
    assert again.result["from_cache"] is False and page_server.hits("/item0") == 2


def test_checks_on_worker_threads_extract_in_worker_processes(qtbot: object, page_server: PageServer) -> None:
    app = fast_app("threads")
    try:
        app.start(scheduler=False)
        urls = [page_server.add(f"/w{i}", product_page(f"2{i}.50", title=f"Mill {i}")) for i in range(6)]
        ids = [app.add_product(url).id for url in urls]
        batch = app.wait_for_task(app.check_prices(product_ids=ids), timeout=60)
        assert batch.state is TaskState.SUCCESS, batch.error
        products = [app.get_product(pid) for pid in ids if pid is not None]
        expected = [(Decimal(f"2{i}.50"), f"Mill {i}") for i in range(6)]
        assert [(p.price, p.title) for p in products] == expected
        assert app.extractor.enabled and app.extractor.running  # the pages went through the pool
    finally:
        app.close()
    assert not app.extractor.running


def test_a_first_check_may_take_the_add_dialogs_preview(app: PriceWatch, page_server: PageServer) -> None:
    url = page_server.add("/previewed", product_page("42.00"))
    app.preview(url)
    product = app.add_product(url)
    assert product.id is not None
    first = run(app, app.check_product(product.id))
    assert first.result["from_cache"] is True and first.result["price"] == "42.00"
    assert page_server.hits("/previewed") == 1


def test_not_modified_moves_last_checked_and_keeps_the_price(
    app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/etag", product_page("49.00"), etag='"v1"')
    product = app.add_product(url)
    assert product.id is not None
    run(app, app.check_product(product.id))
    checked = app.get_product(product.id)
    assert checked.etag == '"v1"'

    second = run(app, app.check_product(product.id))
    assert second.state is TaskState.SUCCESS
    assert second.result["not_modified"] is True and second.result["status"] == 304
    assert page_server.headers("/etag")["if-none-match"] == '"v1"'
    after = app.get_product(product.id)
    assert after.price == Decimal("49.00") and after.availability is Availability.IN_STOCK
    assert after.last_checked_at is not None and checked.last_checked_at is not None
    assert after.last_checked_at > checked.last_checked_at
    assert after.etag == '"v1"'
    assert len(app.history(product.id)) == 1


def test_a_failed_check_records_the_error_and_a_later_success_clears_it(
    app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add("/gone", "no such product", status=404)
    product = app.add_product(url)
    assert product.id is not None
    record = run(app, app.check_product(product.id))
    assert record.state is TaskState.FAILURE and record.retries == 0  # a 404 is not retried
    failed = app.get_product(product.id)
    assert failed.last_error is not None and "404" in failed.last_error
    assert failed.next_check_at is not None and failed.next_check_at > utcnow()  # not hammered every hour
    assert app.history(product.id) == [] and failed.price is None

    page_server.add("/gone", product_page("5.00"))
    assert run(app, app.check_product(product.id)).state is TaskState.SUCCESS
    assert app.get_product(product.id).last_error is None


def test_a_page_without_price_fails_the_check_with_the_reason(
    app: PriceWatch, page_server: PageServer
) -> None:
    url = page_server.add(
        "/blank", "<html><head><title>Welcome</title></head><body><p>Hello</p></body></html>"
    )
    product = app.add_product(url)
    assert product.id is not None
    record = run(app, app.check_product(product.id))
    assert record.state is TaskState.FAILURE
    last_error = app.get_product(product.id).last_error
    assert last_error is not None and "no price" in last_error


def test_out_of_stock_without_a_price_is_a_reading(app: PriceWatch, page_server: PageServer) -> None:
    url = page_server.add("/sold-out", product_page(None, availability="OutOfStock"))
    product = app.add_product(url)
    assert product.id is not None
    record = run(app, app.check_product(product.id))
    assert record.state is TaskState.SUCCESS, record.error
    assert app.get_product(product.id).availability is Availability.OUT_OF_STOCK


def test_a_503_is_retried_and_then_succeeds(app: PriceWatch, page_server: PageServer) -> None:
    url = page_server.add_sequence(
        "/flaky", [Reply(body="busy", status=503), Reply(body=product_page("12.34"))]
    )
    product = app.add_product(url)
    assert product.id is not None
    record = run(app, app.check_product(product.id))
    assert record.state is TaskState.SUCCESS, record.error
    assert record.retries == 1
    assert page_server.hits("/flaky") == 2
    stored = app.get_product(product.id)
    assert stored.price == Decimal("12.34") and stored.last_error is None


def test_check_prices_picks_due_products_and_skips_paused_ones(
    app: PriceWatch, page_server: PageServer
) -> None:
    due = app.add_product(page_server.add("/due", product_page("1.00")))
    later = app.add_product(page_server.add("/later", product_page("2.00")))
    paused = app.add_product(page_server.add("/paused", product_page("3.00")))
    assert due.id and later.id and paused.id
    app.update_product(later.id, next_check_at=utcnow() + timedelta(hours=1))
    app.update_product(paused.id, paused=True)

    batch = run(app, app.check_prices())
    assert batch.state is TaskState.SUCCESS
    assert batch.result["total"] == 1 and batch.result["succeeded"] == 1
    assert (page_server.hits("/due"), page_server.hits("/later"), page_server.hits("/paused")) == (1, 0, 0)
    children = app.task_children(batch.id)
    assert [c.kwargs for c in children] == [{"product_id": due.id}]
    assert children[0].unique_key == f"check:product:{due.id}"

    forced = run(app, app.check_prices(force=True))
    assert forced.result["total"] == 2
    assert (page_server.hits("/due"), page_server.hits("/later"), page_server.hits("/paused")) == (2, 1, 0)

    listed = run(app, app.check_prices(product_ids=[paused.id]))  # asked for by id: checked even when paused
    assert listed.result["succeeded"] == 1 and page_server.hits("/paused") == 1
    assert run(app, app.check_product(paused.id)).state is TaskState.SUCCESS
    assert page_server.hits("/paused") == 2


def test_a_product_already_queued_is_not_checked_twice(app: PriceWatch, page_server: PageServer) -> None:
    one = app.add_product(page_server.add("/one", product_page("1.00")))
    two = app.add_product(page_server.add("/two", product_page("2.00")))
    assert one.id and two.id
    # A check of product one waits in a queue (another batch, another process): journaled, not yet run.
    waiting = TaskRecord(
        id="queued-elsewhere", name="price_tracking.check_product_price", kwargs={"product_id": one.id},
        queue="scraping", unique_key=f"check:product:{one.id}",
    )  # fmt: skip
    elsewhere = ownership.new_owner()  # a live engine holds it (a row of a gone process is taken over)
    app.task_records.insert(waiting, elsewhere)
    assert app.check_product(one.id) == "queued-elsewhere"

    batch = run(app, app.check_prices(force=True))
    assert [c.kwargs["product_id"] for c in app.task_children(batch.id)] == [two.id]
    assert page_server.hits("/one") == 0 and page_server.hits("/two") == 1
    open_checks = [
        t for t in app.list_tasks(name="price_tracking.check_product_price") if not t.state.is_final
    ]
    assert [t.id for t in open_checks] == ["queued-elsewhere"]
    ownership.retire(elsewhere)


def test_unknown_products_are_refused_before_queueing(app: PriceWatch) -> None:
    from pricewatch.app import NotFoundError

    with pytest.raises(NotFoundError):
        app.check_product(999)
    with pytest.raises(NotFoundError):
        app.check_prices(product_ids=[999])
    assert app.list_tasks() == []


def test_a_check_of_a_removed_product_is_a_no_op(app: PriceWatch, page_server: PageServer) -> None:
    product = app.add_product(page_server.add("/removed", product_page("1.00")))
    assert product.id is not None
    app.task_records.insert(
        TaskRecord(id="stale", name="price_tracking.check_product_price", kwargs={"product_id": product.id})
    )
    app.remove_product(product.id)
    app.start(scheduler=False)  # recovery queues the journaled check; the sync executor runs it inline
    record = run(app, "stale")
    assert record.state is TaskState.SUCCESS and "no longer exists" in record.result["skipped"]
    assert page_server.hits("/removed") == 0


VARIANTS = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "Product", "name": "Shirt", "offers": [
 {"@type": "Offer", "sku": "S-RED", "name": "Red", "price": "20.00", "priceCurrency": "EUR",
  "availability": "https://schema.org/InStock"},
 {"@type": "Offer", "sku": "S-BLUE", "name": "Blue", "price": "25.00", "priceCurrency": "EUR",
  "availability": "https://schema.org/OutOfStock"}]}
</script></head><body><h1>Shirt</h1></body></html>"""


def test_the_picked_offer_is_the_tracked_price(app: PriceWatch, page_server: PageServer) -> None:
    product = app.add_product(page_server.add("/shirt", VARIANTS))
    assert product.id is not None
    app.update_product(product.id, offer_key="sku:S-BLUE")
    assert run(app, app.check_product(product.id)).state is TaskState.SUCCESS
    stored = app.get_product(product.id)
    assert (stored.price, stored.availability) == (Decimal("25.00"), Availability.OUT_OF_STOCK)


def test_robots_txt_is_respected_unless_the_product_ignores_it(
    app: PriceWatch, page_server: PageServer
) -> None:
    page_server.add_robots("User-agent: *\nDisallow: /private/\n")
    product = app.add_product(page_server.add("/private/item", product_page("9.00")))
    assert product.id is not None
    refused = run(app, app.check_product(product.id))
    assert refused.state is TaskState.FAILURE and refused.retries == 0
    last_error = app.get_product(product.id).last_error
    assert last_error is not None and "robots" in last_error.lower()
    assert page_server.hits("/private/item") == 0

    app.update_product(product.id, ignore_robots=True)
    assert run(app, app.check_product(product.id)).state is TaskState.SUCCESS
    assert app.get_product(product.id).price == Decimal("9.00")
