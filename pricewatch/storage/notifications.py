"""The notification log: what was sent, through which channels, and what failed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pricewatch.models import NotificationRecord, NotificationState
from pricewatch.storage.codec import json_from_db, json_to_db, time_from_db, time_to_db
from pricewatch.storage.db import Database

INTERRUPTED = "not finished: the process sending this digest ended first; its notifications await the next"
_RELEASE = "UPDATE notifications SET digest_id = NULL WHERE digest_id = ? AND state = 'HELD'"


def _from_row(row: sqlite3.Row) -> NotificationRecord:
    created = time_from_db(row["created_at"])
    assert created is not None
    return NotificationRecord(
        id=row["id"],
        title=row["title"],
        message=row["message"],
        product_id=row["product_id"],
        channels=json_from_db(row["channels"]) or [],
        state=NotificationState(row["state"]),
        error=row["error"],
        attempts=row["attempts"],
        data=json_from_db(row["data"]) or {},
        created_at=created,
        sent_at=time_from_db(row["sent_at"]),
    )


class NotificationRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, record: NotificationRecord, *, dedup_key: str | None = None) -> NotificationRecord:
        """Insert a record; a unique ``dedup_key`` lets a retried send find its row (:meth:`get_by_key`)."""
        with self._db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO notifications (title, message, product_id, channels, state, error, attempts,"
                " data, created_at, sent_at, dedup_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.title,
                    record.message,
                    record.product_id,
                    json_to_db(record.channels),
                    str(record.state),
                    record.error,
                    record.attempts,
                    json_to_db(record.data),
                    time_to_db(record.created_at),
                    time_to_db(record.sent_at),
                    dedup_key,
                ),
            )
        record.id = cur.lastrowid
        return record

    def get(self, notification_id: int) -> NotificationRecord | None:
        row = (
            self._db.conn().execute("SELECT * FROM notifications WHERE id = ?", (notification_id,)).fetchone()
        )
        return _from_row(row) if row else None

    def get_by_key(self, dedup_key: str) -> NotificationRecord | None:
        row = (
            self._db.conn()
            .execute("SELECT * FROM notifications WHERE dedup_key = ?", (dedup_key,))
            .fetchone()
        )
        return _from_row(row) if row else None

    def held(self) -> list[NotificationRecord]:
        """Held notifications, oldest first (also those a digest in flight has claimed)."""
        rows = (
            self._db.conn()
            .execute("SELECT * FROM notifications WHERE state = 'HELD' ORDER BY created_at, id")
            .fetchall()
        )
        return [_from_row(r) for r in rows]

    def claim_held(
        self,
        compose: Callable[[list[NotificationRecord]], NotificationRecord],
        claim: Mapping[str, Any],
        alive: Callable[[Mapping[str, Any]], bool],
    ) -> tuple[NotificationRecord, list[NotificationRecord]] | None:
        """Claim every unclaimed HELD notification for one new digest, atomically across processes.

        In one write transaction: claims whose digest was left unfinished by a process that is gone (``alive``
        says no to the claim stored in the digest's ``data["claim"]``) are freed; then the unclaimed HELD rows
        point at a new PENDING digest built by ``compose`` (stored with ``claim``). Another process (the
        window's watchdog, ``serve``, a one-shot ``check``) flushing at the same moment finds nothing left to
        claim, so the digest goes out once. Returns ``(digest, held)``, or None when nothing is held.
        The claimed rows stay HELD until :meth:`mark_digested` or :meth:`release_claim`.
        """
        if not self._db.conn().execute("SELECT 1 FROM notifications WHERE state = 'HELD' LIMIT 1").fetchone():
            return None  # the usual case (every send asks): no write lock taken
        with self._db.transaction() as conn:
            self._free_stale_claims(conn, alive)
            rows = conn.execute(
                "SELECT * FROM notifications WHERE state = 'HELD' AND digest_id IS NULL"
                " ORDER BY created_at, id"
            ).fetchall()
            if not rows:
                return None
            held = [_from_row(r) for r in rows]
            digest = compose(held)
            digest.data["claim"] = dict(claim)
            self.add(digest)  # joins this transaction
            conn.executemany(
                "UPDATE notifications SET digest_id = ? WHERE id = ?", [(digest.id, r.id) for r in held]
            )
        return digest, held

    def _free_stale_claims(
        self, conn: sqlite3.Connection, alive: Callable[[Mapping[str, Any]], bool]
    ) -> None:
        claims = conn.execute(
            "SELECT DISTINCT h.digest_id, d.state, d.data FROM notifications h"
            " LEFT JOIN notifications d ON d.id = h.digest_id"
            " WHERE h.state = 'HELD' AND h.digest_id IS NOT NULL"
        ).fetchall()
        for digest_id, state, data in claims:
            if state == "PENDING" and alive((json_from_db(data) or {}).get("claim") or {}):
                continue  # its sender is still at work
            if state == "PENDING":
                conn.execute(
                    "UPDATE notifications SET state = 'FAILED', error = ? WHERE id = ?",
                    (INTERRUPTED, digest_id),
                )
            conn.execute(_RELEASE, (digest_id,))

    def release_claim(self, digest_id: int) -> None:
        """A digest that no channel delivered gives its held notifications back for the next flush."""
        with self._db.transaction() as conn:
            conn.execute(_RELEASE, (digest_id,))

    def mark_digested(self, ids: list[int], digest_id: int, sent_at: datetime) -> None:
        """Held notifications delivered by the digest ``digest_id`` become SENT, pointing at it."""
        with self._db.transaction() as conn:
            conn.executemany(
                "UPDATE notifications SET state = 'SENT', sent_at = ?, digest_id = ?"
                " WHERE id = ? AND state = 'HELD'",
                [(time_to_db(sent_at), digest_id, i) for i in ids],
            )

    def digest_of(self, digest_id: int) -> list[NotificationRecord]:
        rows = (
            self._db.conn()
            .execute("SELECT * FROM notifications WHERE digest_id = ? ORDER BY created_at, id", (digest_id,))
            .fetchall()
        )
        return [_from_row(r) for r in rows]

    def update(self, notification_id: int, **values: Any) -> None:
        converted = {
            name: (
                time_to_db(v) if name == "sent_at"
                else json_to_db(v) if name in ("channels", "data")
                else str(v) if name == "state"
                else v
            )
            for name, v in values.items()
        }  # fmt: skip
        assignments = ", ".join(f"{n} = ?" for n in converted)
        with self._db.transaction() as conn:
            conn.execute(
                f"UPDATE notifications SET {assignments} WHERE id = ?", [*converted.values(), notification_id]
            )

    def list(
        self,
        *,
        state: NotificationState | None = None,
        limit: int = 100,
        offset: int = 0,
        product_id: int | None = None,
    ) -> list[NotificationRecord]:
        where: list[str] = []
        args: list[Any] = []
        if state is not None:
            where.append("state = ?")
            args.append(str(state))
        if product_id is not None:
            where.append("product_id = ?")
            args.append(product_id)
        sql = "SELECT * FROM notifications" + (" WHERE " + " AND ".join(where) if where else "")
        rows = (
            self._db.conn()
            .execute(sql + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", [*args, limit, offset])
            .fetchall()
        )
        return [_from_row(r) for r in rows]

    def count_sent_since(self, product_id: int, since: datetime) -> int:
        """Notifications for a product sent or held since ``since`` (for the daily cap)."""
        row = (
            self._db.conn()
            .execute(
                "SELECT count(*) FROM notifications WHERE product_id = ? AND created_at >= ?"
                " AND state IN ('SENT', 'HELD', 'PENDING')",
                (product_id, time_to_db(since)),
            )
            .fetchone()
        )
        return int(row[0])
