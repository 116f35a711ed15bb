"""Exchange-rate files in the European Central Bank's format (tests/data/rates), served by a local server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pricewatch.app import PriceWatch
from pricewatch.models import TaskRecord
from tests.support.pageserver import PageServer

RATES_DIR = Path(__file__).resolve().parent.parent / "data" / "rates"
XML = {"Content-Type": "text/xml"}


def rates_file(day: date) -> bytes:
    """The good rates file (1 EUR = 1.25 USD, 160 JPY, 0.84 GBP, 0.94 CHF, 40 TRY) for ``day``."""
    text = (RATES_DIR / "eurofxref-daily.xml").read_text(encoding="utf-8")
    return text.replace("@DATE@", day.isoformat()).encode()


def serve_rates(server: PageServer, path: str, body: bytes) -> str:
    return server.add(path, body, headers=XML)


def update(app: PriceWatch, url: str) -> TaskRecord:
    """Fetch the rates at ``url`` through the engine (the app's executor) and wait for the task."""
    app.settings.currency.rates_url = url
    record = app.wait_for_task(app.update_rates(), timeout=30)
    assert record.state.is_final, record
    return record
