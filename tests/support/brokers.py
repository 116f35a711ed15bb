"""Real brokers and workers for tests and benchmarks: redis-server, rabbitmq-server, ``pricewatch worker``.

Each server runs as a child process on a free loopback port with its files in a folder of its own, and can
be stopped and started again on the same port (the broker-outage tests). RabbitMQ runs without systemd and
as any user (root in CI): the Debian wrapper's ``su rabbitmq`` is bypassed by starting the server script
itself with its node name, ports, database and log folders and Erlang cookie (``HOME``) all under the folder,
and its own ``epmd`` (the Erlang port mapper) on a free port, so nothing is shared with a system RabbitMQ.

When a server cannot start, :class:`ServerUnavailable` says why and how to install it: the Debian packages are
in the Makefile's DEB_TEST_PACKAGES (``make test`` installs them).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
RABBIT_SERVER = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")  # Debian: the script behind the su wrapper
RABBIT_CTL = RABBIT_SERVER.with_name("rabbitmqctl")
REDIS_START = 10.0  # seconds
RABBIT_START = 60.0  # seconds; about 6 s on a 2-core machine
WORKER_START = 30.0


class ServerUnavailable(RuntimeError):
    """A broker could not be started here (missing package, failed start): the message says what to do."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(proc: subprocess.Popen[bytes] | None, timeout: float = 20.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class RedisServer:
    """``redis-server`` on 127.0.0.1:<free port>, no persistence (a restart starts empty)."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise ServerUnavailable(
                "redis-server is not installed: apt-get install redis-server (make test installs it)"
            )
        self.binary = binary
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        log = self.folder / "redis.log"
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--logfile", str(log), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + REDIS_START
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                _stop(self.proc)
                raise ServerUnavailable(f"redis-server did not start on port {self.port}:\n{_tail(log)}")
            time.sleep(0.05)
        return self

    def answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
        return False

    def stop(self) -> None:
        _stop(self.proc)
        self.proc = None


class RabbitServer:
    """Debian's ``rabbitmq-server`` as a child process: its own node, ports, folders, epmd and cookie."""

    def __init__(self, folder: Path) -> None:
        epmd = shutil.which("epmd")
        if not RABBIT_SERVER.exists() or epmd is None:
            raise ServerUnavailable(
                "rabbitmq-server is not installed: apt-get install rabbitmq-server (make test installs it)"
            )
        self.epmd_binary = epmd
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.epmd_port = free_port()
        self.dist_port = free_port()
        self.node = f"pwtest{self.port}@localhost"
        self.proc: subprocess.Popen[bytes] | None = None
        self.epmd: subprocess.Popen[bytes] | None = None

    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def env(self) -> dict[str, str]:
        folder = self.folder
        (folder / "enabled_plugins").write_text("[].\n")
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(("RABBITMQ_", "ERL_"))},
            "HOME": str(folder),  # the Erlang cookie is made here
            "RABBITMQ_NODENAME": self.node,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_MNESIA_BASE": str(folder / "mnesia"),
            "RABBITMQ_LOG_BASE": str(folder / "log"),
            "RABBITMQ_LOGS": str(folder / "log" / "rabbit.log"),
            "RABBITMQ_PID_FILE": str(folder / "rabbit.pid"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(folder / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(folder / "rabbitmq"),  # absent: defaults
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(folder / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(folder / "rabbitmq-env.conf"),
        }

    def start(self) -> RabbitServer:
        env = self.env()
        if self.epmd is None or self.epmd.poll() is not None:
            self.epmd = subprocess.Popen(
                [self.epmd_binary, "-port", str(self.epmd_port), "-address", "127.0.0.1"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        out = self.folder / "server.out"
        with out.open("ab") as sink:
            self.proc = subprocess.Popen(
                [str(RABBIT_SERVER)], env=env, cwd=self.folder, stdout=sink, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + RABBIT_START
        while not self.answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise ServerUnavailable(
                    f"rabbitmq-server did not start on port {self.port} within {RABBIT_START:.0f} s:\n"
                    f"{_tail(out)}\n{_tail(self.folder / 'log' / 'rabbit.log')}"
                )
            time.sleep(0.2)
        return self

    def ctl(self, *args: str) -> str:
        """Run ``rabbitmqctl`` against this node; returns its output."""
        done = subprocess.run(
            [str(RABBIT_CTL), "-n", self.node, "-q", *args], env=self.env(), cwd=self.folder,
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {done.stderr or done.stdout}")
        return done.stdout

    def add_vhost(self, name: str) -> str:
        """A virtual host the guest user may use; returns its broker URL."""
        self.ctl("add_vhost", name)
        self.ctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{name}"

    def queue_types(self, vhost: str = "/") -> dict[str, str]:
        """Each queue's name and type (quorum, classic) as RabbitMQ reports them."""
        out = self.ctl("list_queues", "-p", vhost, "--no-table-headers", "name", "type")
        return dict(line.split()[:2] for line in out.splitlines() if len(line.split()) >= 2)

    def answers(self) -> bool:
        """Whether an AMQP client can open a connection (the port opens a little before that)."""
        import amqp

        try:
            conn = amqp.Connection(f"127.0.0.1:{self.port}", connect_timeout=1)
            conn.connect()
            conn.close()
            return True
        except Exception:
            return False

    def stop(self) -> None:
        """Stop the node (its whole process group: the script, beam and its helpers) and epmd."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None
        _stop(self.epmd)
        self.epmd = None


class Worker:
    """``pricewatch worker`` in its own process, with a PRICEWATCH_HOME that does not exist (needs none)."""

    def __init__(
        self,
        folder: Path,
        name: str,
        broker: str,
        result_backend: str,
        *,
        concurrency: int = 4,
        redelivery_seconds: float | None = None,
        queue_type: str | None = None,
        pool: str = "threads",
        loglevel: str = "INFO",
    ) -> None:
        self.folder = folder
        self.broker, self.result_backend = broker, result_backend
        folder.mkdir(parents=True, exist_ok=True)
        self.name = f"{name}@pricewatch-test"
        self.home = folder / "no-home"
        self.log = folder / f"{name}.log"
        self.argv = [
            sys.executable, "-m", "pricewatch", "worker", "--broker", broker,
            "--result-backend", result_backend, "--hostname", self.name, "--concurrency", str(concurrency),
            "--pool", pool, "--loglevel", loglevel,
        ]  # fmt: skip
        if redelivery_seconds is not None:
            self.argv += ["--redelivery-seconds", str(redelivery_seconds)]
        if queue_type is not None:
            self.argv += ["--queue-type", queue_type]
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, wait: bool = True) -> Worker:
        env = {**os.environ, "PRICEWATCH_HOME": str(self.home), "PYTHONPATH": str(ROOT)}
        with self.log.open("ab") as sink:
            self.proc = subprocess.Popen(
                self.argv, env=env, cwd=self.folder, stdout=sink, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self) -> None:
        """Until the worker answers a ping through the broker (it then consumes its queues)."""
        from pricewatch.tasks.celery.config import CeleryConfig

        app = CeleryConfig(self.broker, self.result_backend).app()
        deadline = time.monotonic() + WORKER_START
        try:
            while not app.control.ping(destination=[self.name], timeout=0.5):
                if self.proc is None or self.proc.poll() is not None or time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"worker {self.name} did not start:\n{_tail(self.log, 40)}")
        finally:
            app.close()

    def kill(self) -> None:
        """SIGKILL the worker (and the processes it started): no clean shutdown, no message given back."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    def output(self) -> str:
        return _tail(self.log, 60)


# ``start_workers(broker, backend, "w1", "w2", **Worker options)``: the fixture in tests/tasks/celery.
WorkerFactory = Callable[..., list[Worker]]
