"""The real ``pricewatch`` command, run as a user runs it, on a real SQLite file under PRICEWATCH_HOME."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pricewatch import __version__
from tests.support.app import open_pricewatch
from tests.support.pageserver import PageServer


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

    from pricewatch.models import Availability

    with open_pricewatch() as app:
        product = app.add_product("https://shop.example/tv", title="TV", target_price="499")
        assert product.id is not None
        for day, price in ((1, "599.00"), (2, "549.00"), (3, "549.00")):
            app.observations.record_check(
                product.id, checked_at=datetime(2026, 3, day, tzinfo=UTC), price=Decimal(price),
                currency="EUR", availability=Availability.IN_STOCK,
            )  # fmt: skip

    history = json.loads(run("history", "1", "--json").stdout)
    assert [h["price"] for h in history["history"]] == ["599.00", "549.00"]
    assert "€549.00" in run("history", "1").stdout  # as the window writes it (LANG=C reads as US English)

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


# -- argument checks (F7) ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--interval", "0"), "the check interval must be at least one minute"),  # was silently 60
        (("--interval", "-5"), "the check interval must be at least one minute"),
        (("--interval", "20000"), "the check interval must be at most 10080 minutes"),
        (("--interval", "often"), "invalid int value: 'often'"),
        (("--target", "0"), "the target price must be more than 0"),
        (("--target", "0.00"), "the target price must be more than 0"),
        (("--target", "1e3"), "'1e3' is not a price"),
        (("--target", "NaN"), "'NaN' is not a price"),
        (("--target", "-5"), "'-5' is not a price"),
        (("--target", "1,299"), "'1,299' is ambiguous: write 1299 or 1.299"),
    ],
)
def test_bad_add_arguments_are_refused_before_anything_is_stored(args: tuple[str, ...], message: str) -> None:
    proc = run("add", "https://shop.example/x", *args, check=False)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
    assert json.loads(run("list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1,299.00", "1299.00"),
        ("1.299,00", "1299.00"),
        ("19,99", "19.99"),
        ("1,299,000", "1299000"),
        ("30", "30"),
    ],
)
def test_target_prices_as_people_write_them(typed: str, stored: str) -> None:
    run("add", "https://shop.example/x", "--target", typed, "--interval", "15")
    (product,) = json.loads(run("list", "--json").stdout)
    assert (product["target_price"], product["check_interval_minutes"]) == (stored, 15)


# -- URLs (F22) -------------------------------------------------------------------------------------------
def test_a_url_with_a_password_is_refused_and_the_password_never_shown() -> None:
    proc = run("add", "https://me:hunter2@shop.example/p", check=False)
    assert proc.returncode == 2 and "user name or password" in proc.stderr
    assert "hunter2" not in proc.stdout + proc.stderr


def test_another_spelling_of_a_tracked_url_is_a_duplicate() -> None:
    assert "https://shop.example/Item" in run("add", "HTTPS://Shop.EXAMPLE/Item#reviews").stdout
    proc = run("add", "https://shop.example/Item", check=False)
    assert proc.returncode == 2 and "already tracked as product 1" in proc.stderr


# -- list (F5, F19, F23) ----------------------------------------------------------------------------------
def _tracked(url: str, title: str, price: str | None = None, currency: str | None = None, **kw: str) -> int:
    from datetime import UTC, datetime
    from decimal import Decimal

    from pricewatch.models import Availability

    with open_pricewatch() as app:
        product = app.add_product(url, title=title, **kw)  # type: ignore[arg-type]
        assert product.id is not None
        if price is not None:
            app.observations.record_check(
                product.id, checked_at=datetime(2026, 3, 1, tzinfo=UTC), price=Decimal(price),
                currency=currency, availability=Availability.IN_STOCK,
            )  # fmt: skip
        return product.id


def test_list_search_without_a_match_says_so_and_ignores_case_in_any_script() -> None:
    _tracked("https://buch.example/1", "Bücher für alle")
    proc = run("list", "--search", "zzz")
    assert "no product matches 'zzz'" in proc.stdout and "no products tracked yet" not in proc.stdout
    assert "Bücher für alle" in run("list", "--search", "BÜCHER").stdout
    assert [p["id"] for p in json.loads(run("list", "--json", "--search", "FÜR").stdout)] == [1]


def test_list_clips_long_titles_with_an_ellipsis() -> None:
    title = "Tefal 5 Piece, Essential, Pots and Pans Set, Black, Aluminium, Non Stick Induction Hob"
    _tracked("https://shop.example/pans", title)
    line = run("list").stdout.splitlines()[1]
    assert line.endswith("Tefal 5 Piece, Essential, Pots and Pans Set, Black, Aluminium, Non St…")
    assert title not in line


def test_list_shows_amounts_with_the_currencys_decimals() -> None:
    _tracked("https://shop.example/a", "A", "450", "GBP", target_price="30")
    _tracked("https://shop.example/b", "B", "5100.00", "GBP")
    _tracked("https://shop.example/c", "C", "1500", "JPY", target_price="1200")
    _tracked("https://shop.example/d", "D", target_price="19.9")  # never checked: currency unknown
    rows = [line.split() for line in run("list").stdout.splitlines()[1:]]
    # as the window writes them: the locale's symbol and separators (LANG=C reads as US English)
    assert rows[0][1:3] == ["£450.00", "£30.00"]  # was "450 GBP" and "30"
    assert rows[1][1:3] == ["£5,100.00", "-"]
    assert rows[2][1:3] == ["¥1,500", "¥1,200"]
    assert rows[3][1:3] == ["-", "19.90"]
    history = run("history", "1").stdout
    assert "£450.00" in history


# -- a closed pipe (F8) -----------------------------------------------------------------------------------
def test_output_into_a_closed_pipe_ends_quietly() -> None:
    for n in range(3):
        _tracked(f"https://shop.example/{n}", f"Product {n}")
    reader, writer = os.pipe()
    os.close(reader)  # like `head` that has already exited: every write to the pipe fails
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pricewatch", "list"],
            stdout=writer, stderr=subprocess.PIPE, text=True, timeout=60, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    finally:
        os.close(writer)
    assert proc.returncode == 141
    assert proc.stderr == ""  # no traceback, no "Exception ignored ... BrokenPipeError"


# -- add reads the page on request (F18) ------------------------------------------------------------------
def test_add_says_when_the_price_is_read() -> None:
    proc = run("add", "https://shop.example/later")
    assert proc.stdout == "added product 1: https://shop.example/later\n"  # the line scripts read
    assert "its price is read at the next check; `pricewatch check 1` reads it now" in proc.stderr


def test_add_check_reads_the_price_now(pricewatch_home: Path, page_server: PageServer) -> None:
    from tests.support.checks import product_page

    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text("[fetch]\nper_host_delay = 0.0\n", encoding="utf-8")
    url = page_server.add("/mixer", product_page("149", title="Stand Mixer"))
    proc = run("add", url, "--check")
    assert "added product 1" in proc.stdout and "Stand Mixer: €149.00, In stock" in proc.stdout
    (product,) = json.loads(run("list", "--json").stdout)
    assert (product["price"], product["title"], product["last_error"]) == ("149", "Stand Mixer", None)
    assert page_server.hits("/mixer") == 1


def test_add_check_of_a_missing_page_keeps_the_product_and_fails(
    pricewatch_home: Path, page_server: PageServer
) -> None:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text("[fetch]\nper_host_delay = 0.0\n", encoding="utf-8")
    url = page_server.add("/gone", "not here", status=404)
    proc = run("add", url, "--check", check=False)
    assert proc.returncode == 1 and "the check failed" in proc.stderr and "404" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert [p["url"] for p in json.loads(run("list", "--json").stdout)] == [url]


def test_the_facade_refuses_a_zero_interval_and_stores_prices_in_plain_notation() -> None:
    """What the window and the API get from the same facade the CLI uses."""
    from pricewatch.app import parse_price

    assert str(parse_price("1e3")) == "1000" and str(parse_price("2E+2")) == "200"
    assert str(parse_price("19,99")) == "19.99"
    with open_pricewatch() as app:
        with pytest.raises(ValueError, match="at least one minute"):
            app.add_product("https://shop.example/x", check_interval_minutes=0)  # was silently 60
        assert app.products.count() == 0
        product = app.add_product("https://shop.example/x", target_price="1e3")
        assert str(app.get_product(product.id or 0).target_price) == "1000"
        assert product.check_interval_minutes == app.settings.schedule.default_check_interval_minutes


def test_a_data_folder_that_cannot_be_created_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    env = dict(os.environ, PRICEWATCH_HOME=str(blocker / "home"))
    for args in (["list"], ["add", "https://shop.example/x"], ["check", "--all"]):
        proc = subprocess.run(
            [sys.executable, "-m", "pricewatch", *args],
            capture_output=True, text=True, timeout=60, env=env, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert proc.returncode == 4, proc.stderr
        assert f"pricewatch: error: cannot create {blocker / 'home'}: Not a directory" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_add_says_a_page_with_tracking_parameters_is_already_tracked() -> None:
    run("add", "https://shop.example/p/1")
    again = run("add", "https://shop.example/p/1?utm_source=x", check=False)
    assert again.returncode == 2
    assert "https://shop.example/p/1 is already tracked as product 1" in again.stderr
    assert "Traceback" not in again.stderr


def test_snooze_a_product_from_the_command_line() -> None:
    run("add", "https://shop.example/snoozy")
    out = run("snooze", "1", "--days", "7").stdout
    assert out.startswith("product 1 (https://shop.example/snoozy) is snoozed until ")
    listed = json.loads(run("list", "--json").stdout)
    assert listed[0]["snoozed_until"] is not None
    assert (
        run("snooze", "1", "--off").stdout.strip() == "product 1 (https://shop.example/snoozy) notifies again"
    )
    assert json.loads(run("list", "--json").stdout)[0]["snoozed_until"] is None
    bad = run("snooze", "1", "--days", "0", check=False)
    assert bad.returncode == 2 and "--days must be" in bad.stderr
    assert run("snooze", "99", check=False).returncode == 3
