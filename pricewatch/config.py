"""Settings and folders: one place for both.

Settings are typed dataclasses with defaults, stored as TOML in the platformdirs config folder. Data (SQLite),
cache and log folders come from platformdirs too; ``PRICEWATCH_HOME`` puts all of them in one folder, so tests and
users can run isolated instances. A settings file that cannot be read is moved aside (never deleted) and the
program starts with defaults, saying so.
"""

from __future__ import annotations

import dataclasses
import logging
import os
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


@dataclass(slots=True)
class FetchOptions:
    user_agent: str = f"PriceWatch/{__version__} (+desktop price tracker)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_body_mb: float = 10.0
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0
    respect_robots: bool = True


@dataclass(slots=True)
class TaskOptions:
    executor: str = "threads"  # "threads" (QThreadPool) or "sync" (inline, still journaled)
    default_concurrency: int = 2
    scraping_concurrency: int = 8
    notifications_concurrency: int = 1
    max_retries: int = 3
    retry_base_delay: float = 30.0  # seconds; backoff is base * 2**n with full jitter
    retry_max_delay: float = 3600.0
    task_retention_days: int = 14
    extract_in_processes: bool = True  # page extraction in worker processes (one per core), not in threads


@dataclass(slots=True)
class ScheduleOptions:
    check_minute: int = 0  # the hourly price-check job fires at this minute
    default_check_interval_minutes: int = 60
    check_jitter_seconds: int = 120
    cleanup_hour: int = 2
    cleanup_minute: int = 0
    cache_cleanup_hours: int = 6
    paused: bool = False


@dataclass(slots=True)
class CacheOptions:
    max_entries: int = 512
    ttl_seconds: int = 300
    max_mb: float = 32.0  # byte budget for cached pages; a page is often 0.5-2 MB in memory


@dataclass(slots=True)
class NotifyOptions:
    desktop: bool = True
    tray: bool = True
    apprise_urls: list[str] = field(default_factory=list)
    quiet_hours_start: str = ""  # "22:00"; empty disables quiet hours
    quiet_hours_end: str = ""
    daily_cap_per_product: int = 3


@dataclass(slots=True)
class ApiOptions:
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 8765
    max_body_kb: int = 256


@dataclass(slots=True)
class GuiOptions:
    close_to_tray: bool = True
    tray_hint_shown: bool = False


@dataclass(slots=True)
class Settings:
    """Everything the user can configure; each section is one TOML table."""

    fetch: FetchOptions = field(default_factory=FetchOptions)
    tasks: TaskOptions = field(default_factory=TaskOptions)
    schedule: ScheduleOptions = field(default_factory=ScheduleOptions)
    cache: CacheOptions = field(default_factory=CacheOptions)
    notify: NotifyOptions = field(default_factory=NotifyOptions)
    api: ApiOptions = field(default_factory=ApiOptions)
    gui: GuiOptions = field(default_factory=GuiOptions)

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
            setattr(section, key, _coerce(value, hints[key]))
        except TypeError as exc:
            problems.append(f"setting {name}.{key} = {value!r}: {exc}; using the default")
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


def load_settings(paths: Paths) -> LoadedSettings:
    """Read the settings file; a missing file gives defaults, a corrupt one is backed up and reported."""
    path = paths.settings_file
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except OSError as exc:
        return LoadedSettings(Settings(), [f"cannot read settings file {path}: {exc.strerror}; using defaults"])
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        backup = _back_up(path)
        return LoadedSettings(
            Settings(),
            [f"settings file {path} is not valid TOML ({exc}); using defaults, the bad file was kept as {backup}"],
        )
    loaded = settings_from_dict(raw)
    for problem in loaded.problems:
        log.warning("%s", problem)
    return loaded


def _back_up(path: Path) -> Path:
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.bad-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.bad-{stamp}-{counter}")
        counter += 1
    path.replace(backup)
    log.warning("corrupt settings file moved to %s", backup)
    return backup


def save_settings(paths: Paths, settings: Settings) -> None:
    """Write settings atomically (a crash mid-write leaves the old file intact)."""
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    target = paths.settings_file
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(tomli_w.dumps(settings.to_dict()), encoding="utf-8")
    os.replace(tmp, target)
