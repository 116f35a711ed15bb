"""One item in two shops with two currencies, as a user drives it from the terminal: real processes, a real
local server for both shops and for the rates file."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from pricewatch.models import utcnow
from tests.support.cli import cli
from tests.support.pages import product_page
from tests.support.pageserver import PageServer
from tests.support.rates import RATES_DIR, rates_file, serve_rates


def two_shops(home: Path, server: PageServer, rates: bytes) -> tuple[str, str]:
    """Shop A sells the kettle for 20.00 EUR, shop B for 23.75 USD (19.00 EUR at 1.25 USD per EUR)."""
    rates_url = serve_rates(server, "/eurofxref-daily.xml", rates)
    settings = home / "settings.toml"
    settings.write_text(
        settings.read_text() + f'\n[currency]\nhome = "EUR"\nrates_url = "{rates_url}"\n', encoding="utf-8"
    )
    a = server.add("/a/kettle", product_page("Kettle", "20.00", "EUR"))
    b = server.add("/b/kettle", product_page("Kettle", "23.75", "USD"))
    return a, b


def test_list_json_shows_the_cheapest_listing_in_the_home_currency(
    home: Path, page_server: PageServer
) -> None:
    today = utcnow().date()
    a, b = two_shops(home, page_server, rates_file(today))
    assert cli("add", a, "--no-window").stdout.startswith("added product 1")
    added = cli("add", b, "--to", "1", "--no-window")
    assert added.returncode == 0, added.stderr
    assert "another shop's listing of product 1" in added.stdout
    assert cli("check", "--sync").returncode == 0
    rates = cli("rates", "--update")
    assert rates.returncode == 0, rates.stderr
    assert f"rates of {today} for 5 currencies" in rates.stdout

    listed = cli("list", "--json")
    assert listed.returncode == 0, listed.stderr
    (product,) = json.loads(listed.stdout)
    assert (product["id"], product["shops"], product["home_currency"], product["rates_stale"]) == (
        1,
        2,
        "EUR",
        False,
    )
    by_id = {item["id"]: item for item in product["listings"]}
    assert (by_id[1]["price"], by_id[1]["currency"], by_id[1]["home_price"], by_id[1]["rate_date"]) == (
        "20.00", "EUR", "20.00", None,
    )  # fmt: skip
    assert (by_id[2]["price"], by_id[2]["currency"], by_id[2]["home_price"], by_id[2]["rate_date"]) == (
        "23.75", "USD", "19.00", today.isoformat(),
    )  # fmt: skip
    cheapest = product["cheapest"]
    assert (cheapest["id"], cheapest["home_price"], cheapest["home_currency"]) == (2, "19.00", "EUR")

    text = cli("list").stdout
    assert "2 shops" in text and "€19.00" in text and f"rate of {today}" in text

    # In dollars the same comparison holds: 20.00 EUR is 25.00 USD, shop B's 23.75 USD is cheaper.
    settings = home / "settings.toml"
    settings.write_text(settings.read_text().replace('home = "EUR"', 'home = "USD"'), encoding="utf-8")
    (product,) = json.loads(cli("list", "--json").stdout)
    assert (product["cheapest"]["id"], product["cheapest"]["home_price"]) == (2, "23.75")
    assert {item["id"]: item["home_price"] for item in product["listings"]} == {1: "25.00", 2: "23.75"}


def test_merge_and_split_from_the_terminal(home: Path, page_server: PageServer) -> None:
    a, b = two_shops(home, page_server, rates_file(utcnow().date()))
    cli("add", a, "--no-window")
    cli("add", b, "--no-window")
    assert len(json.loads(cli("list", "--json").stdout)) == 2
    merged = cli("merge", "2", "1", "--json")
    assert merged.returncode == 0, merged.stderr
    assert [item["id"] for item in json.loads(merged.stdout)["listings"]] == [1, 2]
    assert len(json.loads(cli("list", "--json").stdout)) == 1
    split = cli("split", "2")
    assert split.returncode == 0 and "product of its own" in split.stderr
    assert [p["id"] for p in json.loads(cli("list", "--json").stdout)] == [1, 2]
    refused = cli("merge", "1", "7")
    assert refused.returncode == 3 and "no product with id 7" in refused.stderr


def test_rates_update_from_a_broken_file_keeps_the_good_ones_and_a_stale_file_is_flagged(
    home: Path, page_server: PageServer
) -> None:
    two_shops(home, page_server, rates_file(date(2024, 1, 5)))
    stale = cli("rates", "--update", "--json")
    assert stale.returncode == 0, stale.stderr
    facts = json.loads(stale.stdout)
    assert (facts["rate_date"], facts["stale"], facts["per_eur"]["USD"]) == ("2024-01-05", True, "1.2500")
    assert "STALE" in cli("rates").stdout

    page_server.add("/eurofxref-daily.xml", (RATES_DIR / "broken-html.xml").read_bytes(),
                    headers={"Content-Type": "text/xml"})  # fmt: skip
    broken = cli("rates", "--update")
    assert broken.returncode == 1
    assert "not XML" in broken.stderr and "the rates of 2024-01-05 are kept" in broken.stderr
    assert "rates of 2024-01-05" in broken.stdout
    shown = cli("rates")
    assert "the last update failed" in shown.stdout and "the rates above are kept" in shown.stdout


def test_the_cheapest_of_all_shops_rule_from_the_terminal(home: Path) -> None:
    assert cli("add", "https://shop.example/kettle", "--no-window").returncode == 0
    set_rule = cli("alerts", "1", "--cheapest-below", "19,50")
    assert set_rule.returncode == 0, set_rule.stderr
    assert "cheapest of all shops at or below €19.50" in set_rule.stdout
    rules = json.loads(cli("alerts", "1", "--json").stdout)["rules"]
    assert [(r["kind"], r["amount"]) for r in rules if r["kind"] == "cheapest_below"] == [
        ("cheapest_below", "19.50")
    ]
    assert cli("alerts", "1", "--cheapest-below", "cheap").returncode == 2
