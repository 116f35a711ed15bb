"""A data migration: product URLs stored before URL normalisation get their normal form.

Spellings such as ``HTTPS://Shop.example:443/p#reviews`` were stored as they were typed before
:func:`pricewatch.urls.validate_url` gave every URL one normal form, so adding the same page again
made a second product. This rewrites each stored URL to its normal form. When rows normalise to one URL:

- They are merged into the oldest (``created_at``, then id) when that loses nothing the user chose: the newer
  row's price history, alert rules, alert options and notifications move to the older one, its target price
  and other unset choices fill the older one's gaps, the current price comes from whichever was checked last,
  the lowest/highest prices combine, and only then is the newer row deleted. A copy of the deleted row is kept
  in the ``meta`` table (``migration.merged_product.<id>``) and the merge is logged.
- They are left as they are (un-normalised, logged) when merging would override a choice: a different tracked
  offer or CSS selector (then they track different things on one page), a different target price, minimum
  change or currency. Merging these would have to throw one choice away; the user can delete one instead.

Why merge rather than always leave duplicates: a duplicate is checked twice and notifies twice, which is the
bug being fixed; merging is safe exactly when both rows describe the same tracking. A URL that is not valid
any more (a scheme or credentials refused now) is left untouched and logged: nothing is deleted for it.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from decimal import Decimal
from typing import Any

log = logging.getLogger(__name__)

META_PREFIX = "migration.merged_product."
# Choices that must agree (or be unset on one side) for two rows to be one product.
_MUST_AGREE = ("offer_key", "css_selector", "target_price", "currency")
# Filled in on the older row from the newer one when the older has none.
_FILL_GAPS = ("title", "target_price", "css_selector", "offer_key", "currency", "image_url")
# Taken from whichever row was checked last: what the shop said most recently.
_LATEST = ("price", "previous_price", "availability", "etag", "last_modified", "last_error")


def normalise_product_urls(conn: sqlite3.Connection) -> None:
    """Run inside the migration's transaction; see the module doc for what happens to each row."""
    from pricewatch.errors import InvalidURLError
    from pricewatch.urls import validate_url

    products = _rows(conn, "SELECT * FROM products ORDER BY created_at, id")
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for product in products:
        try:
            groups[validate_url(product["url"])].append(product)
        except InvalidURLError as exc:
            log.warning("product %s: stored URL left as it is, it is not valid now: %s", product["id"], exc)
    for url, rows in groups.items():
        if len(rows) == 1 and rows[0]["url"] == url:
            continue
        keeper, others = rows[0], rows[1:]
        left = []
        for other in others:
            clash = _clash(conn, keeper, other)
            if clash:
                left.append(other)
                log.warning(
                    "products %s and %s are the same page (%s) but differ in %s: both kept, product %s keeps "
                    "its URL as stored; delete one of them to merge",
                    keeper["id"], other["id"], url, clash, other["id"],
                )  # fmt: skip
            else:
                _merge(conn, keeper, other)
        if keeper["url"] != url and any(r["url"] == url for r in left):
            log.warning("product %s keeps its URL as stored: %s is product %s's", keeper["id"], url,
                        next(r["id"] for r in left if r["url"] == url))  # fmt: skip
            continue
        if keeper["url"] != url:
            conn.execute("UPDATE products SET url = ? WHERE id = ?", (url, keeper["id"]))


def _rows(conn: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _options(conn: sqlite3.Connection, product_id: int) -> tuple[Any, Any] | None:
    row = conn.execute(
        "SELECT min_change_amount, min_change_percent FROM alert_options WHERE product_id = ?", (product_id,)
    ).fetchone()
    return None if row is None else (row[0], row[1])


def _clash(conn: sqlite3.Connection, keeper: dict[str, Any], other: dict[str, Any]) -> str:
    """The choices the two rows disagree on ('' when they can be one product)."""
    differ = [
        name
        for name in _MUST_AGREE
        if None not in (keeper[name], other[name]) and _value(keeper[name]) != _value(other[name])
    ]
    mine, theirs = _options(conn, keeper["id"]), _options(conn, other["id"])
    if mine is not None and theirs is not None and mine != theirs:
        differ.append("minimum change")
    return ", ".join(differ)


def _value(value: Any) -> Any:
    """Money is text in SQLite: "50" and "50.00" are the same target."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def _merge(conn: sqlite3.Connection, keeper: dict[str, Any], other: dict[str, Any]) -> None:
    """Move everything of ``other`` to ``keeper``, then delete ``other`` (its row kept in ``meta``)."""
    keep_id, other_id = keeper["id"], other["id"]
    conn.execute("UPDATE observations SET product_id = ? WHERE product_id = ?", (keep_id, other_id))
    conn.execute("UPDATE notifications SET product_id = ? WHERE product_id = ?", (keep_id, other_id))
    _move_rules(conn, keep_id, other_id)
    if _options(conn, keep_id) is None:
        conn.execute("UPDATE alert_options SET product_id = ? WHERE product_id = ?", (keep_id, other_id))
    changes = _merged_fields(keeper, other)
    if changes:
        assignments = ", ".join(f"{name} = ?" for name in changes)
        conn.execute(f"UPDATE products SET {assignments} WHERE id = ?", (*changes.values(), keep_id))
        keeper.update(changes)
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
        (f"{META_PREFIX}{other_id}", json.dumps({"merged_into": keep_id, "row": other}, default=str)),
    )
    conn.execute("DELETE FROM alert_options WHERE product_id = ?", (other_id,))  # an equal copy, if any
    conn.execute("DELETE FROM products WHERE id = ?", (other_id,))
    log.warning("product %s (%s) merged into product %s: same page", other_id, other["url"], keep_id)


def _move_rules(conn: sqlite3.Connection, keep_id: int, other_id: int) -> None:
    """The newer row's rules the older lacks move over; exact copies of the older's rules go."""
    key = "kind, amount, percent, window_days"
    have = {tuple(r) for r in conn.execute(f"SELECT {key} FROM alert_rules WHERE product_id = ?", (keep_id,))}
    for rule_id, *rule_key in conn.execute(
        f"SELECT id, {key} FROM alert_rules WHERE product_id = ? ORDER BY id", (other_id,)
    ).fetchall():
        if tuple(rule_key) in have:
            conn.execute("DELETE FROM alert_rules WHERE id = ?", (rule_id,))
        else:
            conn.execute("UPDATE alert_rules SET product_id = ? WHERE id = ?", (keep_id, rule_id))
            have.add(tuple(rule_key))


def _merged_fields(keeper: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in _FILL_GAPS:
        if keeper[name] is None and other[name] is not None:
            changes[name] = other[name]
    # Stored times share one fixed format, so text order is time order.
    if (other["last_checked_at"] or "") > (keeper["last_checked_at"] or ""):
        changes.update({name: other[name] for name in _LATEST})
        changes["last_checked_at"] = other["last_checked_at"]
    prices = [v for v in (keeper["lowest_price"], other["lowest_price"]) if v is not None]
    if prices:
        changes["lowest_price"] = min(prices, key=Decimal)
    prices = [v for v in (keeper["highest_price"], other["highest_price"]) if v is not None]
    if prices:
        changes["highest_price"] = max(prices, key=Decimal)
    due = (keeper["next_check_at"], other["next_check_at"])
    changes["next_check_at"] = None if None in due else min(due)  # never checked (None): due at once
    return {name: value for name, value in changes.items() if keeper[name] != value}
