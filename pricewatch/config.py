"""Settings and folders: one place for both.

Settings are typed dataclasses with defaults, stored as TOML in the platformdirs config folder. Data (SQLite),
cache and log folders come from platformdirs too; ``PRICEWATCH_HOME`` puts all of them in one folder, so tests
and users can run isolated instances. A settings file that cannot be read is moved aside (never deleted) and
the program starts with defaults, saying so.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from pricewatch import __version__
from pricewatch.models import utcnow

log = logging.getLogger(__name__)

APP_NAME = "pricewatch"
HOME_ENV = "PRICEWATCH_HOME"
SETTINGS_FILE = "settings.toml"


@dataclass(frozen=True, slots=True)
class Paths:
    """Where PriceWatch keeps its files."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def default(cls) -> Paths:
        home = os.environ.get(HOME_ENV)
        if home:
            root = Path(home).expanduser().resolve()
            return cls(root, root, root / "cache", root / "logs")
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @property
    def settings_file(self) -> Path:
        return self.config_dir / SETTINGS_FILE

    @property
    def database_file(self) -> Path:
        return self.data_dir / "pricewatch.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "pricewatch.log"

    @property
    def api_token_file(self) -> Path:
        return self.config_dir / "api-token"

    def ensure(self) -> None:
        for folder in (self.config_dir, self.data_dir, self.cache_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)


# -- validity of single values -------------------------------------------------------------------------------
# Each field that has limits declares them once, in its metadata: ``valid`` returns why a (correctly typed)
# value is not acceptable, or None. Loading reports such a value like a type error and keeps the default.
Check = typing.Callable[[Any], "str | None"]
_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


def _between(low: float, high: float) -> dict[str, Any]:
    def valid(value: Any) -> str | None:
        return None if low <= value <= high else f"must be between {low:g} and {high:g}"

    return {"valid": valid, "range": (low, high)}


def _one_of(*choices: str | int) -> dict[str, Any]:
    def valid(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(map(str, choices))}"

    return {"valid": valid, "choices": choices}


DEFAULT_RULE_KINDS = ("any_drop", "price_increase", "back_in_stock", "out_of_stock", "lowest_in_days")


def _rule_kinds() -> dict[str, Any]:
    def valid(value: Any) -> str | None:
        unknown = [kind for kind in value if kind not in DEFAULT_RULE_KINDS]
        return f"unknown rule {unknown[0]!r} (use {', '.join(DEFAULT_RULE_KINDS)})" if unknown else None

    return {"valid": valid}


def _clock_time() -> dict[str, Any]:
    def valid(value: Any) -> str | None:
        if not value.strip() or _CLOCK.match(value):
            return None
        return "must be a time of day as HH:MM, or empty"

    return {"valid": valid}


def _proxy_url() -> dict[str, Any]:
    def valid(value: Any) -> str | None:
        if not value or re.fullmatch(r"(https?|socks5h?)://[^\s/@]+:\d{1,5}/?", value):
            return None
        return "must be empty or like http://host:3128 or socks5://host:1080"

    return {"valid": valid}


def _broker_url() -> dict[str, Any]:
    def valid(value: Any) -> str | None:
        if re.fullmatch(r"(rediss?|amqps?|pyamqp)://\S*", value):
            return None
        return "must be like redis://host:6379/0 or amqp://user:password@host:5672//"

    return {"valid": valid}


def _redis_url(empty: bool = False) -> dict[str, Any]:
    def valid(value: Any) -> str | None:
        if (empty and not value) or re.fullmatch(r"(rediss?|unix)://\S*", value):
            return None
        return "must be like redis://host:6379/0" + (", or empty" if empty else "")

    return {"valid": valid}


def _metadata(section_cls: type, name: str, key: str) -> Any:
    """What the field ``name`` of a settings section declares under ``key`` (None when nothing)."""
    for f in dataclasses.fields(section_cls):
        if f.name == name:
            return f.metadata.get(key)
    raise KeyError(name)


def field_limits(section_cls: type, name: str) -> tuple[float, float] | None:
    """The (low, high) range a numeric setting must be in, or None (for editors and documentation)."""
    limits: tuple[float, float] | None = _metadata(section_cls, name, "range")
    return limits


def field_choices(section_cls: type, name: str) -> tuple[str | int, ...] | None:
    """The values a setting may take when it is one of a few (``executor``), or None."""
    choices: tuple[str | int, ...] | None = _metadata(section_cls, name, "choices")
    return choices


def field_problem(section_cls: type, name: str, value: Any) -> str | None:
    """Why ``value`` (already of the field's type) is not acceptable for the setting, or None."""
    valid: Check | None = _metadata(section_cls, name, "valid")
    return valid(value) if valid is not None else None


@dataclass(slots=True)
class FetchOptions:
    user_agent: str = f"PriceWatch/{__version__} (+desktop price tracker)"
    connect_timeout: float = field(default=10.0, metadata=_between(0.1, 120))
    read_timeout: float = field(default=20.0, metadata=_between(0.1, 300))
    deadline: float = field(default=60.0, metadata=_between(0.1, 600))
    max_body_mb: float = field(default=10.0, metadata=_between(0.001, 100))
    per_host_concurrency: int = field(default=2, metadata=_between(1, 16))
    per_host_delay: float = field(default=1.0, metadata=_between(0, 60))
    respect_robots: bool = True
    thumbnails: bool = True  # fetch each product's image for the table (off: no image requests at all)
    # "http://host:port", "socks5://host:port" (or socks5h: names resolved by the proxy); empty: none.
    # Both fetchers, plain and browser, go through it.
    proxy: str = field(default="", metadata=_proxy_url())


@dataclass(slots=True)
class BrowserOptions:
    """The browser fetcher (Qt WebEngine in a helper process) for shops that need one."""

    enabled: bool = True  # off: "auto" never falls back to the browser, "browser" products fail clearly
    pages: int = field(default=2, metadata=_between(1, 8))  # pages rendered at the same time
    queue_limit: int = field(default=50, metadata=_between(1, 10000))  # fetches waiting beyond that fail
    deadline: float = field(default=30.0, metadata=_between(1, 600))  # seconds a page may take to settle
    recycle_after_pages: int = field(default=200, metadata=_between(1, 100000))
    memory_ceiling_mb: int = field(default=450, metadata=_between(100, 16000))  # helper and its renderers
    # Empty: the browser's own user agent with "PriceWatch/<version>" appended.
    user_agent: str = ""


HEARTBEAT_SHARE = 3  # the task lease lasts at least this many heartbeats


@dataclass(slots=True)
class TaskOptions:
    # "threads" (QThreadPool), "sync" (inline, still journaled) or "celery" (page reads of checks on Celery
    # workers; this program stays the one writer of its data; see "Running checks on other machines")
    executor: str = field(default="threads", metadata=_one_of("threads", "sync", "celery"))
    default_concurrency: int = field(default=2, metadata=_between(1, 32))
    scraping_concurrency: int = field(default=8, metadata=_between(1, 64))
    notifications_concurrency: int = field(default=1, metadata=_between(1, 8))
    max_retries: int = field(default=3, metadata=_between(0, 20))
    # seconds; backoff is base * 2**n with full jitter
    retry_base_delay: float = field(default=30.0, metadata=_between(0.001, 3600))
    retry_max_delay: float = field(default=3600.0, metadata=_between(0.001, 86400))
    task_retention_days: int = field(default=14, metadata=_between(1, 365))
    extract_in_processes: bool = True  # page extraction in worker processes (one per core), not in threads
    # Seconds an engine's hold on its unfinished tasks lasts unrenewed: an engine on another computer (a
    # shared folder) counts as gone after it; on this computer a dead process is noticed at once.
    lease_seconds: float = field(default=30.0, metadata=_between(1, 3600))
    # Seconds between renewals of that hold (and, in long-running engines, looks for orphaned tasks); at most
    # a third of the lease, so two missed renewals still do not let the lease run out.
    heartbeat_seconds: float = field(default=10.0, metadata=_between(0.05, 1200))
    # -- executor = "celery" ------------------------------------------------------------------------------
    # redis://host:6379/0, or amqp://user:password@host:5672// for RabbitMQ
    broker_url: str = field(default="redis://127.0.0.1:6379/0", metadata=_broker_url())
    # Where workers put results and keep per-host politeness (Redis); empty: the broker when it is Redis,
    # else redis://127.0.0.1:6379/0
    result_backend: str = field(default="", metadata=_redis_url(empty=True))
    queue_type: str = field(default="quorum", metadata=_one_of("quorum", "classic"))  # RabbitMQ's queues
    # Checks waiting on workers at once (the scraping queue gets at least this many threads)
    celery_in_flight: int = field(default=32, metadata=_between(1, 256))
    # Seconds a check waits for a worker to take it while no worker takes any: then it runs here
    celery_pickup_seconds: float = field(default=10.0, metadata=_between(0.5, 600))

    def problem(self) -> tuple[str, tuple[str, ...]] | None:
        """Why these values cannot work together (and which fields fall back to their defaults), or None."""
        if self.heartbeat_seconds * HEARTBEAT_SHARE > self.lease_seconds:
            return (
                f"tasks.heartbeat_seconds = {self.heartbeat_seconds:g} must be at most a third of "
                f"tasks.lease_seconds = {self.lease_seconds:g}",
                ("lease_seconds", "heartbeat_seconds"),
            )
        return None


@dataclass(slots=True)
class ScheduleOptions:
    check_minute: int = field(default=0, metadata=_between(0, 59))  # the hourly price check's minute
    # How often the price check runs (it takes the products that are due): 60 is hourly at check_minute;
    # less runs at check_minute and every that many minutes after it within the hour.
    check_every_minutes: int = field(default=60, metadata=_one_of(1, 2, 5, 10, 15, 20, 30, 60))
    default_check_interval_minutes: int = field(default=60, metadata=_between(1, 10080))
    check_jitter_seconds: int = field(default=120, metadata=_between(0, 3600))
    cleanup_hour: int = field(default=2, metadata=_between(0, 23))
    cleanup_minute: int = field(default=0, metadata=_between(0, 59))
    cache_cleanup_hours: int = field(default=6, metadata=_between(1, 168))
    paused: bool = False


@dataclass(slots=True)
class CacheOptions:
    backend: str = field(default="memory", metadata=_one_of("memory", "redis"))
    redis_url: str = field(default="redis://127.0.0.1:6379/0", metadata=_redis_url())  # backend = "redis"
    key_prefix: str = "pricewatch:"  # backend = "redis": several programs may share one Redis
    max_entries: int = field(default=512, metadata=_between(1, 100000))
    ttl_seconds: int = field(default=300, metadata=_between(1, 86400))
    # byte budget for cached pages; a page is often 0.5-2 MB in memory
    max_mb: float = field(default=32.0, metadata=_between(0, 4096))


@dataclass(slots=True)
class NotifyOptions:
    desktop: bool = True
    tray: bool = True
    apprise_urls: list[str] = field(default_factory=list)
    quiet_hours_start: str = field(default="", metadata=_clock_time())  # "22:00"; empty: no quiet hours
    quiet_hours_end: str = field(default="", metadata=_clock_time())
    daily_cap_per_product: int = field(default=3, metadata=_between(0, 100))  # 0: no limit
    # The alert rules a new product gets, whether it is added in the window, from the command line, the API
    # or an import without rules of its own: any_drop, price_increase, back_in_stock, out_of_stock,
    # lowest_in_days (the lowest price of the last 30 days).
    default_rules: list[str] = field(default_factory=lambda: ["back_in_stock"], metadata=_rule_kinds())


@dataclass(slots=True)
class ApiOptions:
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = field(default=8765, metadata=_between(0, 65535))  # 0: any free port
    max_body_kb: int = field(default=256, metadata=_between(1, 10240))


@dataclass(slots=True)
class GuiOptions:
    close_to_tray: bool = True
    tray_hint_shown: bool = False
    # The window's language: "" follows the system (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); read at start.
    language: str = field(default="", metadata=_one_of("", "en", "de", "tr"))


def _currency_code() -> dict[str, Any]:
    def valid(value: Any) -> str | None:
        return None if re.fullmatch(r"[A-Z]{3}", value) else "must be a three-letter currency code like EUR"

    return {"valid": valid}


def _web_address() -> dict[str, Any]:
    def valid(value: Any) -> str | None:
        return None if re.fullmatch(r"https?://\S+", value) else "must be an http:// or https:// address"

    return {"valid": valid}


ECB_DAILY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
RATES_URL_ENV = "PRICEWATCH_RATES_URL"


@dataclass(slots=True)
class CurrencyOptions:
    home: str = field(default="EUR", metadata=_currency_code())  # prices across shops compare in this one
    # A daily reference-rate file in the European Central Bank's format (the bank's own unless the
    # environment names another: the test suite points it at this machine, so no test reaches the internet)
    rates_url: str = field(default_factory=lambda: os.environ.get(RATES_URL_ENV) or ECB_DAILY_URL,
                           metadata=_web_address())  # fmt: skip
    update_hour: int = field(
        default=17, metadata=_between(0, 23)
    )  # local time; the bank publishes ~16:00 CET
    stale_after_days: int = field(default=4, metadata=_between(1, 365))  # a long weekend is not stale


@dataclass(slots=True)
class Settings:
    """Everything the user can configure; each section is one TOML table."""

    fetch: FetchOptions = field(default_factory=FetchOptions)
    browser: BrowserOptions = field(default_factory=BrowserOptions)
    tasks: TaskOptions = field(default_factory=TaskOptions)
    schedule: ScheduleOptions = field(default_factory=ScheduleOptions)
    cache: CacheOptions = field(default_factory=CacheOptions)
    notify: NotifyOptions = field(default_factory=NotifyOptions)
    api: ApiOptions = field(default_factory=ApiOptions)
    gui: GuiOptions = field(default_factory=GuiOptions)
    currency: CurrencyOptions = field(default_factory=CurrencyOptions)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(slots=True)
class LoadedSettings:
    """Settings plus what went wrong reading them, for the UI and CLI to show."""

    settings: Settings
    problems: list[str] = field(default_factory=list)


def _coerce(value: Any, annotation: Any) -> Any:
    """Return ``value`` converted to the field's type, or raise TypeError."""
    origin = typing.get_origin(annotation)
    if origin is list:
        (item_type,) = typing.get_args(annotation)
        if not isinstance(value, list):
            raise TypeError("expected a list")
        return [_coerce(v, item_type) for v in value]
    if annotation is bool:
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return value
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("expected a whole number")
        return value
    if annotation is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError("expected a number")
        return float(value)
    if annotation is str:
        if not isinstance(value, str):
            raise TypeError("expected text")
        return value
    if isinstance(annotation, types.UnionType):
        raise TypeError("unsupported setting type")
    raise TypeError(f"unsupported setting type {annotation!r}")


def _section_from(cls: type, raw: Any, name: str, problems: list[str]) -> Any:
    section = cls()
    if not isinstance(raw, dict):
        problems.append(f"[{name}] is not a table; using defaults for it")
        return section
    hints = typing.get_type_hints(cls)
    for key, value in raw.items():
        if key not in hints:
            problems.append(f"unknown setting {name}.{key} ignored")
            continue
        try:
            coerced = _coerce(value, hints[key])
            reason = field_problem(cls, key, coerced)
            if reason is not None:
                raise TypeError(reason)
        except TypeError as exc:
            problems.append(f"setting {name}.{key} = {value!r}: {exc}; using the default")
            continue
        setattr(section, key, coerced)
    # Values valid alone may still clash (a heartbeat longer than the lease it renews): the fields involved
    # fall back together to their defaults, which agree.
    check = getattr(section, "problem", None)
    clash = check() if check is not None else None
    if clash is not None:
        reason, names = clash
        defaults = cls()
        for key in names:
            setattr(section, key, getattr(defaults, key))
        problems.append(f"{reason}; using the defaults for {', '.join(f'{name}.{key}' for key in names)}")
    return section


def settings_from_dict(raw: dict[str, Any]) -> LoadedSettings:
    """Build settings from parsed TOML, keeping every valid value and reporting the rest."""
    problems: list[str] = []
    settings = Settings()
    hints = typing.get_type_hints(Settings)
    for name, value in raw.items():
        if name not in hints:
            problems.append(f"unknown settings section [{name}] ignored")
            continue
        setattr(settings, name, _section_from(hints[name], value, name, problems))
    return LoadedSettings(settings, problems)


MAX_SETTINGS_BYTES = 1_000_000  # a settings file is a few KB; anything this large is not one


def load_settings(paths: Paths) -> LoadedSettings:
    """Read the settings file; a missing file gives defaults, a corrupt one is backed up and reported."""
    path = paths.settings_file
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except OSError as exc:
        problem = f"cannot read settings file {path}: {exc.strerror}; using defaults"
        return LoadedSettings(Settings(), [problem])
    try:
        if len(data) > MAX_SETTINGS_BYTES:
            raise ValueError(f"larger than {MAX_SETTINGS_BYTES // 1_000_000} MB")
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        # ValueError: a number of thousands of digits; RecursionError: arrays or tables nested too deeply.
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:120]
        problem = f"settings file {path} is not valid TOML ({reason}); using defaults, {_kept(path)}"
        return LoadedSettings(Settings(), [problem])
    loaded = settings_from_dict(raw)
    for problem in loaded.problems:
        log.warning("%s", problem)
    return loaded


def _kept(path: Path) -> str:
    """Move a bad settings file aside (owner-only: it may hold secrets); says where it went."""
    try:
        backup = _back_up(path)
    except OSError as exc:
        log.warning("cannot move the corrupt settings file %s aside: %s", path, exc)
        return f"the bad file was left in place ({exc.strerror})"
    return f"the bad file was kept as {backup}"


def _back_up(path: Path) -> Path:
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.bad-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.bad-{stamp}-{counter}")
        counter += 1
    path.replace(backup)
    backup.chmod(0o600)
    log.warning("corrupt settings file moved to %s", backup)
    return backup


def save_settings(paths: Paths, settings: Settings) -> None:
    """Write settings atomically and owner-only (they may hold Apprise URLs with tokens and passwords).

    A crash mid-write leaves the old file intact; the new file is never readable by others, not even for
    the moment between its creation and a chmod.
    """
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    target = paths.settings_file
    tmp = target.with_name(target.name + ".tmp")
    text = tomli_w.dumps(settings.to_dict()).encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(fd, 0o600)  # a .tmp left by a crash keeps its old mode through O_CREAT
        out.write(text)
        out.flush()
        os.fsync(fd)
    os.replace(tmp, target)
