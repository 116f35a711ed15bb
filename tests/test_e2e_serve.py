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
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.pageserver import PageServer
from tests.test_e2e_cli import FAST, widget

TIMEOUT = 60.0


class Serve:
    """A ``pricewatch serve --api --port 0`` process; its URL comes from the line it prints when ready."""

    def __init__(self, home: Path) -> None:
        env = dict(os.environ, PRICEWATCH_HOME=str(home), PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pricewatch", "serve", "--api", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()  # blocks until serve is ready (or has exited)
        if "API at " not in first:
            self.proc.kill()
            out, err = self.proc.communicate(timeout=10)
            pytest.fail(f"serve did not start: {first}{out}{err}")
        self.base = first.split("API at ")[1].split(";")[0].strip() + "/api/v1"
        token = subprocess.run(
            [sys.executable, "-m", "pricewatch", "api-token"],
            capture_output=True, text=True, timeout=30, env=env, check=True,
        ).stdout.strip()  # fmt: skip
        self.token = token

    def request(self, method: str, path: str, body: Any = None, token: bool = True) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                raw = resp.read()
                return resp.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def wait_for(self, what: str, probe: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + TIMEOUT
        while True:
            value = probe()
            if value:
                return value
            if self.proc.poll() is not None:
                pytest.fail(f"serve exited with {self.proc.returncode} while waiting for {what}")
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}")
            time.sleep(0.05)  # polling interval of a condition wait

    def final_status(self, task_id: str) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            code, status = self.request("GET", f"/tasks/{task_id}/status")
            assert code == 200, status
            return status if status["status"] in ("SUCCESS", "FAILURE", "REVOKED") else None

        return dict(self.wait_for(f"task {task_id}", probe))

    def stop(self, sig: signal.Signals) -> tuple[int, str, str]:
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, out, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate(timeout=30)


@pytest.fixture
def home(pricewatch_home: Path) -> Path:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text(FAST, encoding="utf-8")
    return pricewatch_home


@pytest.fixture
def serve(home: Path) -> Iterator[Serve]:
    server = Serve(home)
    try:
        yield server
    finally:
        server.kill()


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
