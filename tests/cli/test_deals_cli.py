"""``pricewatch deal``, ``quantity``, ``alerts --lowest-in`` and the deal fields of ``list --json``, as a user
runs them: a real process over an imported history (the demo export of a fake discount)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import cli

DEMO = Path(__file__).parents[1] / "data" / "deals" / "fake_discount_export.json"


def imported(home: Path) -> None:
    done = cli("import", str(DEMO))
    assert done.returncode == 0, done.stderr


def test_deal_names_a_fake_discount_and_shows_the_prices_behind_it(home: Path) -> None:
    imported(home)
    done = cli("deal", "1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Arabica Coffee Beans 500 g: €12.99 (€25.98 per kg, 500 g)"
    assert lines[1].startswith("Fake discount: The was-price €19.99 is higher than €9.99, the lowest price")
    assert "before the reduction on 2026-10-26 (seen on 2026-09-26)" in lines[1]
    assert "was-price €19.99: inflated; 30 days looked at: 2026-09-26 to 2026-10-26" in done.stdout
    assert "    2026-09-21 to 2026-10-11  €9.99" in lines and "    2026-10-11 to 2026-10-26  €19.99" in lines


def test_list_json_carries_the_deal_and_the_unit_price(home: Path) -> None:
    imported(home)
    done = cli("list", "--json")
    assert done.returncode == 0, done.stderr
    (product,) = json.loads(done.stdout)
    assert product["list_price"] == "19.99" and product["quantity"] == "500 g"
    assert product["unit_price"] == {"amount": "25.9800", "unit": "kg", "quantity": "500 g"}
    deal = product["deal"]
    assert (deal["kind"], deal["badge"], deal["rank"]) == ("fake_discount", "Fake discount", 2)
    assert deal["discount"]["low"] == "9.99" and deal["discount"]["low_at"] == "2026-09-26T09:00:00+00:00"
    history = json.loads(cli("history", "1", "--json").stdout)
    assert [o["list_price"] for o in history["history"]] == [None, None, None, "19.99"]


def test_quantity_is_set_checked_and_cleared(home: Path) -> None:
    imported(home)
    done = cli("quantity", "1", "6 x 1,5 L")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "product 1: 6 \N{MULTIPLICATION SIGN} 1.5 L (set), €1.44 per L"
    refused = cli("quantity", "1", "256 GB")
    assert refused.returncode == 2 and "'256 GB' is not a quantity" in refused.stderr
    assert "Traceback" not in refused.stderr
    cleared = cli("quantity", "1", "")
    assert cleared.stdout.strip() == "product 1: 500 g (from the title), €25.98 per kg"


def test_alerts_take_the_lowest_in_30_days_rule(home: Path) -> None:
    imported(home)
    done = cli("alerts", "1", "--lowest-in")
    assert done.returncode == 0, done.stderr
    assert "armed  lowest price of the last 30 days" in done.stdout
    rules = json.loads(cli("alerts", "1", "--json").stdout)["rules"]
    assert [(r["kind"], r["window_days"]) for r in rules if r["kind"] == "lowest_in_days"] == [
        ("lowest_in_days", 30)
    ]
    assert cli("alerts", "1", "--lowest-in", "0").returncode == 2
