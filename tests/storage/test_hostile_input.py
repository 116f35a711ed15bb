"""Hostile input: import files that are deep, huge, broken, binary, malicious or from other trackers, corrupt
settings files, and property tests of price parsing and import. Each ends in a documented error with a clear
message, and the database is exactly as it was (a full dump compared before and after)."""

from __future__ import annotations

import gzip
import json
import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pricewatch.app import PriceWatch
from pricewatch.config import Paths
from pricewatch.scraping.money import MoneyContext, parse_amount, parse_money
from pricewatch.transfer import ImportFormatError, parse_export

URL = "https://shop.example/kettle"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PriceWatch]:
    root = tmp_path_factory.mktemp("hostile-import")
    pw = PriceWatch(Paths(root, root, root / "cache", root / "logs"), executor="sync")
    pw.add_product(URL, target_price="10", title="Kettle")
    yield pw
    pw.close()


def dump(app: PriceWatch) -> list[str]:
    conn = sqlite3.connect(app.db.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def product(**fields: object) -> bytes:
    return json.dumps(
        {"pricewatch_export": 2, "products": [{"url": "https://a.example/p", **fields}]}
    ).encode()


DEEP = 200_000
CSV_HEAD = "url,title,observed_at,price\n"
HOSTILE: dict[str, bytes] = {
    "deep JSON": b'{"products": [' + b"[" * DEEP + b"]" * DEEP + b"]}",
    "deep alerts": product(alerts={"rules": [json.loads("[" * 500 + "]" * 500)]}),
    "deep alerts in CSV": (
        CSV_HEAD.replace("url,", "url,alerts,")
        + 'https://a.example/p,"'
        + "[" * DEEP
        + "]" * DEEP
        + '",Kettle,,\n'
    ).encode(),
    "interval 1e999": product().replace(b'"}]', b'", "check_interval_minutes": 1e999}]'),
    "interval of 5000 digits": product().replace(
        b'"}]', b'", "check_interval_minutes": 1' + b"0" * 5000 + b"}]"
    ),
    "interval 10**30": product(check_interval_minutes=10**30),
    "window 10**30": product(
        alerts={"rules": [{"kind": "drop_percent", "percent": "5", "window_days": 10**30}]}
    ),
    "price 1e999999999": product(history=[{"observed_at": "2025-01-01T00:00:00Z", "price": "1e999999999"}]),
    "price 1e-999999999": product(target_price="1e-999999999"),
    "price as huge float": product().replace(b'"}]', b'", "target_price": 1e308}]'),
    "year 99999": product(history=[{"observed_at": "99999-01-01T00:00:00", "price": "1"}]),
    "NUL in title": product(title="Kettle\x00<script>"),
    "NUL in url": product().replace(b"/p", b"/p\\u0000"),
    "NUL in CSV": (CSV_HEAD + "https://a.example/p,Ket\x00tle,,\n").encode(),
    "title is an object": product(title={"$gt": ""}),
    "currency is a list": product(currency=["EUR"]),
    "selector is a number": product(css_selector=12),
    "url is not http": product().replace(b"https://a.example/p", b"javascript:alert(1)"),
    "csv field over the limit": (CSV_HEAD + "https://a.example/p," + "t" * 200_000 + ",,\n").encode(),
    "binary junk": random.Random(15).randbytes(8192),
    "gzip file": gzip.compress(product()),
    "png file": b"\x89PNG\r\n\x1a\n" + random.Random(16).randbytes(512),
    "UTF-16 text": product().decode().encode("utf-16"),
    "empty file": b"",
    "only a BOM": b"\xef\xbb\xbf",
    "JSON array": b'[{"url": "https://a.example/p", "price": 5}]',
    "JSON scalar": b"12345",
    "format 99": b'{"pricewatch_export": 99, "products": []}',
    "format true": b'{"pricewatch_export": true, "products": []}',
    "Keepa CSV": b'"Date","Amazon","New","Used"\n"2024-01-01 00:00","19.99","18.50",""\n',
    "camelcamelcamel JSON": b'{"prices": [{"date": "2024-01-01", "amazon": 19.99}], "asin": "B000"}',
    "Honey-style JSON": b'{"products": {"B000": {"url": "https://a.example/p"}}}',
    "history not a list": product(history="yesterday"),
    "history entry not an object": product(history=[5]),
    "alerts not JSON in CSV": (
        CSV_HEAD.replace("url,", "url,alerts,") + "https://a.example/p,{nope,K,,\n"
    ).encode(),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_import_file_is_refused_and_changes_nothing(
    app: PriceWatch, tmp_path: Path, name: str
) -> None:
    path = tmp_path / "import.bin"
    path.write_bytes(HOSTILE[name])
    before = dump(app)
    with pytest.raises(ImportFormatError) as caught:
        app.import_products(path)
    message = str(caught.value)
    assert message and len(message) < 400 and "Traceback" not in message
    assert dump(app) == before


def test_import_file_too_large_is_refused_before_reading(app: PriceWatch, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(300_000_000)  # sparse: no disk used
    before = dump(app)
    with pytest.raises(ImportFormatError, match="larger than"):
        app.import_products(path)
    assert dump(app) == before


@pytest.mark.parametrize("name", ["deep JSON", "binary junk", "interval of 5000 digits", "NUL in CSV"])
def test_cli_import_of_hostile_file_is_a_clear_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / "import.bin"
    path.write_bytes(HOSTILE[name])
    proc = subprocess.run(
        [sys.executable, "-m", "pricewatch", "import", str(path)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 4, proc.stderr
    assert proc.stderr.startswith(f"pricewatch: error: cannot import {path}: ")
    assert "Traceback" not in proc.stderr


# -- properties ----------------------------------------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
FIELDS = ["url", "title", "currency", "target_price", "check_interval_minutes", "css_selector", "offer_key",
          "paused", "ignore_robots", "alerts", "history", "observed_at", "price", "availability", "kind",
          "amount", "percent", "window_days", "state", "rules", "min_change_amount"]  # fmt: skip
FIELD_VALUES = st.one_of(
    JSON,
    st.sampled_from(
        [
            "https://a.example/p",
            "2025-01-01T00:00:00Z",
            "12.50",
            "-5",
            "NaN",
            "1e999",
            "drop_percent",
            "target_price",
            "fired",
            "true",
        ]
    ),
)
PRODUCTS = st.lists(
    st.dictionaries(st.sampled_from(FIELDS), FIELD_VALUES, max_size=8)
    | st.fixed_dictionaries({"url": st.just("https://a.example/p")}, optional={
        "history": st.lists(st.dictionaries(st.sampled_from(FIELDS), FIELD_VALUES, max_size=4), max_size=3),
        "alerts": st.fixed_dictionaries({"rules": st.lists(
            st.dictionaries(st.sampled_from(FIELDS), FIELD_VALUES, max_size=5), max_size=3)}),
        "check_interval_minutes": FIELD_VALUES, "target_price": FIELD_VALUES, "title": FIELD_VALUES,
    }),
    max_size=3,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(products=PRODUCTS, version=st.sampled_from([1, 2, 3, "2", None]))
def test_parsing_any_export_raises_only_import_format_errors(products: list[object], version: object) -> None:
    text = json.dumps({"pricewatch_export": version, "products": products})
    try:
        parse_export(text)
    except ImportFormatError as exc:
        assert str(exc)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_parsing_any_text_raises_only_import_format_errors(text: str) -> None:
    for candidate in (text, "url,title,price,observed_at\n" + text):
        try:
            parse_export(candidate)
        except ImportFormatError as exc:
            assert str(exc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(products=PRODUCTS)
def test_importing_any_export_changes_nothing_when_refused(
    app: PriceWatch, tmp_path: Path, products: list[object]
) -> None:
    path = tmp_path / "import.json"
    path.write_text(json.dumps({"pricewatch_export": 2, "products": products}))
    before = dump(app)
    try:
        app.import_products(path)
    except ImportFormatError as exc:
        assert str(exc)
        assert dump(app) == before


CONTEXTS = st.builds(
    MoneyContext,
    currency=st.none() | st.sampled_from(["EUR", "TRY", "KWD", "JPY", "USD", "XXX", ""]),
    lang=st.none() | st.text(max_size=8),
    region=st.none() | st.text(max_size=4),
)


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=200) | st.from_regex(r"[^\n]{0,6}[0-9][0-9 .,'\u00a0-]{0,20}[^\n]{0,6}"),
       ctx=st.none() | CONTEXTS)  # fmt: skip
def test_price_parsing_never_raises_and_gives_finite_amounts(text: str, ctx: MoneyContext | None) -> None:
    money = parse_money(text, ctx)
    if money is not None:
        assert isinstance(money.amount, Decimal) and money.amount.is_finite() and money.amount >= 0
    for token in text.split():
        amount = parse_amount(token, ctx)
        assert amount is None or (amount.is_finite() and amount >= 0)
