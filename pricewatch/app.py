"""The PriceWatch facade: the one object the GUI, the API and the CLI call.

Every user action exists once, here, so the three front ends offer the same things by construction.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from pricewatch import thumbnails, transfer_merge, units
from pricewatch.api_token import TokenStore
from pricewatch.config import LoadedSettings, Paths, Settings, load_settings, save_settings
from pricewatch.errors import NotFoundError
from pricewatch.link_lists import AddOutcome, LinkEntry, screen_links, spellings
from pricewatch.models import AlertKind, AlertRule, PriceObservation, Product, utcnow
from pricewatch.storage import (
    LATEST_VERSION,
    AlertRuleRepository,
    Database,
    DuplicateProductError,
    NotificationRepository,
    ObservationRepository,
    ProductRepository,
    TaskRepository,
)
from pricewatch.storage.listings import ListingGroups
from pricewatch.storage.product_groups import ProductGroup, build_groups, converted_history
from pricewatch.storage.rates import RateRepository, RatesStatus
from pricewatch.transfer_merge import ImportSummary
from pricewatch.translation import translate
from pricewatch.urls import shop_name, validate_url

if TYPE_CHECKING:
    from pricewatch.alerting import AlertBook
    from pricewatch.cache import CacheBackend, CacheEntry
    from pricewatch.deals import Deal
    from pricewatch.models import NotificationRecord, TaskRecord
    from pricewatch.notify.notifier import Notifier
    from pricewatch.organising import BulkEdit, BulkOutcome, Organiser
    from pricewatch.product_filters import ProductFacts, ProductQuery, SavedFilter
    from pricewatch.scraping.browser import BrowserFetcher
    from pricewatch.scraping.extract import Extraction
    from pricewatch.scraping.fetch import Fetcher
    from pricewatch.scraping.fetch_modes import ModeChooser, PageModes
    from pricewatch.scraping.pool import ExtractionPool
    from pricewatch.snoozes import Snoozes
    from pricewatch.storage import CheckOutcome
    from pricewatch.storage.alert_rules import AlertOptions
    from pricewatch.tasks.celery.link import CeleryLink
    from pricewatch.tasks.events import TaskEvent
    from pricewatch.tasks.manager import TaskManager
    from pricewatch.tasks.signals import TaskSignals

log = logging.getLogger(__name__)


class Schedule(Protocol):
    """The periodic jobs (:class:`pricewatch.scheduling.Scheduler`), which sit above the facade."""

    def start(self) -> None: ...

    def shutdown(self) -> None: ...


class ApiServerHandle(Protocol):
    """A running local HTTP API (:class:`pricewatch.api.server.ApiServer`), a front end of the facade."""

    url: str | None

    @property
    def running(self) -> bool: ...

    def start(self) -> str: ...

    def stop(self) -> None: ...


# The layers above the facade hand it these, so it can own their life cycle without importing them.
ScheduleFactory = Callable[["PriceWatch"], Schedule]
ApiServerFactory = Callable[["PriceWatch", str, int], ApiServerHandle]


def parse_price(value: str | Decimal | int | None) -> Decimal | None:
    """A user-entered price ("19.99", "19,99") as a Decimal; raises ValueError with a clear message."""
    if value is None or value == "":
        return None
    text = str(value).strip().replace(",", ".") if not isinstance(value, Decimal) else value
    try:
        price = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a price") from None
    if not price.is_finite() or price < 0:
        raise ValueError(f"{value!r} is not a price")
    exponent = price.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:  # "1e3": stored as "1000", not "1E+3"
        price = price.quantize(Decimal(1))
    return price


NOTES_MAX_CHARS = 5000
SKU_MAX_CHARS = 200


def _notes(value: object) -> str | None:
    text = str(value or "").strip()
    return text[:NOTES_MAX_CHARS] or None


def _identifier(value: object) -> str | None:
    text = " ".join(str(value or "").split())
    return text[:SKU_MAX_CHARS] or None


class PriceWatch:
    """Wires storage, settings and (in later layers) the task engine, scheduler and notifiers."""

    def __init__(
        self,
        paths: Paths | None = None,
        loaded: LoadedSettings | None = None,
        *,
        executor: str | None = None,
        scheduler: ScheduleFactory | None = None,
        api_server: ApiServerFactory | None = None,
    ) -> None:
        """Open the data folder's settings and database.

        Args:
            executor: "threads", "sync" or "celery"; None: settings.tasks.executor.
            scheduler: builds the periodic jobs for :attr:`scheduler` (None: this program schedules nothing).
            api_server: builds the local HTTP API for :meth:`start_api` (None: this program serves no API).
        """
        self._executor = executor
        self._schedule_factory = scheduler
        self._api_server_factory = api_server
        self.paths = paths or Paths.default()
        self.paths.ensure()
        loaded = loaded or load_settings(self.paths)
        self.settings: Settings = loaded.settings
        self.settings_problems: list[str] = loaded.problems
        self.db = Database(self.paths.database_file)
        self.products = ProductRepository(self.db)
        self.observations = ObservationRepository(self.db)
        self.task_records = TaskRepository(self.db)
        self.notification_records = NotificationRepository(self.db)
        self.alert_rules = AlertRuleRepository(self.db)
        self.listing_groups = ListingGroups(self.db)
        self.rates = RateRepository(self.db)
        # Parts built on first use (fetcher, task engine, scheduler, notifier, API) register how to stop here;
        # close() runs them newest first.
        self._closers: list[Callable[[], object]] = []

    # -- the database itself -------------------------------------------------------------------------
    def schema_version(self) -> int:
        """The database's schema version now (a header read); raises sqlite3.Error when it cannot be read."""
        return self.db.schema_version()

    def newer_schema(self) -> int | None:
        """The schema version a newer PriceWatch migrated the database to under this one, else None.

        The window, ``serve`` and the API poll this: this code must stop writing once it is not None.
        Raises sqlite3.Error when the file cannot be read just now (locked, closed)."""
        version = self.schema_version()
        return version if version > LATEST_VERSION else None

    # -- settings ---------------------------------------------------------------------------------------
    def save_settings(self, settings: Settings | None = None) -> None:
        if settings is not None:
            self.settings = settings
        save_settings(self.paths, self.settings)

    # -- products ---------------------------------------------------------------------------------------
    def add_product(
        self,
        url: str,
        *,
        target_price: str | Decimal | None = None,
        title: str | None = None,
        css_selector: str | None = None,
        check_interval_minutes: int | None = None,
        default_rules: bool = True,
        notes: str | None = None,
        sku: str | None = None,
    ) -> Product:
        """Start tracking a URL with the settings' default alert rules (unless ``default_rules`` is False).

        Raises InvalidURLError, ValueError or DuplicateProductError (also for the same page under another
        spelling: the URL is compared in its normal form, tracking parameters dropped)."""
        url = validate_url(url)
        interval = check_interval_minutes
        if interval is None:  # 0 is an error below, not "the default"
            interval = self.settings.schedule.default_check_interval_minutes
        if interval < 1:
            raise ValueError("the check interval must be at least one minute")
        product = Product(
            url=url,
            title=title,
            shop=shop_name(url),
            target_price=parse_price(target_price),
            css_selector=css_selector or None,
            check_interval_minutes=interval,
            notes=_notes(notes),
            sku=_identifier(sku),
        )
        with self.db.transaction():
            product = self.products.add(product)
            if default_rules:
                self._apply_default_rules(product)
        return product

    def add_many(self, entries: list[LinkEntry], *, dry_run: bool = False) -> list[AddOutcome]:
        """Track every web address of a list (pasted text, a bookmarks export), each once, each with its
        outcome: added, or why not (not a web address, a bad one, listed twice, already tracked).

        ``dry_run`` changes nothing: the outcomes say ``new`` for what would be added (the GUI's preview)."""
        outcomes = screen_links(entries, self._tracked_id)
        if dry_run:
            return outcomes
        return [self._add_screened(o) if o.status == "new" else o for o in outcomes]

    def _tracked_id(self, url: str) -> int | None:
        """The product tracked at ``url`` (normal form) or at another spelling of it (see ``spellings``)."""
        for spelling in spellings(url):
            product = self.products.get_by_url(spelling)
            if product is not None:
                return product.id
        return None

    def _add_screened(self, outcome: AddOutcome) -> AddOutcome:
        try:
            product = self.add_product(outcome.url, title=outcome.title)
        except DuplicateProductError as exc:  # added meanwhile (another window, the API)
            reason = f"already tracked as product {exc.existing_id}"
            return AddOutcome(outcome.url, "skipped", exc.existing_id, reason, "already_tracked")
        return AddOutcome(product.url, "added", product.id, title=product.title)

    def _apply_default_rules(self, product: Product) -> None:
        """The settings' default alert rules beside the target price's rule, whichever front end adds."""
        assert product.id is not None
        kinds = [AlertKind(kind) for kind in self.settings.notify.default_rules]
        if kinds:
            rules = self.alerting.rules_for(product) + [AlertRule(product.id, kind) for kind in kinds]
            self.alerting.set_rules(product, rules, None)

    def get_product(self, product_id: int) -> Product:
        product = self.products.get(product_id)
        if product is None:
            raise NotFoundError(f"no product with id {product_id}")
        return product

    def list_products(
        self, search: str | None = None, *, query: ProductQuery | None = None, saved: str | None = None
    ) -> list[Product]:
        """Every product by id; ``search`` matches title, URL or shop; ``query`` and the filter saved as
        ``saved`` (NotFoundError when there is none) must match too."""
        products = self.products.list(search=search)
        queries = [q for q in (query, None if saved is None else self.saved_filter(saved).query) if q]
        return self.organiser.filter_products(products, *queries) if queries else products

    def product_rows(self) -> list[sqlite3.Row]:
        """Every product's stored row, undecoded (``storage.products.from_row``): for change detection."""
        return self.products.raw_rows()

    def update_product(self, product_id: int, **changes: Any) -> Product:
        """Change what the user may edit; a change of the tracked offer or address starts its readings afresh.

        ``url`` moves the product to another address (InvalidURLError, or DuplicateProductError when that
        address is tracked already); ``check_interval_minutes`` must be at least one.
        """
        if "target_price" in changes:
            changes["target_price"] = parse_price(changes["target_price"])
        if "fetch_mode" in changes:
            from pricewatch.scraping.fetch_modes import parse_mode

            changes["fetch_mode"] = str(parse_mode(changes["fetch_mode"]))
        if "notes" in changes:
            changes["notes"] = _notes(changes["notes"])
        if "sku" in changes:
            changes["sku"] = _identifier(changes["sku"])
        if "offer_name" in changes:
            changes["offer_name"] = _identifier(changes["offer_name"])
        if "quantity" in changes:
            changes["quantity"] = units.checked_quantity(changes["quantity"])
        if "check_interval_minutes" in changes and int(changes["check_interval_minutes"]) < 1:
            raise ValueError("the check interval must be at least one minute")
        url = validate_url(changes.pop("url")) if "url" in changes else None
        with self.db.transaction():
            current = self.get_product(product_id)
            if url is not None and url != current.url:
                self._move(current, url)
            elif "offer_key" in changes and (changes["offer_key"] or None) != current.offer_key:
                self._restart_reading(product_id)
                changes.setdefault("offer_name", None)  # the old offer's name names nothing now
            return self.products.update(product_id, **changes)

    def _move(self, product: Product, url: str) -> None:
        """Track ``product`` at another address (in the caller's transaction): its history stays, the price
        it compares with, the page validators, the last error and the page's identifier go."""
        assert product.id is not None
        other = self.products.get_by_url(url)
        if other is not None and other.id != product.id:
            raise DuplicateProductError(url, other.id or 0)
        self._restart_reading(product.id)
        self.products.set_fields(
            product.id,
            url=url,
            shop=shop_name(url),
            sku=None,
            last_error=None,
            last_error_kind=None,
            last_error_status=None,
        )

    def same_item(self, url: str, sku: str | None, exclude_id: int | None = None) -> Product | None:
        """A product of the same shop as ``url`` whose page gave the same identifier (SKU, GTIN), or None.

        The same item can live under two addresses of one shop (a category path, a short link); its own
        identifier says they are one."""
        sku = _identifier(sku)
        if sku is None:
            return None
        for product in self.products.with_identifier(shop_name(validate_url(url)), sku):
            if product.id != exclude_id:
                return product
        return None

    def set_shop_selector(self, shop: str, selector: str | None, exclude_id: int | None = None) -> list[int]:
        """Give every product of ``shop`` (but ``exclude_id``) the CSS price selector; returns their ids."""
        changed: list[int] = []
        with self.db.transaction():
            for product in self.products.of_shop(shop):
                if product.id is not None and product.id != exclude_id:
                    self.products.update(product.id, css_selector=selector or None)
                    changed.append(product.id)
        return changed

    def product_tasks(self, product_id: int, limit: int = 20) -> list[TaskRecord]:
        """The newest checks and look-ups of a product (its checks, and scrapes of its address), newest first.

        A front end reads which fetcher ran, the check's error facts and a look-up's price evidence here."""
        product = self.get_product(product_id)
        checks = self.task_records.with_argument(
            "price_tracking.check_product_price", "product_id", product_id, limit=limit
        )
        scrapes = self.task_records.with_argument("scraping.scrape_product", "url", product.url, limit=limit)
        records = sorted(checks + scrapes, key=lambda r: r.queued_at, reverse=True)
        return records[:limit]

    def _restart_reading(self, product_id: int) -> None:
        """Forget the current/previous/lowest/highest price and the page validators before an offer change.

        Otherwise the first check of the new offer (Large 23.50 -> Medium 21.00) compares with the old offer's
        price: a false "price drop" notification and a false change in the list. With no previous price the
        drop and increase rules have nothing to compare with; the validators go so that the check reads the
        page in full instead of getting 304 and keeping no price. The old readings stay in the history.
        """
        self.products.set_fields(
            product_id, price=None, previous_price=None, lowest_price=None, highest_price=None,
            etag=None, last_modified=None,
        )  # fmt: skip

    def remove_product(self, product_id: int) -> None:
        if not self.products.delete(product_id):
            raise NotFoundError(f"no product with id {product_id}")
        thumbnails.remove_thumbnail(self.paths.cache_dir, product_id)

    def history(self, product_id: int, since: datetime | None = None) -> list[PriceObservation]:
        self.get_product(product_id)
        return self.observations.history(product_id, since=since)

    # -- deals and unit prices --------------------------------------------------------------------------
    def deal(self, product_id: int, now: datetime | None = None) -> Deal:
        """Is the current price a deal? Its rank in the product's history and the check of the page's
        struck-through price (see :mod:`pricewatch.deals`); ``now`` is an aware UTC time."""
        from pricewatch.deals import verdict
        from pricewatch.models import utcnow

        product = self.get_product(product_id)
        return verdict(
            self.observations.history(product_id), now=now or utcnow(), price=product.price,
            list_price=product.list_price, currency=product.currency,
        )  # fmt: skip

    @staticmethod
    def unit_price(product: Product) -> units.UnitPrice | None:
        """The product's price per kg, L or piece, from its stored quantity or its title; None: unknown."""
        return units.unit_price(product.price, units.listing_quantity(product.quantity, product.title))

    # -- one item in several shops, prices in the home currency ------------------------------------------
    @property
    def home_currency(self) -> str:
        return self.settings.currency.home

    def set_home_currency(self, code: str) -> None:
        """Compare prices in ``code`` (ISO 4217, "EUR") from now on; ValueError for anything else."""
        code = str(code or "").strip().upper()
        if not (len(code) == 3 and code.isascii() and code.isalpha()):
            raise ValueError(f"{code[:20]!r} is not a currency code (write it like EUR or USD)")
        self.settings.currency.home = code
        self.save_settings()

    def product_groups(self, search: str | None = None) -> list[ProductGroup]:
        """Every product with its listings, the cheapest in the home currency first named; ``search`` keeps
        the products one of whose listings matches (as :meth:`list_products`)."""
        groups = build_groups(
            self.products.list(), self.listing_groups.lead_of(), self.rates.table(), self.home_currency,
            self.rates_stale(),
        )  # fmt: skip
        if not search:
            return groups
        matching = {p.id for p in self.products.list(search=search)}
        return [g for g in groups if any(item.id in matching for item in g.listings)]

    def product_group(self, product_id: int) -> ProductGroup:
        """The product that ``product_id`` (any of its listings) belongs to."""
        self.get_product(product_id)
        members = self.listing_groups.members(product_id)
        products = [p for p in (self.products.get(m) for m in members) if p is not None]
        lead = {p.id or 0: members[0] for p in products}
        (group,) = build_groups(products, lead, self.rates.table(), self.home_currency, self.rates_stale())
        return group

    def add_listing(self, product_id: int, url: str, **options: Any) -> Product:
        """Track ``url`` as another shop's listing of ``product_id``'s item (options as :meth:`add_product`;
        its alert rules are the defaults, the product's own rules stay where they are)."""
        self.get_product(product_id)
        with self.db.transaction():
            listing = self.add_product(url, **options)
            assert listing.id is not None
            self.listing_groups.join(product_id, listing.id)
        return listing

    def merge_products(self, product_id: int, other_id: int) -> ProductGroup:
        """Make two products one: every listing of both, under the lower id. Splitting undoes it."""
        if product_id == other_id:
            raise ValueError("a product cannot be merged with itself")
        self.get_product(product_id)
        self.get_product(other_id)
        self.listing_groups.join(product_id, other_id)
        return self.product_group(product_id)

    def split_listing(self, product_id: int) -> ProductGroup:
        """Take one listing out of its product: it becomes a product of its own (returned)."""
        self.get_product(product_id)
        if len(self.listing_groups.members(product_id)) < 2:
            raise ValueError(f"product {product_id} has a single listing: there is nothing to split")
        self.listing_groups.split(product_id)
        return self.product_group(product_id)

    def listing_histories(self, product_id: int) -> list[tuple[Product, list[PriceObservation]]]:
        """Every listing of ``product_id``'s product with its history in the home currency (today's rate),
        for one chart; empty when the product has one listing. A listing without a rate is left out."""
        group = self.product_group(product_id)
        if len(group.listings) < 2:
            return []
        table, home = self.rates.table(), self.home_currency
        result = []
        for item in group.listings:
            history = converted_history(
                self.observations.history(item.id), item.product.currency, table, home
            )
            if history is not None:
                result.append((item.product, history))
        return result

    def exchange_rates(self) -> RatesStatus:
        """The stored rates (per euro, with their date) and how the last fetch went."""
        return self.rates.status()

    def rates_stale(self) -> bool:
        """No rates, or rates older than ``settings.currency.stale_after_days``."""
        table = self.rates.table()
        return table.stale(utcnow().date(), self.settings.currency.stale_after_days)

    def compares_prices(self) -> bool:
        """Some listings are grouped, or some price is in another currency than the home one (two short
        look-ups: a front end skips building the groups of 10,000 products when neither is so)."""
        conn = self.db.conn()
        if conn.execute("SELECT 1 FROM product_groups LIMIT 1").fetchone() is not None:
            return True
        row = conn.execute(
            "SELECT 1 FROM products WHERE currency IS NOT NULL AND currency != ? LIMIT 1",
            (self.home_currency,),
        ).fetchone()
        return row is not None

    def rates_missing(self) -> bool:
        """A stored price is in a currency other than the home one and no rates were ever stored."""
        if self.rates.table().rate_date is not None:
            return False
        row = (
            self.db.conn()
            .execute(
                "SELECT 1 FROM products WHERE currency IS NOT NULL AND currency != ? LIMIT 1",
                (self.home_currency,),
            )
            .fetchone()
        )
        return row is not None

    def update_rates(self) -> str:
        """Fetch the exchange rates now (``settings.currency.rates_url``) as a task; returns its id."""
        return self.submit_task("currency.update_rates", priority=10, unique_key="currency:update_rates")

    # -- import and export ----------------------------------------------------------------------------
    def export_products(self, out: TextIO, fmt: str = "json") -> int:
        """Write every product with its history and alert rules; returns the number of products."""
        return transfer_merge.export_products(self, out, fmt)

    def import_products(self, path: Path) -> ImportSummary:
        """Merge an export file into the database; raises OSError or transfer.ImportFormatError."""
        return transfer_merge.import_products(self, path)

    def _refresh_summary(self, product_id: int, currency: str | None) -> None:
        """Recompute a product's current/lowest/highest price from its history (after an import)."""
        transfer_merge.refresh_summary(self, product_id, currency)

    # -- fetching and cache ------------------------------------------------------------------------------
    @functools.cached_property
    def cache(self) -> CacheBackend:
        """Recent fetches and task results (settings.cache): in this process, or in Redis (``backend``)."""
        options = self.settings.cache
        max_bytes = max(0, int(options.max_mb * 1_000_000))
        if options.backend == "redis":
            from pricewatch.redis_cache import RedisCache

            shared = RedisCache.from_url(
                options.redis_url, options.ttl_seconds, prefix=options.key_prefix, max_bytes=max_bytes
            )
            self._closers.append(shared.close)  # its entries stay for other programs and the next start
            return shared
        from pricewatch.cache import ResponseCache

        cache = ResponseCache(options.max_entries, options.ttl_seconds, max_bytes=max_bytes)
        self._closers.append(cache.clear)
        return cache

    @functools.cached_property
    def fetcher(self) -> Fetcher:
        """The one shared, thread-safe page fetcher (settings.fetch), using :attr:`cache`."""
        from pricewatch.scraping.browser.cookies import CookieFile, SharedCookieJar
        from pricewatch.scraping.browser.settings import browser_folder
        from pricewatch.scraping.fetch import Fetcher, FetchSettings

        # The cookies a login or a passed bot check left in the PriceWatch browser serve plain fetches too.
        cookies = SharedCookieJar(CookieFile(browser_folder(self.paths) / "cookies.json"))
        fetcher = Fetcher(FetchSettings.from_settings(self.settings.fetch), cache=self.cache, cookies=cookies)
        self._closers.append(fetcher.close)
        return fetcher

    @functools.cached_property
    def browser_fetcher(self) -> BrowserFetcher:
        """Renders pages in the browser helper process (started on the first page that needs it)."""
        from pricewatch.scraping.browser import BrowserFetcher, BrowserSettings

        browser = BrowserFetcher(BrowserSettings.from_settings(self.settings, self.paths), plain=self.fetcher)
        self._closers.append(browser.close)
        return browser

    @functools.cached_property
    def local_modes(self) -> ModeChooser:
        """Reads a page here in its fetch mode: plain, browser, or auto (the browser when the plain page needs
        it, remembered per shop)."""
        from pricewatch.scraping.fetch_modes import ModeChooser
        from pricewatch.storage.shop_modes import ShopModes

        def browser() -> BrowserFetcher | None:
            return self.browser_fetcher if self.settings.browser.enabled else None

        return ModeChooser(self.fetcher, browser, ShopModes(self.db), reader=self.extractor.read)

    @functools.cached_property
    def modes(self) -> PageModes:
        """What tasks read pages with: :attr:`local_modes`, or with ``executor = "celery"`` a reader that
        sends the reads of checks to Celery workers (and reads here while they cannot take them)."""
        if self.executor_name != "celery":
            return self.local_modes
        from pricewatch.scraping.fetch import FetchSettings
        from pricewatch.tasks.celery.remote import RemotePages

        settings = FetchSettings.from_settings(self.settings.fetch)
        return RemotePages(self.local_modes, self.celery, settings, lambda: self.settings.browser.enabled)

    @functools.cached_property
    def celery(self) -> CeleryLink:
        """The line to the Celery workers (``executor = "celery"``): sends reads, knows if they answer."""
        from pricewatch.tasks.celery.config import CeleryConfig
        from pricewatch.tasks.celery.link import CeleryLink

        link = CeleryLink(CeleryConfig.from_settings(self.settings))
        self._closers.append(link.close)
        return link

    @property
    def executor_name(self) -> str:
        """The executor tasks run with: "threads", "sync" or "celery"."""
        return self._executor or self.settings.tasks.executor

    def executor_status(self, probe: bool = False) -> dict[str, Any]:
        """The engine's executor and, with Celery, the broker and the workers (the status bar, ``pricewatch
        status``).

        ``celery.state`` is ``workers`` (checks read on workers), ``local`` (they read here; ``reason`` says
        why) or ``starting``. ``probe`` asks the broker and the workers now (a second or two at most) instead
        of only reporting what the checks found; ``celery.probe`` then holds the answers.
        """
        status: dict[str, Any] = {"executor": self.executor_name}
        if "celery" not in (self.executor_name, self.settings.tasks.executor):
            return status
        link = self.celery
        facts = link.refresh() if probe else None
        status["celery"] = link.status() if facts is None else {**link.status(), "probe": facts}
        return status

    @property
    def extractor(self) -> ExtractionPool:
        """Extraction for tasks: worker processes (settings.tasks.extract_in_processes), else inline.

        Only with the threads executor: there checks run side by side and extraction holds the GIL the
        fetching threads need; the sync executor (one-shot CLI) would only pay for starting a worker.
        """
        pool: ExtractionPool | None = self.__dict__.get("_extractor")
        if pool is None:
            from pricewatch.scraping.pool import ExtractionPool

            threads = self.executor_name in ("threads", "celery")
            candidate = ExtractionPool(enabled=self.settings.tasks.extract_in_processes and threads)
            pool = self.__dict__.setdefault("_extractor", candidate)  # atomic: one pool when threads race
            if pool is candidate:
                self._closers.append(candidate.close)
        return pool

    def cache_entries(self) -> list[CacheEntry]:
        return self.cache.entries()

    def cache_get(self, key: str) -> Any:
        """The cached value under ``key`` (None when absent or expired)."""
        return self.cache.get(key)

    def cache_delete(self, key: str) -> bool:
        return self.cache.delete(key)

    def cache_clear(self, prefix: str | None = None) -> int:
        """Drop every cache entry (or those whose key starts with ``prefix``); returns how many."""
        return self.cache.clear(prefix)

    def cache_stats(self) -> dict[str, Any]:
        return self.cache.stats()

    def preview(self, url: str, selector: str | None = None, mode: str = "auto") -> Extraction:
        """Fetch ``url`` in ``mode`` and extract its price without storing anything (``pricewatch extract``).

        A page without a price is not an error here: the Extraction says why in ``reason``. Fetch faults
        (InvalidURLError, TransientError, PermanentError) are raised.
        """
        moded = self.modes.fetch(url, mode, selector=selector or None)
        assert moded.extraction is not None  # no validators were sent: never a 304
        return moded.extraction

    # -- task engine --------------------------------------------------------------------------------------
    _engine_started = False

    @functools.cached_property
    def task_manager(self) -> TaskManager:
        """The task engine (built on first use; call :meth:`start` first on the GUI/main thread)."""
        from pricewatch.tasks.manager import TaskManager

        manager = TaskManager(self, executor=self._executor)

        def stop_engine() -> None:
            manager.shutdown()

        self._closers.append(stop_engine)
        return manager

    def set_executor(self, executor: str) -> None:
        """Choose "threads", "sync" or "celery" before the engine is built (one-shot commands run inline)."""
        if "task_manager" in self.__dict__ and self.task_manager.executor_name != executor:
            raise RuntimeError("the task engine is already built; choose the executor before using it")
        self._executor = executor

    @property
    def task_signals(self) -> TaskSignals:
        """QObject with task_added(str), task_changed(str, str), task_progress(str, int, int, str)."""
        return self.task_manager.signals

    def start(self, scheduler: bool = True) -> None:
        """Recover tasks an earlier run left unfinished, start the executors and (optionally) the scheduler.

        Safe to call twice.
        """
        if "task_manager" not in self.__dict__:
            # Parts tasks use are built first, so close() (newest first) stops the engine before them.
            for part in ("cache", "fetcher", "extractor", "notifier", "modes"):
                if hasattr(type(self), part):
                    getattr(self, part)
        self.task_manager.start()
        if scheduler and not self._engine_started and self._schedule_factory is not None:
            self.scheduler.start()
        self._engine_started = self._engine_started or scheduler

    def subscribe(self, callback: Callable[[TaskEvent], Any]) -> Callable[[], None]:
        """Call ``callback(TaskEvent)`` on every task event (on worker threads); returns the unsubscriber."""
        return self.task_manager.subscribe(callback)

    def registered_task_names(self) -> list[str]:
        import pricewatch.tasks.builtin  # noqa: F401 - registers the built-in tasks
        from pricewatch.tasks import registry

        return registry.names()

    def submit_task(
        self,
        name: str,
        *,
        kwargs: dict[str, Any] | None = None,
        priority: int = 0,
        unique_key: str | None = None,
        parent_id: str | None = None,
    ) -> str:
        """Queue a named task; returns its id (an open task with the same unique key: that one's id).

        Raises ValueError for an unknown name or arguments that do not fit it; NotFoundError for no parent.
        """
        from pricewatch.tasks.registry import check_arguments

        if parent_id is not None:
            self.get_task(parent_id)
        manager = self.task_manager  # registers the built-in tasks
        check_arguments(name, kwargs or {})  # a bad argument is the caller's error now, not a FAILURE later
        return manager.submit(
            name, kwargs=kwargs, priority=priority, unique_key=unique_key, parent_id=parent_id
        )

    def get_task(self, task_id: str) -> TaskRecord:
        record = self.task_records.get(task_id)
        if record is None:
            raise NotFoundError(f"no task with id {task_id}")
        return record

    def list_tasks(
        self,
        state: str | None = None,
        name: str | None = None,
        limit: int = 100,
        offset: int = 0,
        parent_id: str | None = None,
    ) -> list[TaskRecord]:
        """Task records, newest first; ``state`` is a state name (ValueError for an unknown one)."""
        from pricewatch.models import TaskState

        if state is not None:
            try:
                state = TaskState(state.upper())
            except ValueError:
                raise ValueError(f"unknown task state {state!r} (use {', '.join(TaskState)})") from None
        return self.task_records.list(state=state, name=name, limit=limit, offset=offset, parent_id=parent_id)

    def task_children(self, task_id: str) -> list[TaskRecord]:
        self.get_task(task_id)
        return list(reversed(self.task_records.list(parent_id=task_id, limit=1_000_000)))

    def cancel_task(self, task_id: str) -> TaskRecord:
        """Queued -> REVOKED at once; running -> asked to stop (REVOKED when it notices); children too."""
        return self.task_manager.cancel(task_id)

    def retry_task(self, task_id: str) -> str:
        """Queue a FAILURE or REVOKED task again (a new task, same name and arguments); returns the new id."""
        return self.task_manager.retry(task_id)

    def wait_for_task(
        self, task_id: str, timeout: float | None = None, include_descendants: bool = True
    ) -> TaskRecord:
        """Block until the task (and its children) are final or ``timeout`` passes; returns its record."""
        return self.task_manager.wait(task_id, timeout=timeout, include_descendants=include_descendants)

    # -- scraping, checks and schedule -------------------------------------------------------------------
    @functools.cached_property
    def scheduler(self) -> Any:
        """The periodic jobs (a :class:`pricewatch.scheduling.Scheduler`); :meth:`start` starts it.

        Raises RuntimeError in a program that was built without them (a one-shot command, a worker)."""
        if self._schedule_factory is None:
            raise RuntimeError("this PriceWatch was started without a scheduler")
        scheduler = self._schedule_factory(self)
        self._closers.append(scheduler.shutdown)
        return scheduler

    def scrape(
        self, url: str, selector: str | None = None, offer_key: str | None = None, store: bool = True
    ) -> str:
        """Fetch and extract one page as a task; returns the task id.

        A fresh reading of a tracked URL is stored unless ``store`` is False (a preview, as in the add/edit
        dialog); see ``scraping.scrape_product``.
        """
        kwargs: dict[str, Any] = {
            "url": validate_url(url),
            "selector": selector or None,
            "offer_key": offer_key or None,
        }
        if not store:
            kwargs["store"] = False
        return self.submit_task("scraping.scrape_product", kwargs=kwargs, priority=10)

    def scrape_batch(self, urls: list[str]) -> str:
        """One parent task with a scrape child per URL; raises InvalidURLError before queueing anything."""
        checked = [validate_url(u) for u in urls]
        if not checked:
            raise ValueError("no URLs to scrape")
        return self.submit_task("scraping.scrape_batch", kwargs={"urls": checked}, priority=10)

    def check_product(self, product_id: int) -> str:
        """Check one product now (even when paused); a check already queued for it is reused."""
        self.get_product(product_id)
        return self.submit_task(
            "price_tracking.check_product_price",
            kwargs={"product_id": product_id},
            priority=10,
            unique_key=f"check:product:{product_id}",
        )

    def check_prices(self, force: bool = False, product_ids: list[int] | None = None) -> str:
        """Check due products (every active one with ``force``, or exactly ``product_ids``) as one batch."""
        kwargs: dict[str, Any] = {"force": bool(force)}
        if product_ids is not None:
            for product_id in product_ids:
                self.get_product(product_id)
            kwargs["product_ids"] = [int(p) for p in product_ids]
        return self.submit_task("price_tracking.check_prices", kwargs=kwargs, priority=10)

    def scheduled_jobs(self) -> list[dict[str, Any]]:
        """The periodic jobs: id, name, task, next_run_at (None while paused or stopped), last_run_at."""
        return list(self.scheduler.job_infos())

    def pause_schedule(self, paused: bool = True) -> None:
        """Pause or resume the periodic jobs (remembered in the settings)."""
        self.scheduler.pause(paused)

    # -- alerts and notifications ------------------------------------------------------------------------
    @functools.cached_property
    def notifier(self) -> Notifier:
        """Sends notifications (desktop, tray fallback, Apprise URLs) and keeps the log (settings.notify)."""
        from pricewatch.notify.notifier import Notifier
        from pricewatch.tasks import owner

        # Digests claim held notifications under this process's identity: a claim of a dead process is freed.
        notifier = Notifier(
            self.notification_records, lambda: self.settings.notify,
            claimer=owner.process_owner(), alive=owner.is_alive, snoozed_until=self._snoozed_until,
        )  # fmt: skip
        close = getattr(notifier.desktop, "close", None)
        if close is not None:  # the desktop channel's bus connection
            self._closers.append(close)
        return notifier

    def set_tray_notifier(self, notifier: Callable[[str, str], None] | None) -> None:
        """The GUI's tray message callable ``(title, message)``, called on worker threads; None removes it."""
        self.notifier.tray.set_notifier(notifier)

    def set_notification_actions(self, handler: Callable[[str, int | None], None] | None) -> None:
        """While set, desktop notifications offer "Open", "Open shop page" and "Snooze 1 day".

        ``handler(action, product_id)`` (``pricewatch.notify.freedesktop.OPEN``, ``OPEN_SHOP``, ``SNOOZE``)
        runs on a bus thread: the GUI's handler must hand over to the GUI thread. None removes it.
        """
        set_handler = getattr(self.notifier.desktop, "set_action_handler", None)
        if set_handler is not None:
            set_handler(handler)

    def snooze_product(
        self, product_id: int, until: datetime | None, *, until_change: bool = False
    ) -> Product:
        """Hold back the product's notifications until ``until`` (UTC), or with ``until_change`` until its
        price changes again; None and not ``until_change`` ends the snooze.

        Its checks and alert rules go on as usual: what fires meanwhile is logged as SUPPRESSED, not sent.
        """
        self.snoozes.snooze_product(product_id, until, until_change)
        return self.get_product(product_id)

    def snooze_products(
        self, product_ids: list[int], until: datetime | None, *, until_change: bool = False
    ) -> int:
        """:meth:`snooze_product` for a selection in one transaction (ids that name nothing are skipped);
        returns how many products it snoozed or woke."""
        return self.snoozes.snooze_products(product_ids, until, until_change)

    def snooze_rule(
        self, product_id: int, rule_id: int, until: datetime | None, *, until_change: bool = False
    ) -> AlertRule:
        """Hold back what one of the product's rules fires, as :meth:`snooze_product` (the rule's state still
        moves on: it does not fire the moment the snooze ends about what the user already knew)."""
        return self.snoozes.snooze_rule(product_id, rule_id, until, until_change)

    @functools.cached_property
    def snoozes(self) -> Snoozes:
        from pricewatch.snoozes import Snoozes

        return Snoozes(self.db, self.products, self.alert_rules)

    def _snoozed_until(self, product_id: int) -> datetime | None:
        from pricewatch.snoozes import snoozed_until

        product = self.products.get(product_id)
        return None if product is None else snoozed_until(product.snoozed_until, product.snooze_until_change)

    @functools.cached_property
    def alerting(self) -> AlertBook:
        from pricewatch.alerting import AlertBook

        return AlertBook(
            self.db, self.products, self.observations, self.alert_rules, lambda: self.settings.currency.home
        )

    def alert_rules_for(self, product_id: int) -> list[AlertRule]:
        """A product's rules; its target price (``product.target_price``) shows as its target_price rule."""
        return self.alerting.rules_for(self.get_product(product_id))

    def alert_options(self, product_id: int) -> AlertOptions:
        self.get_product(product_id)
        return self.alert_rules.options(product_id)

    def set_alert_rules(
        self, product_id: int, rules: list[AlertRule], *, options: AlertOptions | None = None
    ) -> list[AlertRule]:
        """Replace a product's rules (and its minimum change when ``options`` is given); ValueError if bad.

        A rule equal to one the product already has keeps its state: saving unchanged rules re-fires nothing.
        The target_price rule and ``product.target_price`` are the same thing and are kept equal.
        """
        return self.alerting.set_rules(self.get_product(product_id), rules, options)

    # -- tags, smart filters and bulk edits (pricewatch.organising) ---------------------------------------
    @functools.cached_property
    def organiser(self) -> Organiser:
        from pricewatch.organising import Organiser

        return Organiser(self.db, self.products, self.alerting)

    def tags(self) -> list[tuple[str, int]]:
        """Every tag in use with its number of products, by name."""
        return self.organiser.tags.names()

    def product_tags(self, product_id: int) -> list[str]:
        self.get_product(product_id)
        return self.organiser.tags.of_product(product_id)

    def tag_products(self, product_ids: list[int], names: list[str]) -> int:
        """Tag every product (names trimmed, case-insensitive); returns how many tags were new on them."""
        return self.organiser.tag(product_ids, names)

    def untag_products(self, product_ids: list[int], names: list[str]) -> int:
        return self.organiser.untag(product_ids, names)

    def bulk_edit(self, product_ids: list[int], edit: BulkEdit) -> BulkOutcome:
        """One edit (tags, check interval, a rule, pause) of a selection, all or nothing."""
        return self.organiser.bulk_edit(product_ids, edit)

    def product_facts(self, *, readings: bool = True) -> dict[int, ProductFacts]:
        """Tags, drops this week, unsure readings and snoozes of every product, in a few queries;
        ``readings=False``: without the two from the price history (both false), which scan all of it."""
        return self.organiser.facts(readings=readings)

    def save_filter(self, name: str, query: ProductQuery) -> SavedFilter:
        """Keep ``query`` under ``name`` (the same name in any case replaces it)."""
        return self.organiser.save_filter(name, query)

    def saved_filters(self) -> list[SavedFilter]:
        return self.organiser.filters.list()

    def saved_filter(self, name: str) -> SavedFilter:
        return self.organiser.saved_filter(name)

    def delete_filter(self, name: str) -> None:
        self.organiser.delete_filter(name)

    def evaluate_alerts(self, outcome: CheckOutcome) -> list[dict[str, Any]]:
        """Run the product's rules over a check's outcome, store their states, return what to notify."""
        return self.alerting.evaluate(outcome)

    def notify(
        self, title: str, message: str, *, product_id: int | None = None, data: dict[str, Any] | None = None
    ) -> NotificationRecord:
        """Send a notification now (HELD in quiet hours, refused over the daily cap); returns its record."""
        return self.notifier.send(title, message, product_id=product_id, data=data).record

    def notify_batch(self, items: list[dict[str, Any]]) -> list[NotificationRecord]:
        """Send many (``title``, ``message``, optional ``product_id``, ``data``); over 3 become a digest."""
        return [r.record for r in self.notifier.send_batch(items)]

    def list_notifications(self, limit: int = 100, product_id: int | None = None) -> list[NotificationRecord]:
        """The notification log, newest first."""
        return self.notification_records.list(limit=limit, product_id=product_id)

    def send_test_notification(self, title: str = "", message: str = "") -> NotificationRecord:
        """Send through every enabled channel now, ignoring quiet hours and the cap.

        ``data["delivery"]`` of the returned record says what each channel did."""
        title = title or translate("Notifications", "PriceWatch test")
        message = message or translate("Notifications", "Notifications from PriceWatch arrive here.")
        return self.notifier.send(title, message, data={"test": True}, force=True).record

    def flush_held_notifications(self) -> NotificationRecord | None:
        """After quiet hours, send what they held as one digest (a timer or the scheduler calls this)."""
        result = self.notifier.flush_held()
        return None if result is None else result.record

    # -- local HTTP API -----------------------------------------------------------------------------------
    _api_server: ApiServerHandle | None = None  # while the API runs

    @property
    def api_url(self) -> str | None:
        """The API's base URL (``http://127.0.0.1:8765``) while it runs, else None."""
        server = self._api_server
        return server.url if server is not None and server.running else None

    def api_token(self, regenerate: bool = False) -> str:
        """The API bearer token, generated on first use (file mode 0600); ``regenerate`` replaces it."""
        store = TokenStore(self.paths.api_token_file)
        return store.regenerate() if regenerate else store.get_or_create()

    def start_api(self, host: str | None = None, port: int | None = None) -> str:
        """Serve the local HTTP API (host/port from settings.api unless given; port 0: any free port).

        Returns the base URL; raises OSError when the port is taken."""
        if self._api_server is not None and self._api_server.running:
            return self._api_server.url or ""
        if self._api_server_factory is None:
            raise RuntimeError("this PriceWatch was started without the local HTTP API")
        api = self.settings.api
        server = self._api_server_factory(
            self, api.host if host is None else host, api.port if port is None else port
        )
        url = server.start()
        self._api_server = server
        if self.stop_api not in self._closers:
            self._closers.append(self.stop_api)
        return url

    def start_api_if_enabled(self) -> str | None:
        """Start the API if settings.api.enabled (the window and ``serve`` at start-up); returns its URL.

        A failure to start (the port is taken) is logged and returns None: the rest of the program runs on."""
        if not self.settings.api.enabled:
            return None
        try:
            return self.start_api()
        except (OSError, RuntimeError) as exc:
            log.error("the local HTTP API could not start: %s", exc)
            return None

    def stop_api(self) -> None:
        """Stop the API (requests in flight finish first); does nothing when it is off."""
        server, self._api_server = self._api_server, None
        if server is not None:
            server.stop()

    # -- life cycle -----------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop everything started (newest first), then close the database; safe to call twice."""
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except Exception:  # one part failing to stop must not keep the others running
                log.exception("error while shutting down %r", closer)
        self.db.close()

    def __enter__(self) -> PriceWatch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
