from __future__ import annotations

from pathlib import Path

import pytest

from pricewatch.config import Paths, Settings, load_settings, save_settings
from tests.support.app import open_pricewatch


def test_pricewatch_home_holds_every_folder(pricewatch_home: Path) -> None:
    paths = Paths.default()
    assert paths.config_dir == pricewatch_home.resolve()
    assert paths.data_dir == pricewatch_home.resolve()
    assert paths.cache_dir.parent == pricewatch_home.resolve()
    assert paths.log_dir.parent == pricewatch_home.resolve()
    assert paths.database_file.parent == pricewatch_home.resolve()


def test_missing_file_gives_defaults(paths: Paths) -> None:
    loaded = load_settings(paths)
    assert loaded.settings == Settings()
    assert loaded.problems == []


def test_save_and_load_round_trip(paths: Paths) -> None:
    settings = Settings()
    settings.fetch.per_host_delay = 2.5
    settings.notify.apprise_urls = ["ntfy://example/topic"]
    settings.api.enabled = True
    save_settings(paths, settings)
    loaded = load_settings(paths)
    assert loaded.problems == []
    assert loaded.settings == settings


def test_corrupt_file_is_backed_up_and_defaults_used(paths: Paths) -> None:
    paths.settings_file.write_text("[fetch\nthis is = not toml", encoding="utf-8")
    loaded = load_settings(paths)
    assert loaded.settings == Settings()
    assert len(loaded.problems) == 1
    assert "not valid TOML" in loaded.problems[0]
    backups = list(paths.config_dir.glob("settings.toml.bad-*"))
    assert len(backups) == 1
    assert backups[0].read_text(encoding="utf-8").startswith("[fetch")
    assert not paths.settings_file.exists()


def test_binary_garbage_is_reported_not_raised(paths: Paths) -> None:
    paths.settings_file.write_bytes(b"\xff\xfe\x00garbage\x80")
    loaded = load_settings(paths)
    assert loaded.settings == Settings()
    assert loaded.problems and "using defaults" in loaded.problems[0]


def test_bad_values_fall_back_per_field_and_keep_the_good_ones(paths: Paths) -> None:
    paths.settings_file.write_text(
        '[fetch]\nper_host_delay = "soon"\nper_host_concurrency = 4\n[nonsense]\nx = 1\n'
        '[api]\nenabled = "yes"\nport = 9000\n',
        encoding="utf-8",
    )
    loaded = load_settings(paths)
    assert loaded.settings.fetch.per_host_concurrency == 4
    assert loaded.settings.fetch.per_host_delay == Settings().fetch.per_host_delay
    assert loaded.settings.api.port == 9000
    assert loaded.settings.api.enabled is False
    text = " ".join(loaded.problems)
    assert "fetch.per_host_delay" in text and "api.enabled" in text and "[nonsense]" in text
    assert paths.settings_file.exists()  # a readable file with bad values is not moved away


def _load(paths: Paths, text: str) -> tuple[Settings, str]:
    paths.settings_file.write_text(text, encoding="utf-8")
    loaded = load_settings(paths)
    return loaded.settings, " | ".join(loaded.problems)


def test_unknown_choice_is_reported_and_the_default_used(paths: Paths) -> None:
    settings, problems = _load(paths, '[tasks]\nexecutor = "bogus"\nmax_retries = 5\n')
    assert settings.tasks.executor == "threads"
    assert settings.tasks.max_retries == 5  # the rest of the file still counts
    assert "tasks.executor = 'bogus': must be one of threads, sync, celery; using the default" in problems


@pytest.mark.parametrize(
    ("toml", "section", "name", "reason"),
    [
        ("[fetch]\nper_host_concurrency = 0", "fetch", "per_host_concurrency", "between 1 and 16"),
        ("[tasks]\nmax_retries = -1", "tasks", "max_retries", "between 0 and 20"),
        ("[schedule]\ncheck_minute = 99", "schedule", "check_minute", "between 0 and 59"),
        ("[api]\nport = 70000", "api", "port", "between 0 and 65535"),
    ],
)
def test_whole_number_out_of_range_is_reported_and_the_default_used(
    paths: Paths, toml: str, section: str, name: str, reason: str
) -> None:
    settings, problems = _load(paths, toml + "\n")
    assert getattr(getattr(settings, section), name) == getattr(getattr(Settings(), section), name)
    assert f"{section}.{name}" in problems and reason in problems and "using the default" in problems


@pytest.mark.parametrize("value", ["-3", "1e9"])
def test_decimal_number_out_of_range_is_reported_and_the_default_used(paths: Paths, value: str) -> None:
    settings, problems = _load(paths, f"[fetch]\nper_host_delay = {value}\nper_host_concurrency = 3\n")
    assert settings.fetch.per_host_delay == Settings().fetch.per_host_delay
    assert settings.fetch.per_host_concurrency == 3
    assert "fetch.per_host_delay" in problems and "between 0 and 60" in problems


def test_bounds_are_inclusive(paths: Paths) -> None:
    settings, problems = _load(paths, "[fetch]\nper_host_delay = 0\nper_host_concurrency = 16\n")
    assert problems == ""
    assert (settings.fetch.per_host_delay, settings.fetch.per_host_concurrency) == (0.0, 16)


@pytest.mark.parametrize("value", ["25:99", "22", "soon"])
def test_time_of_day_that_is_not_hh_mm_is_reported(paths: Paths, value: str) -> None:
    settings, problems = _load(paths, f'[notify]\nquiet_hours_start = "{value}"\nquiet_hours_end = "07:00"\n')
    assert settings.notify.quiet_hours_start == ""
    assert settings.notify.quiet_hours_end == "07:00"
    assert "notify.quiet_hours_start" in problems and "HH:MM" in problems


def test_limits_are_declared_once_on_the_fields() -> None:
    from pricewatch.config import FetchOptions, TaskOptions, field_limits, field_problem

    assert field_limits(FetchOptions, "per_host_concurrency") == (1, 16)
    assert field_limits(FetchOptions, "user_agent") is None
    assert field_problem(TaskOptions, "executor", "sync") is None
    assert field_problem(TaskOptions, "executor", "celery") is None
    assert field_problem(TaskOptions, "executor", "bogus") is not None


def test_the_window_and_commands_start_with_a_bad_value(paths: Paths) -> None:

    paths.settings_file.write_text(
        '[tasks]\nexecutor = "bogus"\n[fetch]\nper_host_concurrency = 0\n', encoding="utf-8"
    )
    with open_pricewatch() as app:
        assert len(app.settings_problems) == 2
        app.start(scheduler=False)  # raised ValueError for both values before
        assert app.task_manager.executor_name == "threads"


@pytest.mark.parametrize("end", [0, 1], ids=["lowest", "highest"])
def test_every_value_the_loader_accepts_lets_the_engine_start(paths: Paths, end: int) -> None:
    """The limits are the program's, not the dialog's: no accepted value may stop the window or a check."""
    import dataclasses

    import tomli_w

    from pricewatch.config import field_limits

    raw: dict[str, dict[str, object]] = {}
    for section in dataclasses.fields(Settings):
        section_cls = type(getattr(Settings(), section.name))
        for f in dataclasses.fields(section_cls):
            limits = field_limits(section_cls, f.name)
            if limits is not None:
                value = limits[end]
                raw.setdefault(section.name, {})[f.name] = (
                    float(value) if isinstance(getattr(section_cls(), f.name), float) else int(value)
                )
    raw["tasks"]["executor"] = "sync"
    paths.settings_file.write_text(tomli_w.dumps(raw), encoding="utf-8")
    with open_pricewatch() as app:
        assert app.settings_problems == []
        assert app.settings.fetch.per_host_concurrency == (1, 16)[end]
        app.start(scheduler=True)
        app.cache.set("key", "value")
        assert app.scheduler.caught_up.wait(30)
        assert app.scheduled_jobs()[0]["next_run_at"] is not None


def test_the_rates_source_defaults_to_the_ecb_unless_the_environment_names_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pricewatch.config import ECB_DAILY_URL, RATES_URL_ENV, CurrencyOptions, settings_from_dict

    assert CurrencyOptions().rates_url == "http://127.0.0.1:9/eurofxref-daily.xml"  # tests/conftest.py
    monkeypatch.delenv(RATES_URL_ENV)
    assert (
        CurrencyOptions().rates_url
        == ECB_DAILY_URL
        == ("https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml")
    )
    loaded = settings_from_dict({"currency": {"home": "usd", "rates_url": "ftp://x", "stale_after_days": 0}})
    assert loaded.settings.currency.home == "EUR" and loaded.settings.currency.rates_url == ECB_DAILY_URL
    assert len(loaded.problems) == 3 and any("three-letter" in p for p in loaded.problems)
