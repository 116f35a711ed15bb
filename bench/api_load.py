"""Load the local HTTP API the way scripts use it: many clients start scrapes and poll until each one is done.

Usage: .venv/bin/python bench/api_load.py [--clients 200] [--seconds 30] [--poll 0.2] [--pages 50]
    [--client raw|httpx]

Three processes, as in real use: ``pricewatch serve --api --port 0`` (engine, scheduler and API, in a fresh
PRICEWATCH_HOME with per-host politeness relaxed for loopback), a page server with ``--pages`` small product
pages (each scrape adds a unique query string, so every scrape is a real fetch, never a cache hit), and this
process with ``--clients`` concurrent clients, each with its own keep-alive connection. For ``--seconds``
each client loops: POST /tasks/scrape, then GET /tasks/{id}/status every ``--poll`` seconds until the task is
final. After the deadline no new scrape starts; tasks in flight get up to 60 s to finish. Every request's
latency is recorded, from just before the request is sent to its last response byte; an error is any request
that fails or answers with an unexpected status.

The load generator shares the machine's cores with the server (two of them on the machine the goal is set
for), so its own CPU is part of what is measured. ``--client httpx`` (httpx.AsyncClient) spends about 1 ms of
CPU per request, as much as the server's whole answer: on 2 cores the benchmark then measures its own load
generator as much as the server. The default ``--client raw`` sends the same requests (method, path, Host,
bearer token, JSON body) over one asyncio stream per client with a minimal HTTP/1.1 reader, as lean load
generators (wrk, h2load) do; same clients, think time and latency clock. Both print the client's and the
server's CPU per request, so the two can be compared run against run.

The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import re
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

# httpcore tries ``import sniffio`` on every request; where sniffio is not installed, each failed import
# searches sys.path on disk again, which made this process (not the server) the bottleneck. A None entry
# makes that import fail at once, as it would anyway.
if importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parent.parent
FINAL = {"SUCCESS", "FAILURE", "REVOKED"}
GRACE_SECONDS = 60.0
REQUEST_TIMEOUT = 30.0  # seconds, as the httpx clients' timeout

PAGE_SERVER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from tests.support.pageserver import PageServer
pages = int(sys.argv[2])
server = PageServer().start()
for i in range(pages):
    price = f"{10 + i}.99"
    server.add(f"/item/{i}", f'''<!doctype html><html><head><title>Item {i}</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "Product", "name": "Item {i}",
"offers": {{"@type": "Offer", "price": "{price}", "priceCurrency": "EUR",
"availability": "https://schema.org/InStock"}}}}</script></head><body><h1>Item {i}</h1></body></html>''')
print(json.dumps({"base": server.url("/")}), flush=True)
sys.stdin.read()  # serve until the benchmark closes our stdin
server.close()
"""

SETTINGS = """[fetch]
per_host_delay = 0.0
per_host_concurrency = 16
respect_robots = false

[tasks]
scraping_concurrency = 16
"""


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    submitted: set[str] = field(default_factory=set)
    finished: dict[str, str] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what)


class RawHttpClient:
    """One keep-alive HTTP/1.1 connection: sends a request, reads the whole response (Content-Length or
    chunked). Enough for this API's replies; a connection the server closed is opened again."""

    def __init__(self, api: str, token: str) -> None:
        parts = urlsplit(api)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.head = f"Host: {parts.netloc}\r\nAuthorization: Bearer {token}\r\nAccept: */*\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        extra = "" if body is None else f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(f"{method} {path} HTTP/1.1\r\n{self.head}{extra}\r\n".encode() + (body or b""))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        pairs = (line.partition(":") for line in lines[1:] if line)
        headers = {k.strip().lower(): v.strip() for k, _, v in pairs}
        if "content-length" in headers:
            content = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            content = await self._chunked()
        else:
            content = b""
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, content

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        chunks = []
        while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
            chunks.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)
        await self.reader.readuntil(b"\r\n")  # no trailers from this server
        return b"".join(chunks)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.reader = self.writer = None


class HttpxClient:
    """The same requests through httpx.AsyncClient (``--client httpx``), for comparison."""

    def __init__(self, api: str, token: str, tls: ssl.SSLContext) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        self.client = httpx.AsyncClient(base_url=api, headers=headers, timeout=30, verify=tls)

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = None if body is None else {"Content-Type": "application/json"}
        response = await self.client.request(method, path, content=body, headers=headers)
        return response.status_code, response.content

    async def close(self) -> None:
        await self.client.aclose()


Client = RawHttpClient | HttpxClient


async def timed(tally: Tally, client: Client, method: str, path: str, body: bytes | None = None) -> Any:
    """The response's JSON, or None after an error (counted)."""
    start = time.perf_counter()
    try:
        status, content = await asyncio.wait_for(client.request(method, path, body), REQUEST_TIMEOUT)
    except (OSError, EOFError, ValueError, TimeoutError, httpx.HTTPError) as exc:
        if isinstance(client, RawHttpClient):
            await client.close()  # the connection's state is unknown now: open a new one
        tally.error(f"{method} {path}: {type(exc).__name__}: {exc}")
        return None
    finally:
        elapsed = time.perf_counter() - start
        tally.latencies.append(elapsed)
        tally.by_kind.setdefault(method, []).append(elapsed)
    if status != 200:
        tally.error(f"{method} {path}: {status} {content[:200]!r}")
        return None
    return json.loads(content)


async def client_loop(n: int, client: Client, pages: str, args: argparse.Namespace, tally: Tally,
                      stop_at: float, give_up_at: float) -> None:  # fmt: skip
    try:
        i = 0
        while time.monotonic() < stop_at:
            url = f"{pages}item/{(n + i) % args.pages}?client={n}&n={i}"
            i += 1
            body = json.dumps({"url": url}).encode()
            started = await timed(tally, client, "POST", "/api/v1/tasks/scrape", body)
            if started is None:
                continue
            task_id = started["task_id"]
            tally.submitted.add(task_id)
            while time.monotonic() < give_up_at:
                await asyncio.sleep(args.poll)
                polled = await timed(tally, client, "GET", f"/api/v1/tasks/{task_id}/status")
                if polled is not None and polled["status"] in FINAL:
                    tally.finished[task_id] = polled["status"]
                    break
    finally:
        await client.close()


async def load(api: str, token: str, pages: str, args: argparse.Namespace) -> tuple[Tally, float]:
    tally = Tally()
    # One TLS context for all httpx clients: httpx builds one per client otherwise (~50 ms of CPU each,
    # certificate store included), which blocked this process's event loop for seconds at the start and
    # counted as API latency. The API is plain http; each client still has its own connection, as separate
    # scripts would.
    tls = ssl.create_default_context() if args.client == "httpx" else None
    start = time.monotonic()
    stop_at = start + args.seconds
    give_up_at = stop_at + GRACE_SECONDS

    def client() -> Client:
        return HttpxClient(api, token, tls) if tls else RawHttpClient(api, token)

    clients = [client_loop(n, client(), pages, args, tally, stop_at, give_up_at) for n in range(args.clients)]
    await asyncio.gather(*clients)
    return tally, time.monotonic() - start


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc), 0.0 where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_serve(home: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PRICEWATCH_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pricewatch", "serve", "--api", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.search(r"API at (http://\S+?);", line) or re.search(r"API at (http://\S+)", line)
    if found is None:
        proc.kill()
        raise SystemExit(
            f"pricewatch serve did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )
    return proc, found.group(1).rstrip(",")


def server_http_parser() -> str:
    """The HTTP parser uvicorn picks in the server (same interpreter): httptools when installed, else h11."""
    return "httptools" if importlib.util.find_spec("httptools") is not None else "h11"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--poll", type=float, default=0.2, help="seconds between status polls of one client")
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument(
        "--client", choices=("raw", "httpx"), default="raw", help="load generator (see above; default raw)"
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0]  # the machine is shared: other work there shows in every latency

    with tempfile.TemporaryDirectory(prefix="pricewatch-api-bench-") as tmp:
        home = Path(tmp)
        (home / "settings.toml").write_text(SETTINGS, encoding="utf-8")
        pages_proc = subprocess.Popen(
            [sys.executable, "-c", PAGE_SERVER, str(ROOT), str(args.pages)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert pages_proc.stdout is not None and pages_proc.stdin is not None
        pages = json.loads(pages_proc.stdout.readline())["base"]
        serve, api = start_serve(home)
        try:
            token = (home / "api-token").read_text(encoding="utf-8").strip()
            server_cpu, own_cpu = _cpu_seconds(serve.pid), time.process_time()
            tally, wall = asyncio.run(load(api, token, pages, args))
            server_cpu, own_cpu = _cpu_seconds(serve.pid) - server_cpu, time.process_time() - own_cpu
        finally:
            serve.terminate()
            try:
                serve.wait(60)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.wait()
            pages_proc.stdin.close()
            pages_proc.wait(30)

    requests = len(tally.latencies)
    ms = sorted(x * 1000 for x in tally.latencies) or [0.0]
    p50 = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    unfinished = len(tally.submitted) - len(tally.finished)
    states = {s: list(tally.finished.values()).count(s) for s in sorted(FINAL)}
    print(
        f"clients={args.clients} client={args.client} seconds={args.seconds:g} poll_s={args.poll:g} "
        f"wall_s={wall:.1f}"
    )
    print(f"requests={requests} submitted_tasks={len(tally.submitted)} final_states={states}")
    for method, values in sorted(tally.by_kind.items()):
        kind = sorted(x * 1000 for x in values)
        p99_kind = kind[int(len(kind) * 0.99)]
        print(f"{method}: n={len(kind)} p50_ms={statistics.median(kind):.1f} p99_ms={p99_kind:.1f}")
    verdict = "yes" if unfinished == 0 else f"NO ({unfinished} still open)"
    print(f"every submitted task reached a final state: {verdict}")
    print(f"serve exit code: {serve.returncode}")
    for sample in tally.error_samples:
        print(f"error: {sample}")
    print(
        f"requests_per_s={requests / wall:.1f} p50_ms={p50:.1f} p99_ms={p99:.1f} errors={tally.errors} "
        f"unfinished_tasks={unfinished} tasks_per_s={len(tally.finished) / wall:.1f} "
        f"failed_tasks={states['FAILURE'] + states['REVOKED']} "
        # CPU per request (the server's includes the scrapes' own work): less at the mercy of other load on
        # the machine than latencies are
        f"server_cpu_ms_per_request={server_cpu * 1000 / max(1, requests):.2f} "
        f"client_cpu_ms_per_request={own_cpu * 1000 / max(1, requests):.2f} "
        f"load_average={os.getloadavg()[0]:.1f} load_average_before={load_before:.1f} "
        f"server_http={server_http_parser()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
