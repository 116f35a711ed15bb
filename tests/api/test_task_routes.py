"""Tasks over the real API server with the real threaded engine and the real local page server.

The client polls as a script would; ``qtbot.waitUntil`` runs the Qt event loop between polls (the engine's
retry timers and signals live there, as under ``pricewatch serve``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.api import LiveApi, live_api
from tests.support.app import open_pricewatch
from tests.support.checks import fast_app, product_page
from tests.support.pageserver import PageServer
from tests.support.tasks import Lab

T = "/api/v1/tasks"
STATUS_KEYS = {
    "task_id", "status", "result", "error", "error_kind", "http_status", "retry_after", "retries", "progress"
}  # fmt: skip


@pytest.fixture
def api(qtbot: Any, lab: Lab) -> Iterator[LiveApi]:
    app = fast_app("threads")
    app.start(scheduler=False)
    try:
        yield from live_api(app)
    finally:
        lab.gate.set()
        app.close()


def poll(qtbot: Any, api: LiveApi, task_id: str, status: str = "SUCCESS") -> dict[str, Any]:
    """GET .../status until it reports ``status`` (fails after 20 s); returns the last body."""
    seen: dict[str, Any] = {}

    def reached() -> bool:
        seen.update(api.client.get(f"{T}/{task_id}/status").json())
        return bool(seen["status"] == status)

    qtbot.waitUntil(reached, timeout=20_000)
    return seen


def test_a_script_scrapes_a_page_and_reads_the_price(
    qtbot: Any, api: LiveApi, page_server: PageServer
) -> None:
    url = page_server.add("/kettle", product_page("23.50", title="Kettle"))
    started = api.client.post(f"{T}/scrape", json={"url": url})
    assert started.status_code == 200, started.text
    assert started.json()["success"] is True
    task_id = started.json()["task_id"]
    body = poll(qtbot, api, task_id)
    assert set(body) == STATUS_KEYS
    assert body["result"]["price"] == "23.50" and body["result"]["currency"] == "EUR"
    assert body["result"]["title"] == "Kettle"
    assert body["error"] is None and body["retries"] == 0
    assert body["progress"]["percent"] == 100.0
    assert page_server.hits("/kettle") == 1
    detail = api.client.get(f"{T}/{task_id}").json()
    assert detail["name"] == "scraping.scrape_product" and detail["kwargs"]["url"] == url
    assert detail["priority"] == 10 and detail["finished_at"].endswith("Z")


def test_scrape_batch_lists_its_children(qtbot: Any, api: LiveApi, page_server: PageServer) -> None:
    urls = [page_server.add(f"/p{i}", product_page(f"{i}.99")) for i in range(3)]
    reply = api.client.post(f"{T}/scrape-batch", json={"urls": urls}).json()
    assert reply["success"] is True and len(reply["child_ids"]) == 3
    poll(qtbot, api, reply["task_id"])
    children = [api.client.get(f"{T}/{c}/status").json() for c in reply["child_ids"]]
    assert sorted(c["result"]["price"] for c in children) == ["0.99", "1.99", "2.99"]
    assert api.client.get(f"{T}/{reply['task_id']}").json()["child_ids"] == reply["child_ids"]
    listed = api.client.get(T, params={"parent_id": reply["task_id"]}).json()["tasks"]
    assert sorted(t["task_id"] for t in listed) == sorted(reply["child_ids"])
    progress = api.client.get(f"{T}/{reply['task_id']}/progress").json()
    assert progress["percent"] == 100.0
    bad = api.client.post(f"{T}/scrape-batch", json={"urls": [urls[0], "ftp://x.example/"]})
    assert bad.status_code == 422 and "http and https" in bad.json()["detail"]
    assert api.client.post(f"{T}/scrape-batch", json={"urls": []}).status_code == 422


def test_price_checks(qtbot: Any, api: LiveApi, page_server: PageServer) -> None:
    url = page_server.add("/tracked", product_page("99.00"))
    pid = api.client.post("/api/v1/products", json={"url": url}).json()["id"]
    one = api.client.post(f"{T}/price-check", json={"product_id": pid}).json()
    poll(qtbot, api, one["task_id"])
    assert api.client.get(f"/api/v1/products/{pid}").json()["price"] == "99.00"

    page_server.add("/tracked", product_page("89.00"))
    every = api.client.post(f"{T}/price-check", json={"force": True}).json()
    poll(qtbot, api, every["task_id"])
    assert api.client.get(f"/api/v1/products/{pid}").json()["price"] == "89.00"
    history = api.client.get(f"/api/v1/products/{pid}/history").json()["observations"]
    assert [o["price"] for o in history] == ["99.00", "89.00"]

    assert api.client.post(f"{T}/price-check", json={"product_id": 12345}).status_code == 404
    both = api.client.post(f"{T}/price-check", json={"product_id": pid, "product_ids": [pid]})
    assert both.status_code == 422


def test_any_registered_task_by_name_and_only_those(qtbot: Any, api: LiveApi, lab: Lab) -> None:
    names = api.client.get(f"{T}/names").json()["names"]
    assert "scraping.scrape_product" in names and "test.echo" in names
    started = api.client.post(
        T, json={"name": "test.echo", "kwargs": {"value": {"a": [1, 2]}}, "priority": 3}
    )
    assert started.status_code == 200, started.text
    assert poll(qtbot, api, started.json()["task_id"])["result"] == {"a": [1, 2]}

    unknown = api.client.post(T, json={"name": "os.system", "kwargs": {"command": "true"}})
    assert unknown.status_code == 422 and "unknown task 'os.system'" in unknown.json()["detail"]
    wrong_queue = api.client.post(T, json={"name": "test.echo", "queue": "scraping"})
    assert wrong_queue.status_code == 422 and "default" in wrong_queue.json()["detail"]
    right_queue = api.client.post(T, json={"name": "test.echo", "queue": "default"})
    assert right_queue.status_code == 200
    bad_url = api.client.post(
        T, json={"name": "scraping.scrape_product", "kwargs": {"url": "file:///etc/passwd"}}
    )
    assert bad_url.status_code == 422
    assert api.client.post(T, json={"name": "test.echo", "priority": 1000}).status_code == 422
    before = len(api.client.get(T, params={"limit": 1000}).json()["tasks"])
    extra = api.client.post(T, json={"name": "test.echo", "kwargs": {"value": 1, "rm": "-rf"}})
    assert extra.status_code == 422 and "unknown argument 'rm'" in extra.json()["detail"]
    missing = api.client.post(T, json={"name": "scraping.scrape_product", "kwargs": {}})
    assert missing.status_code == 422 and "url" in missing.json()["detail"]
    assert len(api.client.get(T, params={"limit": 1000}).json()["tasks"]) == before  # nothing journaled


def test_failure_progress_cancel_and_retry(qtbot: Any, api: LiveApi, lab: Lab) -> None:
    boom = api.client.post(T, json={"name": "test.boom"}).json()["task_id"]
    failed = poll(qtbot, api, boom, "FAILURE")
    assert "boom" in failed["error"] and failed["result"] is None

    steps = api.client.post(T, json={"name": "test.progress", "kwargs": {"steps": 4}}).json()["task_id"]
    poll(qtbot, api, steps)
    assert api.client.get(f"{T}/{steps}/progress").json() == {
        "current": 4, "total": 4, "percent": 100.0, "message": "step 4",
    }  # fmt: skip

    blocked = api.client.post(T, json={"name": "test.block"}).json()["task_id"]
    assert lab.started.wait(10)
    assert api.client.post(f"{T}/{blocked}/retry").status_code == 409  # still running
    api.client.post(f"{T}/{blocked}/cancel")
    poll(qtbot, api, blocked, "REVOKED")

    again = api.client.post(f"{T}/{blocked}/retry")
    assert again.status_code == 200 and again.json()["task_id"] != blocked
    lab.gate.set()
    assert poll(qtbot, api, again.json()["task_id"])["result"] == "released"
    retried_failure = api.client.post(f"{T}/{boom}/retry").json()["task_id"]
    poll(qtbot, api, retried_failure, "FAILURE")


def test_listing_and_unknown_ids(qtbot: Any, api: LiveApi, lab: Lab) -> None:
    ids = [
        api.client.post(T, json={"name": "test.echo", "kwargs": {"value": i}}).json()["task_id"]
        for i in range(3)
    ]
    for task_id in ids:
        poll(qtbot, api, task_id)
    listed = api.client.get(T, params={"name": "test.echo", "state": "SUCCESS"}).json()
    assert {t["task_id"] for t in listed["tasks"]} == set(ids)
    page = api.client.get(T, params={"name": "test.echo", "limit": 2, "offset": 1}).json()
    assert len(page["tasks"]) == 2 and (page["limit"], page["offset"]) == (2, 1)
    assert api.client.get(T, params={"state": "DONE"}).status_code == 422
    assert api.client.get(T, params={"limit": 0}).status_code == 422
    for path in ("status", "progress"):
        missing = api.client.get(f"{T}/no-such-task/{path}")
        assert missing.status_code == 404 and missing.json() == {"detail": "no task with id no-such-task"}
    assert api.client.get(f"{T}/no-such-task").status_code == 404
    assert api.client.post(f"{T}/no-such-task/cancel").status_code == 404
    assert api.client.post(f"{T}/no-such-task/retry").status_code == 404


def test_without_a_started_engine_tasks_wait_and_status_says_pending(page_server: PageServer) -> None:
    with open_pricewatch(executor="threads") as app:
        for api in live_api(app):
            reply = api.client.post(f"{T}/scrape", json={"url": page_server.url("/x")}).json()
            status = api.client.get(f"{T}/{reply['task_id']}/status").json()
            assert status["status"] in ("PENDING", "STARTED", "SUCCESS", "FAILURE")


def test_a_script_waits_for_a_task_without_polling(qtbot: Any, api: LiveApi, page_server: PageServer) -> None:
    url = page_server.add("/slow", product_page("12.50"), delay=1.0)
    task_id = api.client.post("/api/v1/tasks/scrape", json={"url": url}).json()["task_id"]
    early = api.client.get(f"/api/v1/tasks/{task_id}/wait", params={"timeout": 0.2})
    assert early.status_code == 200 and early.json()["status"] in ("PENDING", "STARTED")
    done = api.client.get(f"/api/v1/tasks/{task_id}/wait", params={"timeout": 30})
    assert done.status_code == 200 and done.json()["status"] == "SUCCESS"
    assert done.json()["result"]["price"] == "12.50"
    assert api.client.get(f"/api/v1/tasks/{task_id}/wait", params={"timeout": 301}).status_code == 422
    assert api.client.get("/api/v1/tasks/nope/wait").status_code == 404


def test_an_unchanged_status_answers_304_for_its_etag(
    qtbot: Any, api: LiveApi, page_server: PageServer
) -> None:
    url = page_server.add("/quick", product_page("9.99"))
    task_id = api.client.post("/api/v1/tasks/scrape", json={"url": url}).json()["task_id"]
    api.client.get(f"/api/v1/tasks/{task_id}/wait", params={"timeout": 30})
    first = api.client.get(f"/api/v1/tasks/{task_id}/status")
    etag = first.headers["etag"]
    again = api.client.get(f"/api/v1/tasks/{task_id}/status", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = api.client.get(f"/api/v1/tasks/{task_id}/status", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200 and other.json() == first.json()
