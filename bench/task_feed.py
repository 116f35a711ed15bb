"""What a window pays to follow another process's tasks: the change feed vs re-reading the task list.

A journal of N finished tasks (default 200,000) in a real SQLite file; a second writer (another facade, as
``pricewatch check`` would be) queues K tasks (default 1,000) and moves each through STARTED to SUCCESS.
Ours: ``ChangeCursor.read()`` after those changes (alone, and with the read of each changed row that the
task model then makes), and again when nothing changed (the poll that finds nothing). Peer: what the window
did before the feed, on F5: the newest 1,000 tasks plus every unfinished one (``MainWindow._load_tasks``),
which moreover misses changes to older rows. Medians of 7 rounds; none of this runs on the GUI thread, but
both hold a pool thread and the database.

Last line: ``feed_ms=... feed_rows_ms=... idle_feed_ms=... reload_ms=... changed=... journal=...``
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path


def fill(home: Path, journal: int) -> None:
    """Write ``journal`` finished tasks straight into the database (the facade creates the schema)."""
    from pricewatch.app import PriceWatch
    from pricewatch.models import TaskRecord, TaskState, utcnow

    with PriceWatch() as app:
        now = utcnow()
        batch = [
            TaskRecord(id=uuid.uuid4().hex, name="scraping.scrape_product", state=TaskState.SUCCESS,
                       kwargs={"url": f"https://shop.example/p/{n}"}, queued_at=now, finished_at=now)
            for n in range(journal)
        ]  # fmt: skip
        for start in range(0, journal, 10_000):
            app.task_records.insert_many(batch[start : start + 10_000])
        # an old journal: its rows were written over the past weeks, not in the last second
        app.db.conn().execute("UPDATE tasks SET changed_at = changed_at - 86400000 * 14")


def other_writer_changes(count: int) -> None:
    """Another writer queues ``count`` tasks and runs each through STARTED to SUCCESS."""
    from pricewatch.app import PriceWatch
    from pricewatch.models import TaskRecord, utcnow

    with PriceWatch() as other:
        records = other.task_records
        tasks = [TaskRecord(id=uuid.uuid4().hex, name="scraping.scrape_product") for _ in range(count)]
        records.insert_many(tasks)
        ids = [t.id for t in tasks]
        records.claim_many(ids, utcnow(), owner="them")
        records.finish_successes([(i, {"ok": True}, utcnow(), {}) for i in ids])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--journal", type=int, default=200_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PRICEWATCH_HOME"] = tmp
        from pricewatch.app import PriceWatch
        from pricewatch.models import TaskState
        from pricewatch.storage.task_changes import ChangeCursor

        fill(Path(tmp), args.journal)
        feed, rows, idle, reload, seen = [], [], [], [], 0
        with PriceWatch() as window:
            cursor = ChangeCursor(window.db, besides=window.task_records.writer)
            for _ in range(args.rounds):
                other_writer_changes(args.changes)
                began = time.perf_counter()
                ids = cursor.read()
                feed.append(time.perf_counter() - began)
                seen = len(ids)
                for task_id in ids:  # what the task model then does with the ids: a read per row
                    window.task_records.get(task_id)
                rows.append(time.perf_counter() - began)
                began = time.perf_counter()
                cursor.read()
                idle.append(time.perf_counter() - began)
                began = time.perf_counter()
                records = {r.id: r for r in window.list_tasks(limit=1000)}
                for state in (TaskState.PENDING, TaskState.STARTED, TaskState.RETRY):
                    records.update((r.id, r) for r in window.list_tasks(state=str(state), limit=100_000))
                reload.append(time.perf_counter() - began)
        assert seen == args.changes, (seen, args.changes)

    def ms(values: list[float]) -> float:
        return round(statistics.median(values) * 1000, 2)

    print(
        f"journal of {args.journal:,} tasks; another writer changed {args.changes:,} (queued, started, done)"
    )
    print(
        f"change feed read (ids of what others changed): {ms(feed)} ms, with their rows {ms(rows)} ms;"
        f" with nothing new: {ms(idle)} ms"
    )
    print(f"re-reading the task list as F5 does (newest 1,000 + unfinished): {ms(reload)} ms")
    print(
        f"feed_ms={ms(feed)} feed_rows_ms={ms(rows)} idle_feed_ms={ms(idle)} reload_ms={ms(reload)} "
        f"changed={seen} journal={args.journal}"
    )


if __name__ == "__main__":
    main()
