"""The shared cookie file: owner-only, merged, expiry honoured, read by plain fetches."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from pricewatch.scraping.browser.cookies import CookieFile, SharedCookieJar
from pricewatch.scraping.fetch import Fetcher, FetchSettings
from tests.support.pageserver import PageServer


def cookie(name: str, value: str, domain: str = "127.0.0.1", **extra: object) -> dict[str, object]:
    return {"name": name, "value": value, "domain": domain, "path": "/", **extra}


def test_the_file_is_owner_only_and_merges_by_domain_path_and_name(tmp_path: Path) -> None:
    os.umask(0o022)
    file = CookieFile(tmp_path / "browser" / "cookies.json")
    file.merge(added=[cookie("a", "1"), cookie("b", "2")])
    file.merge(added=[cookie("a", "3")], removed=[cookie("b", "2")])
    assert stat.S_IMODE(file.path.stat().st_mode) == 0o600
    assert [(c["name"], c["value"]) for c in file.load()] == [("a", "3")]


def test_expired_and_malformed_cookies_are_dropped(tmp_path: Path) -> None:
    file = CookieFile(tmp_path / "cookies.json")
    file.merge(
        added=[cookie("old", "x", expires=time.time() - 10), cookie("new", "y", expires=time.time() + 99)]
    )
    file.path.write_text(file.path.read_text()[:-1] + ', {"name": 5}, "junk"]')
    assert [c["name"] for c in file.load()] == ["new"]
    file.path.write_text("{not json")
    assert file.load() == []


def test_plain_fetches_send_the_cookies_written_after_the_fetcher_was_made(
    tmp_path: Path, page_server: PageServer
) -> None:
    url = page_server.add("/p", "<p>hi</p>")
    file = CookieFile(tmp_path / "cookies.json")
    with Fetcher(FetchSettings(per_host_delay=0), cookies=SharedCookieJar(file)) as fetcher:
        fetcher.fetch(url, use_cache=False)
        assert "cookie" not in page_server.headers("/p")
        file.merge(added=[cookie("session", "s1"), cookie("other", "o", domain="shop.example")])
        fetcher.fetch(url, use_cache=False)
    assert page_server.headers("/p")["cookie"] == "session=s1"
