"""``pricewatch serve --api`` as a real process, driven over HTTP with its ``pricewatch api-token``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.poll import until

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
        def answered() -> Any:
            value = probe()
            if not value and self.proc.poll() is not None:
                pytest.fail(f"serve exited with {self.proc.returncode} while waiting for {what}")
            return value

        return until(answered, timeout=TIMEOUT, interval=0.05, message=what)

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
