"""Faults the environment causes (a full disk, a database locked by another process) end in a plain
message, never "cannot rollback" or a traceback, and leave the database as it was."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pricewatch.storage.db import Database
from pricewatch.storage.errors import DatabaseUnavailableError, StorageError

ROW = "INSERT INTO products (url, title, created_at) VALUES (?, ?, '2025-01-01T00:00:00+00:00')"


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_full_database_file_is_a_plain_disk_full_error(tmp_path: Path) -> None:
    db = Database(tmp_path / "pw.sqlite3")
    with db.transaction() as conn:
        conn.execute(ROW, ("https://shop.example/1", "kept"))
    before = dump(db.path)
    conn = db.conn()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")  # the file cannot grow: a full disk for SQLite
    with pytest.raises(StorageError) as caught, db.transaction() as conn:
        for i in range(50):
            conn.execute(ROW, (f"https://shop.example/big{i}", "x" * 20_000))
    assert isinstance(caught.value, DatabaseUnavailableError) and caught.value.reason == "disk_full"
    assert str(caught.value).startswith("the disk is full")
    assert "rollback" not in str(caught.value)
    assert isinstance(caught.value, sqlite3.OperationalError)  # callers that retry on sqlite3.Error still do
    assert not db.conn().in_transaction
    db.close()
    assert dump(tmp_path / "pw.sqlite3") == before


def big_import(path: Path, products: int = 400) -> Path:
    data = {
        "format": "pricewatch-export",
        "version": 1,
        "products": [
            {"url": f"https://shop.example/p{i}", "title": "t" * 1500, "history": []} for i in range(products)
        ],
    }
    path.write_text(json.dumps(data))
    return path


def pricewatch(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args], capture_output=True, text=True, timeout=timeout
    )


@contextlib.contextmanager
def small_disk(where: Path, size: str = "2m") -> Iterator[Path]:
    """A real file system of ``size`` (tmpfs), mounted for the block."""
    where.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> None:
    """Write a filler file until the file system has no room left."""
    with contextlib.suppress(OSError), (folder / "filler").open("wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root (make test runs as root)")
def test_import_on_a_full_disk_says_so_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = big_import(tmp_path / "export.json")
    with small_disk(tmp_path / "disk") as disk:
        home = disk / "home"
        monkeypatch.setenv("PRICEWATCH_HOME", str(home))
        assert pricewatch("list").returncode == 0
        before = dump(home / "pricewatch.sqlite3")
        fill(disk)
        proc = pricewatch("import", str(source))
        assert proc.returncode == 4, proc.stderr
        assert "Traceback" not in proc.stderr
        assert "the disk is full" in proc.stderr
        (disk / "filler").unlink()
        assert dump(home / "pricewatch.sqlite3") == before


LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


@pytest.mark.slow
def test_import_into_a_database_locked_too_long_says_so(tmp_path: Path, pricewatch_home: Path) -> None:
    source = big_import(tmp_path / "export.json", products=3)
    assert pricewatch("list").returncode == 0
    database = pricewatch_home / "pricewatch.sqlite3"
    before = dump(database)
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(database), "25"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
        started = time.monotonic()
        proc = pricewatch("import", str(source))
        assert time.monotonic() - started < 20
    finally:
        locker.kill()
        locker.communicate()
    assert proc.returncode == 4, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "is busy" in proc.stderr
    assert dump(database) == before
