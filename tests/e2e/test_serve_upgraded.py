"""End to end: a newer pricewatch migrates the database under ``pricewatch serve --api``; serve notices, says
so on stderr and in its log, stops its scheduler and exits with its own status for a supervisor."""

from __future__ import annotations

from pathlib import Path

from pricewatch.cli.serve import EXIT_UPGRADED
from pricewatch.config import Paths
from pricewatch.storage.migrations import LATEST_VERSION
from tests.support.schema import bump_schema
from tests.support.serve import Serve


def test_serve_exits_for_a_restart_when_the_schema_is_upgraded_under_it(serve: Serve, home: Path) -> None:
    code, health = serve.request("GET", "/health", token=False)
    assert code == 200 and health["status"] == "ok"
    paths = Paths.default()

    bump_schema(paths.database_file, LATEST_VERSION + 1)  # from another process, as a newer pricewatch would
    out, err = serve.proc.communicate(timeout=60)  # serve notices within a poll and exits by itself

    assert serve.proc.returncode == EXIT_UPGRADED, out + err
    versions = f"schema version {LATEST_VERSION} → {LATEST_VERSION + 1}"
    expected = f"a newer PriceWatch upgraded the database ({versions})"
    assert expected in err and "Traceback" not in err, err
    assert "stopping (upgraded)" in out and "pricewatch serve: stopped" in out
    assert expected in paths.log_file.read_text(encoding="utf-8")
