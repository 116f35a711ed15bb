"""The settings file holds secrets (Apprise URLs) and may be damaged: it is written owner-only, and a corrupt
one gives a clear warning, defaults, and the bad file kept (owner-only) for the user to repair."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.config import Paths, Settings, load_settings, save_settings


@pytest.fixture
def wide_umask() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_settings_are_written_owner_only(paths: Paths, wide_umask: None) -> None:
    settings = Settings()
    settings.notify.apprise_urls = ["tgram://123456:SECRET@telegram/987"]
    save_settings(paths, settings)
    assert mode(paths.settings_file) == 0o600
    assert load_settings(paths).settings.notify.apprise_urls == settings.notify.apprise_urls


def test_a_readable_settings_file_becomes_owner_only_when_saved(paths: Paths, wide_umask: None) -> None:
    paths.settings_file.write_text("[notify]\napprise_urls = ['json://127.0.0.1/x']\n")
    paths.settings_file.chmod(0o644)
    save_settings(paths, load_settings(paths).settings)
    assert mode(paths.settings_file) == 0o600
    assert not list(paths.config_dir.glob("*.tmp"))


DEEP = 100_000
CORRUPT = {
    "not TOML": b"[notify\napprise_urls = 'tgram://SECRET'\n",
    "binary": bytes(range(256)) * 16,
    "deep arrays": b"x = " + b"[" * DEEP + b"]" * DEEP + b"\n",
    "deep tables": b"x = " + b"{a = " * DEEP + b"1" + b"}" * DEEP + b"\n",
    "huge number": b"[fetch]\ndeadline = 1" + b"0" * 5000 + b"\n",
    "too large": b"# " + b"x" * 3_000_000 + b"\n",
}


@pytest.mark.parametrize("name", list(CORRUPT))
def test_corrupt_settings_give_a_clear_warning_and_the_file_is_kept(pricewatch_home: Path, name: str) -> None:
    pricewatch_home.mkdir(parents=True)
    settings = pricewatch_home / "settings.toml"
    settings.write_bytes(CORRUPT[name])
    settings.chmod(0o600)
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", "list"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    (warning,) = [line for line in proc.stderr.splitlines() if "settings file" in line]
    assert warning.startswith(f"pricewatch: warning: settings file {settings} ")
    assert "using defaults" in warning and len(warning) < 300 + 2 * len(str(settings))
    (kept,) = pricewatch_home.glob("settings.toml.bad-*")
    assert kept.name in warning
    assert kept.read_bytes() == CORRUPT[name]
    assert mode(kept) == 0o600
