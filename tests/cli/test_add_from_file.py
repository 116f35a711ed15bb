"""Adding from anywhere: a browser's bookmarks export or a text list, each address with its own outcome."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from pricewatch.link_lists import LinkEntry, read_link_list
from tests.support.app import open_pricewatch

BOOKMARKS = Path(__file__).parents[1] / "data" / "bookmarks" / "firefox.html"


def pricewatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args], capture_output=True, text=True, timeout=60,
        env=os.environ.copy(), stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_a_bookmarks_export_adds_each_shop_page_once_and_says_why_not_the_others(tmp_path: Path) -> None:
    with open_pricewatch() as app:
        app.add_product("https://other.example/item/42")  # tracked before
    file = tmp_path / "bookmarks.html"
    shutil.copy(BOOKMARKS, file)
    proc = pricewatch("add", "--from", str(file))
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines == [
        "added product 2: https://shop.example/p/kettle",
        "added product 3: https://shop.example/p/toaster",
        "skipped https://SHOP.example/p/kettle#reviews: listed twice (as "
        "https://shop.example/p/kettle?utm_source=newsletter)",
        "skipped https://other.example/item/42: already tracked as product 1",
        "skipped javascript:alert(1): not a web address",
        "skipped place:sort=8&maxResults=10: not a web address",
        "skipped ftp://files.example/manual.pdf: not a web address",
        "skipped https:///nohost: not a valid address: the URL has no host name: https:///nohost",
        "skipped https://user:secret@shop.example/p/x: not a valid address: the URL contains a user name or "
        "password; PriceWatch does not store credentials (remove the 'user:password@' part)",
    ]
    assert "2 added, 7 skipped of 9 addresses in bookmarks.html" in proc.stderr
    with open_pricewatch() as app:
        products = {p.url: p for p in app.list_products()}
        assert set(products) == {
            "https://other.example/item/42", "https://shop.example/p/kettle", "https://shop.example/p/toaster"
        }  # fmt: skip
        assert products["https://shop.example/p/kettle"].title == "Kettle & Co \N{EN DASH} 1.7 L"
        kettle = products["https://shop.example/p/kettle"].id or 0
        assert [str(r.kind) for r in app.alert_rules_for(kettle)] == ["back_in_stock"]  # the defaults
    again = pricewatch("add", "--from", str(file))  # nothing is added twice
    assert again.returncode == 0 and "0 added, 9 skipped" in again.stderr


def test_a_text_list_takes_the_address_on_each_line(tmp_path: Path) -> None:
    entries = read_link_list("# my list\nhttps://a.example/1\n\nlook: https://b.example/2, cheap!\nnot one\n")
    assert entries == [
        LinkEntry("https://a.example/1"), LinkEntry("https://b.example/2"), LinkEntry("not one")
    ]  # fmt: skip
    file = tmp_path / "list.txt"
    file.write_text("https://a.example/1\nlook: https://b.example/2, cheap!\n", encoding="utf-8")
    proc = pricewatch("add", "--from", str(file))
    assert proc.returncode == 0 and proc.stdout.count("added product") == 2


def test_a_missing_file_or_no_argument_is_a_clear_error(tmp_path: Path) -> None:
    missing = pricewatch("add", "--from", str(tmp_path / "nope.html"))
    assert missing.returncode == 4 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr
    neither = pricewatch("add")
    assert neither.returncode == 2 and "give a URL or --from FILE" in neither.stderr
