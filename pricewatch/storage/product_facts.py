"""What smart filters and the products list need beyond each product's row, read for every product at once
(a fixed number of queries, never one per product)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from pricewatch.product_filters import DROP_DAYS, ProductFacts
from pricewatch.storage.codec import money_from_db, time_to_db
from pricewatch.storage.db import Database
from pricewatch.tagging import tag_key

# Each sure reading of the last days with the sure reading before it (the index on product and time finds it).
_DROPS = """
SELECT o.product_id, o.price, (
    SELECT p.price FROM observations p
    WHERE p.product_id = o.product_id AND p.unsure = 0
      AND (p.observed_at < o.observed_at OR (p.observed_at = o.observed_at AND p.id < o.id))
    ORDER BY p.observed_at DESC, p.id DESC LIMIT 1
) FROM observations o
WHERE o.observed_at >= ? AND o.unsure = 0 AND o.price IS NOT NULL
"""
# Unsure readings came after the newest sure one (or no reading was sure): as the list marks the price.
_UNSURE = """
SELECT product_id FROM observations GROUP BY product_id
HAVING max(CASE WHEN unsure THEN id END) > coalesce(max(CASE WHEN unsure = 0 THEN id END), 0)
"""
_SNOOZED = """
SELECT id FROM products WHERE snooze_until_change OR snoozed_until > ?
UNION
SELECT product_id FROM alert_rules WHERE snooze_until_change OR snoozed_until > ?
"""


def read_facts(db: Database, now: datetime, *, history: bool = True) -> dict[int, ProductFacts]:
    """Facts of every product that has any (a product missing here has none: ``NO_FACTS``).

    ``history``: also the facts of the price history (a drop this week, an unsure newest reading); they take
    passes over the observations (seconds for 10M), tags and snoozes only milliseconds.
    """
    conn = db.conn()
    tags: dict[int, list[str]] = {}
    for product_id, name in conn.execute(
        "SELECT pt.product_id, t.name FROM product_tags pt JOIN tags t ON t.id = pt.tag_id ORDER BY t.key"
    ):
        tags.setdefault(int(product_id), []).append(str(name))
    dropped = _dropped(conn, now) if history else set()
    unsure = {int(r[0]) for r in conn.execute(_UNSURE)} if history else set()
    stamp = time_to_db(now)
    snoozed = {int(r[0]) for r in conn.execute(_SNOOZED, (stamp, stamp))}
    # Products with the same facts share one (frozen) object: most products differ only by id, and 90,000
    # objects, each with its own empty set of tags, held 36 MB at every read.
    shared: dict[tuple[tuple[str, ...], bool, bool, bool], ProductFacts] = {}
    facts: dict[int, ProductFacts] = {}
    for product_id in tags.keys() | dropped | unsure | snoozed:
        key = (tuple(tags.get(product_id, ())), product_id in dropped, product_id in unsure,
               product_id in snoozed)  # fmt: skip
        fact = shared.get(key)
        if fact is None:
            names, drop, unsure_now, snooze = key
            fact = shared[key] = ProductFacts(
                tags=frozenset(tag_key(n) for n in names) if names else frozenset(),
                dropped_this_week=drop,
                unsure=unsure_now,
                snoozed=snooze,
                tag_names=names,
            )
        facts[product_id] = fact
    return facts


def _dropped(conn: sqlite3.Connection, now: datetime) -> set[int]:
    """Products with a sure reading in the last :data:`DROP_DAYS` below the sure reading before it."""
    dropped: set[int] = set()
    for product_id, price, before in conn.execute(_DROPS, (time_to_db(now - timedelta(days=DROP_DAYS)),)):
        new, old = money_from_db(price), money_from_db(before)
        if new is not None and old is not None and new < old:
            dropped.add(int(product_id))
    return dropped
