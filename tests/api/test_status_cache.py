"""The status cache against the real threaded engine: refreshed by task events, never older than a read."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest

from pricewatch.api.status_cache import FINAL_FRESH, OPEN_FRESH, StatusCache
from pricewatch.api.status_refresh import StatusRefresher
from pricewatch.app import PriceWatch
from pricewatch.tasks.events import TaskEvent
from tests.support.poll import until
from tests.support.tasks import Lab


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(facade: PriceWatch, clock: Clock) -> Iterator[StatusCache]:
    cache = StatusCache(facade.get_task, clock=clock)
    unsubscribe = facade.subscribe(cache.on_event)
    yield cache
    unsubscribe()


def state(cache: StatusCache, task_id: str) -> str | None:
    status = cache.get(task_id)
    return None if status is None else str(json.loads(status.body)["status"])


def watch(cache: StatusCache, facade: PriceWatch, task_id: str) -> None:
    cache.store(facade.get_task(task_id), cache.begin_read(task_id))


def test_events_of_this_engine_keep_a_status_current(
    facade: PriceWatch, cache: StatusCache, lab: Lab
) -> None:
    task_id = facade.submit_task("test.block")
    watch(cache, facade, task_id)
    assert lab.started.wait(10)
    until(lambda: state(cache, task_id) == "STARTED", message="the STARTED event's refresh")
    lab.gate.set()
    until(lambda: state(cache, task_id) == "SUCCESS", message="the SUCCESS event's refresh")
    status = cache.get(task_id)
    assert status is not None and status.final
    assert json.loads(status.body)["result"] == "released"


def test_tasks_nobody_asked_about_are_not_kept(facade: PriceWatch, cache: StatusCache) -> None:
    task_id = facade.submit_task("test.echo", kwargs={"value": 1})
    assert facade.wait_for_task(task_id, timeout=30).state.is_final
    assert cache.get(task_id) is None and len(cache) == 0


def test_a_read_overtaken_by_an_event_is_not_kept(facade: PriceWatch, cache: StatusCache, lab: Lab) -> None:
    task_id = facade.submit_task("test.block")
    version = cache.begin_read(task_id)
    old = facade.get_task(task_id)  # read before the change below
    assert lab.started.wait(10)
    cache.on_event(TaskEvent("changed", task_id, "STARTED"))  # as the engine announces it
    assert state(cache, task_id) == "STARTED"
    returned = cache.store(old, version)  # the older read finishes last
    assert json.loads(returned.body)["status"] == str(old.state)  # what it read, for its own caller
    assert state(cache, task_id) == "STARTED"  # but not kept


def test_progress_drops_the_status_until_the_next_read(
    facade: PriceWatch, cache: StatusCache, lab: Lab
) -> None:
    task_id = facade.submit_task("test.block")
    assert lab.started.wait(10)
    watch(cache, facade, task_id)
    assert state(cache, task_id) == "STARTED"
    cache.on_event(TaskEvent("progress", task_id, "", 1, 2, "half"))
    assert cache.get(task_id) is None


def test_open_statuses_expire_final_ones_last(
    facade: PriceWatch, cache: StatusCache, clock: Clock, lab: Lab
) -> None:
    task_id = facade.submit_task("test.block")
    assert lab.started.wait(10)
    watch(cache, facade, task_id)
    clock.now += OPEN_FRESH - 0.01
    assert state(cache, task_id) == "STARTED"
    clock.now += 0.02  # another process may have changed it without an event here: read it again
    assert cache.get(task_id) is None
    lab.gate.set()
    assert facade.wait_for_task(task_id, timeout=30).state.is_final
    watch(cache, facade, task_id)
    clock.now += FINAL_FRESH - 1
    assert state(cache, task_id) == "SUCCESS"
    cache.on_event(TaskEvent("changed", task_id, "STARTED"))  # a final state is the last one
    assert state(cache, task_id) == "SUCCESS"
    clock.now += 2
    assert cache.get(task_id) is None


def test_the_oldest_entries_go_first(facade: PriceWatch) -> None:
    cache = StatusCache(facade.get_task, max_entries=2)
    ids = [facade.submit_task("test.echo", kwargs={"value": i}) for i in range(3)]
    for task_id in ids:
        facade.wait_for_task(task_id, timeout=30)
        watch(cache, facade, task_id)
    assert len(cache) == 2 and cache.get(ids[0]) is None and cache.get(ids[2]) is not None


def test_polled_open_statuses_are_read_again_before_they_expire(
    facade: PriceWatch, cache: StatusCache, clock: Clock, lab: Lab
) -> None:
    refresher = StatusRefresher(cache, facade.get_tasks, period=0.25)
    task_id = facade.submit_task("test.block")
    assert lab.started.wait(10)  # (the STARTED event came before: nothing refreshes the entry below but us)
    watch(cache, facade, task_id)
    assert refresher.refresh() == 0  # fresh for another second: nothing to read yet
    clock.now += OPEN_FRESH - 0.4
    assert state(cache, task_id) == "STARTED"  # a script polls it
    clock.now += 0.2  # it expires within two periods now
    assert refresher.refresh() == 1
    clock.now += 0.3  # past the first read's freshness: answered from the refresher's read
    assert state(cache, task_id) == "STARTED"
    clock.now += OPEN_FRESH + 0.1  # nobody asked for a second: left to expire
    assert refresher.refresh() == 0
    assert cache.get(task_id) is None
    lab.gate.set()
    assert facade.wait_for_task(task_id, timeout=30).state.is_final


def test_the_refresher_stops_when_closed(facade: PriceWatch, cache: StatusCache) -> None:
    refresher = StatusRefresher(cache, facade.get_tasks, period=0.01)
    refresher.start()
    refresher.close()
    assert not any(t.name == "pricewatch-api-status" and t.is_alive() for t in threading.enumerate())
