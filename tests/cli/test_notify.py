"""CLI: ``pricewatch notify``, ``pricewatch notifications`` and ``pricewatch alerts`` (in-process main())."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pricewatch.cli import main
from tests.support.app import open_pricewatch


@pytest.fixture
def headless(monkeypatch: pytest.MonkeyPatch) -> None:
    """No desktop session: the desktop channel is unavailable for real (tests with dunst are elsewhere)."""
    for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)


def product_id(url: str = "https://shop.example/kettle", **kw: Any) -> int:
    with open_pricewatch() as app:
        product = app.add_product(url, title="Kettle", default_rules=False, **kw)
        assert product.id is not None
        return product.id


def test_notify_without_any_working_channel_says_why_and_exits_1(headless: None, capsys: Any) -> None:
    assert main(["notify", "Hello", "World"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "desktop: FAILED: no desktop session (no D-Bus session bus) to show notifications on",
        "tray: FAILED: no tray icon (the PriceWatch window is not running)",
        "notification 1: FAILED",
    ]


def test_notify_json(headless: None, capsys: Any) -> None:
    main(["notify", "<b>Hi</b>", "there", "--json"])
    record = json.loads(capsys.readouterr().out)
    assert record["title"] == "Hi" and record["state"] == "FAILED" and record["data"]["source"] == "cli"
    assert [d["channel"] for d in record["data"]["delivery"]] == ["desktop", "tray"]


def test_notifications_log(headless: None, capsys: Any) -> None:
    assert main(["notifications"]) == 0
    assert capsys.readouterr().out == "no notifications yet\n"
    pid = product_id()
    with open_pricewatch() as app:
        app.settings.notify.desktop = False
        app.set_tray_notifier(lambda t, m: None)
        app.notify("First", "one", product_id=pid)
        app.notify("Second", "two")
    assert main(["notifications"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "SENT" in lines[0] and lines[0].endswith("Second") and "#1" in lines[1]
    assert main(["notifications", "--json", "--limit", "1"]) == 0
    (only,) = json.loads(capsys.readouterr().out)
    assert only["title"] == "Second" and only["channels"] == ["tray"]
    assert main(["notifications", "--json", "--product", str(pid)]) == 0
    assert [n["title"] for n in json.loads(capsys.readouterr().out)] == ["First"]
    assert main(["notifications", "--product", "999"]) == 3
    assert main(["notifications", "--limit", "0"]) == 2


def test_alerts_show_set_and_clear(capsys: Any) -> None:
    pid = product_id(target_price="60")
    assert main(["alerts", str(pid)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"#{pid} Kettle:", "  armed  price at or below 60.00"]
    args = ["alerts", str(pid), "--target", "49,99", "--drop-percent", "10", "--window", "30"]
    assert main([*args, "--back-in-stock", "--min-change", "2%"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"#{pid} Kettle:",
        "  armed  price at or below 49.99",
        "  armed  drop of at least 10 % from the 30-day high",
        "  armed  back in stock",
        "  changes smaller than 2 % are ignored",
    ]
    with open_pricewatch() as app:
        assert str(app.get_product(pid).target_price) == "49.99"
    assert main(["alerts", str(pid), "--any-drop", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in data["rules"]] == ["target_price", "drop_percent", "back_in_stock", "any_drop"]
    assert data["min_change_percent"] == "2" and data["min_change_amount"] is None
    assert main(["alerts", str(pid), "--clear"]) == 0
    assert capsys.readouterr().out == f"#{pid} Kettle: no alert rules (add one, for example --target 49.99)\n"
    with open_pricewatch() as app:
        assert app.get_product(pid).target_price is None and app.alert_options(pid).empty


def test_alerts_bad_input_changes_nothing(capsys: Any) -> None:
    pid = product_id(target_price="60")
    assert main(["alerts", str(pid), "--target", "cheap"]) == 2
    assert "'cheap' is not a number" in capsys.readouterr().err
    assert main(["alerts", str(pid), "--drop-percent", "150"]) == 2
    assert "between 0 and 100" in capsys.readouterr().err
    assert main(["alerts", str(pid), "--window", "7"]) == 2
    assert main(["alerts", str(pid), "--target", "0"]) == 2
    assert main(["alerts", "4242"]) == 3
    with open_pricewatch() as app:
        rules = app.alert_rules_for(pid)
        assert [(r.kind.value, str(r.amount)) for r in rules] == [("target_price", "60")]
