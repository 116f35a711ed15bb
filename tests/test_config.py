from __future__ import annotations

from pathlib import Path

from pricewatch.config import Paths, Settings, load_settings, save_settings


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
