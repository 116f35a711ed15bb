"""``pricewatch tag``, ``filter``, ``bulk``, ``list --tag/--filter`` and ``snooze --until-change/--rule`` on a
real SQLite file under PRICEWATCH_HOME (in process through ``main``; one run as a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from typing import Any

from pricewatch.cli import main
from pricewatch.models import AlertKind, Availability, utcnow
from tests.support.app import open_pricewatch


def products(*paths: str) -> list[int]:
    with open_pricewatch() as app:
        app.settings.notify.default_rules = []
        return [app.add_product(f"https://shop.example/{p}", default_rules=False).id or 0 for p in paths]


def listed(capsys: Any, *args: str) -> list[int]:
    assert main(["list", "--json", *args]) == 0
    return [p["id"] for p in json.loads(capsys.readouterr().out)]


def test_tag_filter_and_list(capsys: Any) -> None:
    a, b, c = products("a", "b", "c")
    assert main(["tag", "add", " Kitchen ", str(a), str(b)]) == 0
    assert "tagged 2 of 2 products" in capsys.readouterr().out
    assert main(["tag", "add", "gift", str(b)]) == 0
    capsys.readouterr()
    assert listed(capsys, "--tag", "KITCHEN") == [a, b]
    assert main(["tag", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"name": "gift", "products": 1},
        {"name": "Kitchen", "products": 2},
    ]
    assert main(["list", "--json", "--tag", "gift"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["tags"] == ["gift", "Kitchen"]

    with open_pricewatch() as app:
        app.observations.record_check(a, checked_at=utcnow(), price=Decimal(5), currency="EUR",
                                      availability=Availability.IN_STOCK)  # fmt: skip
    assert main(["filter", "save", "Kitchen in stock", "--tag", "kitchen", "--in-stock"]) == 0
    assert "tag kitchen and in stock" in capsys.readouterr().out
    assert listed(capsys, "--filter", "kitchen IN STOCK") == [a]
    assert listed(capsys, "--filter", "kitchen in stock", "--tag", "gift") == []  # both must match
    assert main(["filter", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"name": "Kitchen in stock", "query": {"tag": "kitchen", "in_stock": True}}
    ]
    assert main(["list", "--filter", "nothing"]) == 3
    assert "no saved filter called 'nothing'" in capsys.readouterr().err
    assert main(["filter", "delete", "kitchen in stock"]) == 0
    assert main(["filter", "delete", "kitchen in stock"]) == 3

    assert main(["tag", "remove", "kitchen", str(a), str(c)]) == 0
    assert "untagged 1 of 2" in capsys.readouterr().out
    assert main(["tag", "add", "bad\ttag", str(a)]) == 2
    assert "control character" in capsys.readouterr().err


def test_bulk_edit(capsys: Any) -> None:
    a, b = products("a", "b")
    args = ["bulk", str(a), str(b), "--add-tag", "sale", "--interval", "120", "--rule", "drop-percent=10"]
    assert main([*args, "--pause"]) == 0
    assert capsys.readouterr().out.strip() == (
        "2 products: 2 tags added, 2 check intervals set, 2 rules added, 2 pause states changed"
    )
    with open_pricewatch() as app:
        for pid in (a, b):
            product = app.get_product(pid)
            assert product.paused and product.check_interval_minutes == 120
            assert [r.kind for r in app.alert_rules_for(pid)] == [AlertKind.DROP_PERCENT]
    assert main(["bulk", str(a), "999", "--resume"]) == 3  # all or nothing
    assert main(["bulk", str(a), "--rule", "lowest-in=30"]) == 0
    with open_pricewatch() as app:
        assert AlertKind.LOWEST_IN_DAYS in [r.kind for r in app.alert_rules_for(a)]
    assert main(["bulk", str(a), "--rule", "lowest-in=soon"]) == 2
    assert main(["bulk", str(a), "--rule", "sideways"]) == 2
    assert "unknown kind" in capsys.readouterr().err
    with open_pricewatch() as app:
        assert app.get_product(a).paused


def test_snooze_until_change_and_per_rule(capsys: Any) -> None:
    (a,) = products("a")
    assert main(["alerts", str(a), "--any-drop"]) == 0
    capsys.readouterr()
    assert main(["snooze", str(a), "--until-change"]) == 0
    assert "snoozed until its price changes" in capsys.readouterr().out
    assert main(["alerts", str(a), "--json"]) == 0
    (rule,) = json.loads(capsys.readouterr().out)["rules"]
    assert main(["snooze", str(a), "--rule", str(rule["id"]), "--days", "7"]) == 0
    assert f"rule {rule['id']} of product {a}" in capsys.readouterr().out
    assert main(["alerts", str(a)]) == 0
    assert "(snoozed until" in capsys.readouterr().out
    assert main(["snooze", str(a), "--rule", "999", "--off"]) == 3
    assert listed(capsys) == [a]
    with open_pricewatch() as app:
        assert app.get_product(a).snooze_until_change


def test_the_commands_run_as_a_program() -> None:
    (a,) = products("a")
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", "tag", "add", "gift", str(a)],
        capture_output=True, text=True, timeout=60, env=os.environ.copy(), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    with open_pricewatch() as app:
        assert app.product_tags(a) == ["gift"]
