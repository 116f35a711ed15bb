"""Adding from anywhere: a browser's bookmarks export or a text list, each address with its own outcome."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
    entries = read_link_list(
        "# my list\nhttps://a.example/1\n\nlook: https://b.example/2, cheap!\nnot one\n"
        "javascript:open('https://c.example/3')\n"
    )
    assert entries == [
        LinkEntry("https://a.example/1"), LinkEntry("https://b.example/2"), LinkEntry("not one"),
        LinkEntry("javascript:open('https://c.example/3')"),
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


KAHVE = "https://www.kahve.example/urun/t%C3%BCrk-kahvesi-250g"
KETTLE = "https://laden.example/produkte/wasserkocher-1-7l"
TEAPOT = "https://magasin.example/produit/th%C3%A9i%C3%A8re?couleur=rouge"
FIREFOX_LINES = [
    "added product 2: https://www.mozilla.org/en-US/firefox/central/",
    f"added product 3: {KAHVE}",
    f"skipped {KAHVE}?fbclid=IwAR0abc: listed twice (as {KAHVE}?utm_source=newsletter&utm_medium=email)",
    f"added product 4: {KETTLE}/",
    f"skipped {KETTLE}: listed twice (as {KETTLE}/)",
    "added product 5: https://shop.example/p/headphones",
    "skipped https://shop.example/p/already-tracked: already tracked as product 1",
    "skipped place:sort=8&maxResults=10: not a web address",
    "skipped javascript:(function(){alert(document.title)})(): not a web address",
    "skipped file:///home/me/receipts/2023.pdf: not a web address",
    "skipped ftp://ftp.example.org/pub/manual.pdf: not a web address",
    "skipped https://exa mple.example/broken: not a valid address: the host name is not valid: "
    "https://exa mple.example/broken",
    f"added product 6: {TEAPOT}",
]
CHROME_LINES = [
    f"added product 2: {KAHVE}",
    f"added product 3: {KETTLE}/",
    f"skipped {KETTLE}: listed twice (as {KETTLE}/)",
    "added product 4: https://xn--bcher-kva.example/buch/978-3-16-148410-0",
    "skipped javascript:void(window.open('https://translate.example/?u='+"
    "encodeURIComponent(location.href))): not a web address",
    "skipped chrome://settings/: not a web address",
    "added product 5: https://shop.example/p/headphones",
    "skipped https://shop.example/p/already-tracked/: already tracked as product 1",
    "skipped file:///C:/Users/me/Downloads/invoice.pdf: not a web address",
    "skipped ftp://ftp.example.org/pub/: not a web address",
    "skipped http://[::1: not a valid address: not a valid URL: Invalid IPv6 URL",
    f"added product 6: {TEAPOT}",
]


@pytest.mark.parametrize(
    ("export", "expected", "summary"),
    [
        ("firefox-export.html", FIREFOX_LINES, "5 added, 8 skipped of 13 addresses"),
        ("chrome-export.html", CHROME_LINES, "5 added, 7 skipped of 12 addresses"),
    ],
)
def test_a_real_browser_export_adds_each_shop_page_once(
    tmp_path: Path, export: str, expected: list[str], summary: str
) -> None:
    """Folders, separators, descriptions, keywords, favicons, tracking parameters, trailing slashes, non-web
    schemes, a broken address and titles in several scripts, as Firefox and Chrome write them."""
    with open_pricewatch() as app:
        app.add_product("https://shop.example/p/already-tracked")
    file = tmp_path / "bookmarks.html"
    shutil.copy(BOOKMARKS.with_name(export), file)
    proc = pricewatch("add", "--from", str(file))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == expected
    assert f"{summary} in bookmarks.html" in proc.stderr
    with open_pricewatch() as app:
        titles = {p.url: p.title for p in app.list_products()}
    assert len(titles) == 6
    assert titles[KAHVE] == "Türk Kahvesi 250 g \N{EN DASH} Öğütülmüş"
    assert titles[f"{KETTLE}/"] == 'Wasserkocher "Kühl" 1,7 l & Filter'
    assert titles["https://shop.example/p/headphones"] == "Kopfhörer 🎧 <Sale>"
    assert titles[TEAPOT] == "Théière « rouge »"
    again = pricewatch("add", "--from", str(file))
    assert again.returncode == 0 and "added product" not in again.stdout
    assert f"0 added, {len(expected)} skipped" in again.stderr


def test_the_other_browsers_export_adds_only_what_is_new(tmp_path: Path) -> None:
    firefox, chrome = tmp_path / "firefox.html", tmp_path / "chrome.html"
    shutil.copy(BOOKMARKS.with_name("firefox-export.html"), firefox)
    shutil.copy(BOOKMARKS.with_name("chrome-export.html"), chrome)
    assert pricewatch("add", "--from", str(firefox)).returncode == 0
    proc = pricewatch("add", "--from", str(chrome))
    added = [line for line in proc.stdout.splitlines() if line.startswith("added")]
    assert added == ["added product 7: https://xn--bcher-kva.example/buch/978-3-16-148410-0"]
    assert f"skipped {KETTLE}/: already tracked as product 3" in proc.stdout.splitlines()
