"""Forward-only schema migrations; the schema version lives in SQLite's ``user_version``.

Migration N takes a database from version N-1 to N. Never edit a migration that has shipped: add a new one.
A migration is SQL, or a function run with the connection inside the step's transaction (data migrations).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from pricewatch.storage.url_migration import normalise_product_urls

MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    # 1: products and their price history
    """
    CREATE TABLE products (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        title TEXT,
        shop TEXT,
        currency TEXT,
        price TEXT,
        previous_price TEXT,
        lowest_price TEXT,
        highest_price TEXT,
        availability TEXT NOT NULL DEFAULT 'Unknown',
        target_price TEXT,
        image_url TEXT,
        css_selector TEXT,
        offer_key TEXT,
        check_interval_minutes INTEGER NOT NULL DEFAULT 60,
        ignore_robots INTEGER NOT NULL DEFAULT 0,
        paused INTEGER NOT NULL DEFAULT 0,
        etag TEXT,
        last_modified TEXT,
        last_error TEXT,
        created_at TEXT NOT NULL,
        last_checked_at TEXT,
        next_check_at TEXT
    );
    CREATE UNIQUE INDEX products_url ON products(url);
    CREATE INDEX products_next_check ON products(next_check_at);
    CREATE TABLE observations (
        id INTEGER PRIMARY KEY,
        product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        observed_at TEXT NOT NULL,
        price TEXT,
        currency TEXT,
        availability TEXT NOT NULL
    );
    CREATE INDEX observations_product_time ON observations(product_id, observed_at);
    """,
    # 2: the task journal
    """
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kwargs TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL,
        queue TEXT NOT NULL DEFAULT 'default',
        priority INTEGER NOT NULL DEFAULT 0,
        parent_id TEXT REFERENCES tasks(id) ON DELETE CASCADE,
        unique_key TEXT,
        retries INTEGER NOT NULL DEFAULT 0,
        max_retries INTEGER NOT NULL DEFAULT 3,
        result TEXT,
        error TEXT,
        traceback TEXT,
        progress_current INTEGER NOT NULL DEFAULT 0,
        progress_total INTEGER NOT NULL DEFAULT 0,
        progress_message TEXT NOT NULL DEFAULT '',
        queued_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        eta TEXT
    );
    CREATE INDEX tasks_state ON tasks(state);
    CREATE INDEX tasks_parent ON tasks(parent_id);
    CREATE INDEX tasks_finished ON tasks(finished_at);
    -- at most one unfinished task per unique key (dedup survives restarts)
    CREATE UNIQUE INDEX tasks_unique_open ON tasks(unique_key)
        WHERE unique_key IS NOT NULL AND state IN ('PENDING', 'STARTED', 'RETRY');
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 3: alert rules and the notification log
    """
    CREATE TABLE alert_rules (
        id INTEGER PRIMARY KEY,
        product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        amount TEXT,
        percent TEXT,
        window_days INTEGER,
        enabled INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL DEFAULT 'armed',
        last_fired_at TEXT
    );
    CREATE INDEX alert_rules_product ON alert_rules(product_id);
    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        product_id INTEGER REFERENCES products(id) ON DELETE SET NULL,
        channels TEXT NOT NULL DEFAULT '[]',
        state TEXT NOT NULL,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        data TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        sent_at TEXT
    );
    CREATE INDEX notifications_product_time ON notifications(product_id, created_at);
    CREATE INDEX notifications_state ON notifications(state);
    """,
    # 4: per-product alert options (minimum change), a notification dedup key (a retried send task finds its
    # row) and the digest that delivered a held notification
    """
    CREATE TABLE alert_options (
        product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
        min_change_amount TEXT,
        min_change_percent TEXT
    );
    ALTER TABLE notifications ADD COLUMN dedup_key TEXT;
    ALTER TABLE notifications ADD COLUMN digest_id INTEGER;
    CREATE UNIQUE INDEX notifications_dedup ON notifications(dedup_key) WHERE dedup_key IS NOT NULL;
    """,
    # 5: task ownership: the engine (process) that queued or runs an unfinished task, and until when its
    # lease holds; recovery takes over only rows whose owner is gone (NULL: anyone may take the row)
    """
    ALTER TABLE tasks ADD COLUMN owner TEXT;
    ALTER TABLE tasks ADD COLUMN lease_until TEXT;
    """,
    # 6: notifications the daily cap held back were logged as FAILED; they have their own state now. Such rows
    # are recognisable by the cap's own mark (data.capped); their reason text stays. The version bump also
    # keeps an older PriceWatch, which does not know the state, from opening the file (SchemaTooNewError).
    """
    UPDATE notifications SET state = 'SUPPRESSED'
        WHERE state = 'FAILED' AND (CASE WHEN json_valid(data) THEN json_extract(data, '$.capped') END) = 1;
    """,
    # 7: a change feed over the task journal: every write stamps the row with a growing change number and the
    # writer's token, so a window reads only what other processes changed since its last look (indexed)
    """
    ALTER TABLE tasks ADD COLUMN changed_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tasks ADD COLUMN changed_by TEXT;
    CREATE INDEX tasks_changed ON tasks(changed_seq);
    """,
    # 8: product URLs stored before URL normalisation get their normal form; two spellings of one page merge
    # when nothing is lost, or stay as they are (logged) when they track different things (see the module)
    normalise_product_urls,
    # 9: the task change feed stamps rows with the database clock instead of a counter (a counter's max()
    # look-up and its own index cost ~10% of the journal's throughput); the state index gains the stamp, so
    # "changed since T" is a seek per state and no write maintains an extra index
    """
    DROP INDEX tasks_changed;
    ALTER TABLE tasks RENAME COLUMN changed_seq TO changed_at;
    DROP INDEX tasks_state;
    CREATE INDEX tasks_state_changed ON tasks(state, changed_at);
    """,
    # 10: a failed or retrying task says what went wrong as facts front ends can read (kind, HTTP status,
    # Retry-After), not only as a message
    """
    ALTER TABLE tasks ADD COLUMN error_kind TEXT;
    ALTER TABLE tasks ADD COLUMN error_status INTEGER;
    ALTER TABLE tasks ADD COLUMN error_retry_after REAL;
    """,
    # 11: the fetcher that last gave a price per shop (plain or browser), so "auto" goes straight to it
    """
    CREATE TABLE shop_fetch_modes (
        shop TEXT PRIMARY KEY,
        mode TEXT NOT NULL CHECK (mode IN ('plain', 'browser')),
        updated_at TEXT NOT NULL
    );
    """,
    # 12: each product's fetch mode (auto, plain or browser)
    """
    ALTER TABLE products ADD COLUMN fetch_mode TEXT NOT NULL DEFAULT 'auto';
    """,
    # 13: the normal form of a URL drops tracking parameters (utm_*, fbclid, ref...): stored URLs get it, and
    # a page tracked twice under two such spellings becomes one product as in 8
    normalise_product_urls,
    # 14: a reading the extractor was not sure of is marked in the history (it fires no alert on its own)
    """
    ALTER TABLE observations ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0;
    """,
    # 15: a product's notifications can be snoozed ("Snooze 1 day" on a notification) until a UTC time
    """
    ALTER TABLE products ADD COLUMN snoozed_until TEXT;
    """,
    # 16: the user's notes on a product, the name of the variant it tracks ("EU 42 / Black") to show it again,
    # and the page's own identifier of the item (its SKU or GTIN) that catches the same item added under two
    # addresses of one shop
    """
    ALTER TABLE products ADD COLUMN notes TEXT;
    ALTER TABLE products ADD COLUMN offer_name TEXT;
    ALTER TABLE products ADD COLUMN sku TEXT;
    CREATE INDEX products_shop_sku ON products(shop, sku) WHERE sku IS NOT NULL;
    """,
    # 17: the machine that read a task's page (a Celery worker's name; NULL: this process), for the task table
    """
    ALTER TABLE tasks ADD COLUMN worker TEXT;
    """,
    # 18: the struck-through "was" price a page shows, with each reading and as the product's current one,
    # so a discount can be checked against the prices seen before it (deals.py)
    """
    ALTER TABLE observations ADD COLUMN list_price TEXT;
    ALTER TABLE products ADD COLUMN list_price TEXT;
    """,
    # 19: how much a product holds ("500 g", "6 x 1.5 L"), read from the page's structured data or set by the
    # user, for its price per kg, L or piece
    """
    ALTER TABLE products ADD COLUMN quantity TEXT;
    """,
    # 20: tags on products; ``key`` is the case-folded name, so "Gift" and "gift" are one tag (SQLite's
    # NOCASE folds ASCII only)
    """
    CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE
    );
    CREATE TABLE product_tags (
        product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (product_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX product_tags_tag ON product_tags(tag_id);
    """,
    # 21: smart filters the user saved by name (the query as JSON, see pricewatch.product_filters); in the
    # database rather than the settings file, so the CLI, the API and every window share them and an export
    # carries them
    """
    CREATE TABLE saved_filters (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        key TEXT NOT NULL UNIQUE,
        query TEXT NOT NULL
    );
    """,
    # 22: snoozes per alert rule (until a time), and "until the price changes again" for a product or a rule
    """
    ALTER TABLE products ADD COLUMN snooze_until_change INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE alert_rules ADD COLUMN snoozed_until TEXT;
    ALTER TABLE alert_rules ADD COLUMN snooze_until_change INTEGER NOT NULL DEFAULT 0;
    """,
    # 23: listings of one item in several shops: a product (listing) joins a group; a product without a row
    # is a group of its own, so existing databases need no data change and checks stay per address
    """
    CREATE TABLE product_groups (
        product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
        group_id INTEGER NOT NULL
    );
    CREATE INDEX product_groups_group ON product_groups(group_id);
    """,
    # 24: exchange rates per euro (the European Central Bank's reference rates) with the date they are for
    """
    CREATE TABLE exchange_rates (
        currency TEXT PRIMARY KEY,
        per_eur TEXT NOT NULL,
        rate_date TEXT NOT NULL,
        fetched_at TEXT NOT NULL
    );
    """,
    # 25: the task journal's indexes fit the engine's look-ups. Only rows they serve are in them: a task
    # without a parent or not finished yet (every row while queued and running) touches neither, two index
    # pages fewer per journal commit ("parent_id = ?" and "finished_at < ?" imply the conditions). The
    # children index holds their state: whether a batch has open children is a seek, and its counts never
    # read the table (with 10,000 children, counting them per finished child made a big check quadratic).
    """
    DROP INDEX tasks_parent;
    CREATE INDEX tasks_parent ON tasks(parent_id, state) WHERE parent_id IS NOT NULL;
    DROP INDEX tasks_finished;
    CREATE INDEX tasks_finished ON tasks(finished_at) WHERE finished_at IS NOT NULL;
    """,
    # 26: why a product's last check failed as a kind and the shop's HTTP status, beside the raw message:
    # the window says it in the user's language ("The shop refused the request (403)…")
    """
    ALTER TABLE products ADD COLUMN last_error_kind TEXT;
    ALTER TABLE products ADD COLUMN last_error_status INTEGER;
    """,
)

LATEST_VERSION = len(MIGRATIONS)


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer PriceWatch; opening it would risk losing data."""


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Bring the schema up to ``target``; each step runs in its own transaction. Returns the old version.

    Safe when several processes start on one fresh file at once: each step takes the write lock (BEGIN
    IMMEDIATE) and reads the version again under it, so a step another process has just applied is skipped.
    """
    current = schema_version(conn)
    _refuse_newer(current)
    for version in range(current + 1, target + 1):
        script = MIGRATIONS[version - 1]
        conn.execute("BEGIN IMMEDIATE")
        try:
            now = schema_version(conn)
            _refuse_newer(now)
            if now >= version:  # another process applied this step while we waited for the lock
                conn.execute("COMMIT")
                continue
            if callable(script):
                script(conn)
            else:
                for statement in _statements(script):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return current


def _refuse_newer(version: int) -> None:
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            f"the database has schema version {version}, "
            f"newer than this PriceWatch knows ({LATEST_VERSION}); "
            "please update PriceWatch"
        )


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit behind our back)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
