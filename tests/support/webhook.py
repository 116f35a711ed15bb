"""A real JSON webhook on loopback for notification tests (Apprise's ``json://`` posts to it).

It records every POST body, answers with scripted statuses (200 when none are left; only 200 posts count as
delivered), and can hold each answer until the test opens ``gate`` (a sender caught mid-send).
"""

from __future__ import annotations

import http.server
import json
import threading
from typing import Any

WAIT = 60  # seconds; only a bound on a hang, never reached when the code works


class Webhook:
    def __init__(self, *, hold: bool = False) -> None:
        self.posts: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.arrived = threading.Condition()
        self.gate = threading.Event()
        if not hold:
            self.gate.set()
        hook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with hook.arrived:
                    status = hook.statuses.pop(0) if hook.statuses else 200
                    if status == 200:
                        hook.posts.append(body)
                    hook.arrived.notify_all()
                hook.gate.wait(WAIT)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        """An Apprise URL that waits as long as the webhook may hold its answer."""
        return f"json://127.0.0.1:{self.port}/?rto={WAIT}"

    def wait_for_posts(self, count: int) -> None:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.posts) >= count, WAIT), self.posts

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
