"""End to end: a script author runs ``pricewatch serve --api`` and drives it with the token from
``pricewatch api-token``; the server is stopped with real signals, once with SIGKILL in the middle of a check.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.e2e import widget
from tests.support.pageserver import PageServer
from tests.support.serve import Serve


def cli_json(*args: str) -> Any:
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", *args, "--json"],
        capture_output=True, text=True, timeout=60, env=os.environ.copy(), stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_script_scrapes_tracks_and_checks_through_the_api_then_stops_serve(
    serve: Serve, page_server: PageServer, sig: signal.Signals
) -> None:
    url = page_server.add("/widget", widget("19.99"))

    assert serve.request("GET", "/products", token=False)[0] == 401
    code, health = serve.request("GET", "/health", token=False)
    assert code == 200 and health["status"] == "ok"

    code, submitted = serve.request("POST", "/tasks/scrape", {"url": url})
    assert code == 200 and submitted["success"] is True
    status = serve.final_status(submitted["task_id"])
    assert status["status"] == "SUCCESS", status
    assert (status["result"]["price"], status["result"]["currency"]) == ("19.99", "EUR")
    assert serve.request("GET", "/products")[1] == []  # a scrape stores nothing

    assert serve.request("POST", "/tasks/scrape", {"url": "ftp://shop.example/x"})[0] == 422
    assert serve.request("GET", "/products/999")[0] == 404

    code, product = serve.request("POST", "/products", {"url": url, "target_price": "15"})
    assert code == 201, product
    code, check = serve.request("POST", "/tasks/price-check", {"force": True})
    assert code == 200, check
    assert serve.final_status(check["task_id"])["status"] == "SUCCESS"
    code, products = serve.request("GET", "/products")
    assert code == 200 and [(p["id"], p["price"], p["currency"]) for p in products] == [
        (product["id"], "19.99", "EUR")
    ]
    # The CLI sees the same data while serve runs.
    assert [p["price"] for p in cli_json("list")] == ["19.99"]

    code, out, err = serve.stop(sig)
    assert code == 0, out + err
    assert f"stopping ({sig.name})" in out and out.rstrip().endswith("stopped")
    assert "Traceback" not in err


def test_serve_killed_mid_check_finishes_the_check_after_restart(home: Path, page_server: PageServer) -> None:
    urls = [page_server.add(f"/slow{i}", widget(f"{10 + i}.00"), delay=1.0) for i in range(3)]
    server = Serve(home)
    try:
        for url in urls:
            assert server.request("POST", "/products", {"url": url})[0] == 201
        code, check = server.request("POST", "/tasks/price-check", {"force": True})
        assert code == 200

        def started() -> bool:
            return page_server.hits() >= 1  # a page request is in flight: the check is running

        server.wait_for("the first page request", started)
        server.proc.send_signal(signal.SIGKILL)
        server.proc.communicate(timeout=30)
        assert server.proc.returncode == -signal.SIGKILL
    finally:
        server.kill()

    unfinished = [t for t in cli_json("tasks") if t["state"] not in ("SUCCESS", "FAILURE", "REVOKED")]
    assert any(t["id"] == check["task_id"] for t in unfinished)  # the kill really hit mid-check

    again = Serve(home)
    try:
        status = again.final_status(check["task_id"])
        assert status["status"] == "SUCCESS", status

        def all_final() -> list[Any] | None:
            tasks = cli_json("tasks")
            return tasks if all(t["state"] in ("SUCCESS", "FAILURE", "REVOKED") for t in tasks) else None

        again.wait_for("every task to finish", all_final)
        products = cli_json("list")
        assert sorted((p["url"], p["price"]) for p in products) == sorted(
            (url, f"{10 + i}.00") for i, url in enumerate(urls)
        )
        for p in products:  # one observation per product: the re-run did not store a check twice
            assert len(cli_json("history", str(p["id"]))["history"]) == 1
        code, out, err = again.stop(signal.SIGTERM)
        assert code == 0, out + err
    finally:
        again.kill()


def test_serve_catches_up_on_the_hourly_check_missed_while_it_was_not_running(
    home: Path, page_server: PageServer
) -> None:
    url = page_server.add("/widget", widget("33.00"))
    with open(home / "settings.toml", "a", encoding="utf-8") as settings:  # no regular hourly run in the test
        settings.write(f"\n[schedule]\ncheck_minute = {(datetime.now().minute + 30) % 60}\n")
    first = Serve(home)  # a first run records when each scheduled job last ran
    try:
        assert first.request("POST", "/products", {"url": url})[0] == 201
        assert first.stop(signal.SIGTERM)[0] == 0
    finally:
        first.kill()
    assert page_server.hits("/widget") == 0  # nothing was due to run during that short first run
    # The computer was off for three hours: the last recorded hourly run is that old.
    conn = sqlite3.connect(home / "pricewatch.sqlite3")
    try:
        with conn:
            changed = conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schedule.last_run.check_prices'",
                ((datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),),
            ).rowcount
    finally:
        conn.close()
    assert changed == 1, "the scheduler no longer records its last run under this key"

    again = Serve(home)
    try:
        products = again.wait_for(
            "the missed hourly check", lambda: [p for p in cli_json("list") if p["price"] == "33.00"]
        )
        assert len(products) == 1 and page_server.hits("/widget") == 1
        checks = [t for t in cli_json("tasks") if t["name"] == "price_tracking.check_prices"]
        assert len(checks) == 1  # run once for the missed hours, not once per missed hour
        assert again.stop(signal.SIGTERM)[0] == 0
    finally:
        again.kill()


def test_script_runs_a_batch_and_cancels_a_slow_scrape(serve: Serve, page_server: PageServer) -> None:
    good = [page_server.add(f"/ok{i}", widget(f"{i + 1}.25")) for i in range(2)]
    missing = page_server.add("/gone", "gone", status=404)
    code, batch = serve.request("POST", "/tasks/scrape-batch", {"urls": [*good, missing]})
    assert code == 200 and len(batch["child_ids"]) == 3, batch
    status = serve.final_status(batch["task_id"])
    assert status["status"] == "SUCCESS"
    assert (status["result"]["succeeded"], status["result"]["failed"]) == (2, 1)
    children = [serve.final_status(child) for child in batch["child_ids"]]
    assert [c["status"] for c in children] == ["SUCCESS", "SUCCESS", "FAILURE"]
    assert [c["result"]["price"] for c in children[:2]] == ["1.25", "2.25"]
    assert "404" in children[2]["error"]

    slow = page_server.add("/slow", widget("9.99"), delay=30)
    code, submitted = serve.request("POST", "/tasks/scrape", {"url": slow})
    assert code == 200
    serve.wait_for("the slow request to arrive", lambda: page_server.hits("/slow") >= 1)
    code, cancelled = serve.request("POST", f"/tasks/{submitted['task_id']}/cancel")
    assert code == 200, cancelled
    assert serve.final_status(submitted["task_id"])["status"] == "REVOKED"
