"""House-keeping tasks: old task records and notifications, orphans, VACUUM, expired cache entries.

Price history is never touched here: it grows with changes only and is the user's data.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pricewatch.models import utcnow
from pricewatch.storage.codec import time_to_db
from pricewatch.tasks.registry import task

if TYPE_CHECKING:
    from pricewatch.storage import Database
    from pricewatch.tasks.context import TaskContext

log = logging.getLogger(__name__)

NOTIFICATION_RETENTION_DAYS = 90  # the notification log is short and users look back at it
VACUUM_FREE_RATIO = 0.25  # VACUUM when more than this share of the file is free pages...
VACUUM_MIN_FREE_PAGES = 256  # ...and at least this many (1 MB at 4 KB pages): small files are not worth it


def remove_orphans(db: Database) -> dict[str, int]:
    """Rows whose owner is gone (foreign keys cascade, but a database edited by hand may hold leftovers)."""
    with db.transaction() as conn:
        tasks = conn.execute(
            "DELETE FROM tasks WHERE parent_id IS NOT NULL AND parent_id NOT IN (SELECT id FROM tasks)"
        ).rowcount
        rules = conn.execute(
            "DELETE FROM alert_rules WHERE product_id NOT IN (SELECT id FROM products)"
        ).rowcount
        conn.execute(
            "UPDATE notifications SET product_id = NULL"
            " WHERE product_id IS NOT NULL AND product_id NOT IN (SELECT id FROM products)"
        )
    return {"orphan_tasks": tasks, "orphan_alert_rules": rules}


def vacuum_if_worthwhile(db: Database) -> bool:
    conn = db.conn()
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    if free < VACUUM_MIN_FREE_PAGES or free <= pages * VACUUM_FREE_RATIO:
        return False
    conn.execute("VACUUM")  # autocommit connection, outside any transaction
    log.info("database vacuumed: %d of %d pages were free", free, pages)
    return True


@task("maintenance.cleanup_old_data", queue="default")
def cleanup_old_data(ctx: TaskContext) -> dict[str, Any]:
    """Delete finished task records past retention, old sent/failed notifications and orphans; VACUUM."""
    services = ctx.services
    now = utcnow()
    task_cutoff = now - timedelta(days=max(1, services.settings.tasks.task_retention_days))
    tasks = services.task_records.delete_finished_before(task_cutoff)
    ctx.raise_if_cancelled()
    note_cutoff = now - timedelta(days=NOTIFICATION_RETENTION_DAYS)
    with services.db.transaction() as conn:
        notifications = conn.execute(
            "DELETE FROM notifications WHERE created_at < ? AND state IN ('SENT', 'FAILED', 'SUPPRESSED')",
            (time_to_db(note_cutoff),),
        ).rowcount
    result: dict[str, Any] = {"tasks": tasks, "notifications": notifications, **remove_orphans(services.db)}
    ctx.raise_if_cancelled()
    result["vacuumed"] = vacuum_if_worthwhile(services.db)
    return result


@task("maintenance.clear_old_cache", queue="default")
def clear_old_cache(ctx: TaskContext) -> dict[str, Any]:
    """Drop expired entries from the response cache."""
    return {"expired": ctx.services.cache.expire()}
