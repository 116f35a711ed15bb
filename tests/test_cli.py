"""The real ``pricewatch`` command, run as a user runs it, against a real SQLite file under PRICEWATCH_HOME."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pricewatch import __version__


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", *args],
        capture_output=True, text=True, timeout=60, env=os.environ.copy(), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"PriceWatch {__version__}"
    help_text = run("--help").stdout
    for command in ("add", "list", "remove", "history", "export", "import"):
        assert command in help_text


def test_add_list_remove(pricewatch_home: Path) -> None:
    assert "added product 1" in run("add", "https://shop.example/item/1", "--target", "19.99").stdout
    run("add", "https://www.other.example/p?id=2")
    products = json.loads(run("list", "--json").stdout)
    assert [p["url"] for p in products] == ["https://shop.example/item/1", "https://www.other.example/p?id=2"]
    assert products[0]["target_price"] == "19.99"
    assert products[1]["shop"] == "other.example"
    assert (pricewatch_home / "pricewatch.sqlite3").exists()
    assert "removed product 1" in run("remove", "1").stdout
    assert [p["id"] for p in json.loads(run("list", "--json").stdout)] == [2]
    assert "pricewatch" in run("list").stdout or "other.example" in run("list").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "ftp://shop.example/x"), "only http and https"),
        (("add", "not a url"), "only http and https"),
        (("add", "https://shop.example/x", "--target", "cheap"), "is not a price"),
        (("remove", "42"), "no product with id 42"),
        (("history", "42"), "no product with id 42"),
        (("import", "/nonexistent/file.json"), "cannot read"),
    ],
)
def test_bad_input_gives_a_clear_message_and_no_traceback(args: tuple[str, ...], message: str) -> None:
    proc = run(*args, check=False)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_adding_the_same_url_twice_is_refused() -> None:
    run("add", "https://shop.example/same")
    proc = run("add", "https://shop.example/same", check=False)
    assert proc.returncode == 2 and "already tracked as product 1" in proc.stderr


def test_corrupt_settings_file_is_reported_and_defaults_used(pricewatch_home: Path) -> None:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text("[[[ broken", encoding="utf-8")
    proc = run("list")
    assert "not valid TOML" in proc.stderr and "Traceback" not in proc.stderr
    assert list(pricewatch_home.glob("settings.toml.bad-*"))


def test_history_export_import_round_trip(tmp_path: Path, pricewatch_home: Path) -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from pricewatch.app import PriceWatch
    from pricewatch.models import Availability

    with PriceWatch() as app:
        product = app.add_product("https://shop.example/tv", title="TV", target_price="499")
        assert product.id is not None
        for day, price in ((1, "599.00"), (2, "549.00"), (3, "549.00")):
            app.observations.record_check(
                product.id, checked_at=datetime(2026, 3, day, tzinfo=UTC), price=Decimal(price),
                currency="EUR", availability=Availability.IN_STOCK,
            )  # fmt: skip

    history = json.loads(run("history", "1", "--json").stdout)
    assert [h["price"] for h in history["history"]] == ["599.00", "549.00"]
    assert "549.00 EUR" in run("history", "1").stdout

    json_file, csv_file = tmp_path / "out.json", tmp_path / "out.csv"
    run("export", str(json_file))
    run("export", str(csv_file))
    with csv_file.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["price"] for r in rows] == ["599.00", "549.00"]
    assert json.loads(run("export", "--format", "json").stdout)["products"][0]["title"] == "TV"

    os.environ["PRICEWATCH_HOME"] = str(tmp_path / "second-home")
    try:
        assert "1 new products" in run("import", str(json_file)).stdout
        again = run("import", str(csv_file)).stdout
        assert "0 new products, 1 already known, 0 history entries added" in again
        imported = json.loads(run("history", "1", "--json").stdout)
        assert imported["product"]["price"] == "549.00"
        assert imported["product"]["highest_price"] == "599.00"
        assert imported["product"]["target_price"] == "499"
        assert [h["price"] for h in imported["history"]] == ["599.00", "549.00"]
    finally:
        os.environ["PRICEWATCH_HOME"] = str(pricewatch_home)


def test_import_of_a_file_that_is_not_an_export(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"products": [{"title": "no url"}]}', encoding="utf-8")
    proc = run("import", str(bad), check=False)
    assert proc.returncode != 0 and "product 1: no url" in proc.stderr
    assert json.loads(run("list", "--json").stdout) == []


def test_log_file_is_written(pricewatch_home: Path) -> None:
    run("add", "https://shop.example/logged")
    assert (pricewatch_home / "logs").is_dir()
