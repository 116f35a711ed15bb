"""The API as a script meets it: a real ``pricewatch serve --api --port 0`` process, its token file, httpx.

Start a scrape of a page on the local page server, poll its status until SUCCESS, read the price; then stop
the server with SIGTERM and check it exits cleanly and the API is gone.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.checks import product_page
from tests.support.pageserver import PageServer
from tests.support.poll import until

SETTINGS = "[fetch]\nper_host_delay = 0.0\n"


@pytest.mark.slow
def test_a_script_against_pricewatch_serve(pricewatch_home: Path, page_server: PageServer) -> None:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    url = page_server.add("/mixer", product_page("149.00", title="Mixer"))
    env = dict(os.environ, PRICEWATCH_HOME=str(pricewatch_home), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "serve", "--api", "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        found = re.search(r"API at (http://127\.0\.0\.1:\d+)", banner)
        assert found, banner + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        api = found.group(1)
        token = (pricewatch_home / "api-token").read_text().strip()
        with httpx.Client(base_url=api, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
            assert client.get("/api/v1/health").json()["status"] == "ok"
            task_id = client.post("/api/v1/tasks/scrape", json={"url": url}).json()["task_id"]

            def ended() -> dict[str, Any] | None:
                status: dict[str, Any] = client.get(f"/api/v1/tasks/{task_id}/status").json()
                return status if status["status"] in ("SUCCESS", "FAILURE", "REVOKED") else None

            # 0.05 s: a script's polling interval
            status = until(ended, timeout=30, interval=0.05, message=f"task {task_id} to end")
        assert status["status"] == "SUCCESS", status
        assert (status["result"]["price"], status["result"]["title"]) == ("149.00", "Mixer")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "stopped" in out
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{api}/api/v1/health")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


@pytest.mark.slow
def test_serve_starts_the_api_when_the_settings_enable_it(pricewatch_home: Path) -> None:
    pricewatch_home.mkdir(parents=True, exist_ok=True)
    (pricewatch_home / "settings.toml").write_text("[api]\nenabled = true\nport = 0\n", encoding="utf-8")
    env = dict(os.environ, PRICEWATCH_HOME=str(pricewatch_home), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "serve"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline()
        found = re.search(r"API at (http://127\.0\.0\.1:\d+)", banner)
        assert found, banner + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        assert httpx.get(f"{found.group(1)}/api/v1/health").json()["status"] == "ok"
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
