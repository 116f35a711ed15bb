"""A newer pricewatch migrates the database under a running API: writes answer 503, never a false success."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pricewatch.storage.migrations import LATEST_VERSION
from tests.support.api import LiveApi, live_api
from tests.support.app import open_pricewatch
from tests.support.schema import bump_schema


@pytest.fixture
def api() -> Iterator[LiveApi]:
    with open_pricewatch() as app:
        yield from live_api(app)
        bump_schema(app.db.path, LATEST_VERSION)  # the old version again, so the facade can close normally


def test_a_scrape_after_the_upgrade_answers_503_and_queues_nothing(api: LiveApi) -> None:
    assert api.anonymous.get("/api/v1/health").json()["status"] == "ok"
    bump_schema(api.app.db.path, LATEST_VERSION + 1)  # from another process, as a newer pricewatch would

    answer = api.client.post("/api/v1/tasks/scrape", json={"url": "https://shop.example/kettle"})
    assert answer.status_code == 503, answer.text
    assert "restart PriceWatch" in answer.json()["detail"]
    assert api.app.list_tasks() == []
    added = api.client.post("/api/v1/products", json={"url": "https://shop.example/kettle"})
    assert added.status_code == 503, added.text

    health = api.anonymous.get("/api/v1/health")
    assert health.status_code == 503
    assert health.json()["status"] == "restart needed"
    assert api.client.get("/api/v1/products").status_code == 200  # reads still work
