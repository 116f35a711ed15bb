"""The daily exchange-rate task against a local server: a good file, a broken one, a stale one."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pricewatch.models import TaskState, utcnow
from tests.support.checks import fast_app
from tests.support.pageserver import PageServer
from tests.support.rates import RATES_DIR, rates_file, serve_rates, update


def test_good_rates_are_stored_with_their_date(page_server: PageServer) -> None:
    today = utcnow().date()
    url = serve_rates(page_server, "/eurofxref-daily.xml", rates_file(today))
    with fast_app() as app:
        record = update(app, url)
        assert record.state is TaskState.SUCCESS, record.error
        assert record.result == {"rate_date": today.isoformat(), "currencies": 5, "stale": False}
        status = app.exchange_rates()
        assert status.table.rate_date == today and status.last_error is None and status.source == url
        assert status.table.convert(Decimal("25.00"), "USD", "EUR") == Decimal("20.00")
        assert status.table.convert(Decimal("20.00"), "USD", "GBP") == Decimal("13.44")  # via the euro
        assert not app.rates_stale()
    assert page_server.hits("/eurofxref-daily.xml") == 1


def test_a_broken_file_keeps_the_last_good_rates_and_says_so(page_server: PageServer) -> None:
    good_day = utcnow().date() - timedelta(days=1)
    good = serve_rates(page_server, "/good.xml", rates_file(good_day))
    broken = serve_rates(page_server, "/broken.xml", (RATES_DIR / "broken-html.xml").read_bytes())
    empty = serve_rates(page_server, "/empty.xml", (RATES_DIR / "no-rates.xml").read_bytes())
    with fast_app() as app:
        assert update(app, good).state is TaskState.SUCCESS
        for url, reason in ((broken, "not XML"), (empty, "lists no rates")):
            record = update(app, url)
            assert record.state is TaskState.FAILURE
            assert reason in (record.error or "") and f"the rates of {good_day} are kept" in (
                record.error or ""
            )
            assert record.retries == 0  # a bad file is not retried: the next day's run tries again
            status = app.exchange_rates()
            assert status.table.rate_date == good_day and status.table.per_eur["USD"] == Decimal("1.2500")
            assert reason in (status.last_error or "")
        assert update(app, good).state is TaskState.SUCCESS
        assert app.exchange_rates().last_error is None  # a good fetch clears the failure


def test_a_broken_file_before_any_rates_says_none_are_stored(page_server: PageServer) -> None:
    broken = serve_rates(page_server, "/broken.xml", (RATES_DIR / "broken-html.xml").read_bytes())
    with fast_app() as app:
        record = update(app, broken)
        assert record.state is TaskState.FAILURE and "no rates are stored yet" in (record.error or "")
        assert app.exchange_rates().table.rate_date is None


def test_a_stale_file_is_stored_but_flagged_with_its_date(page_server: PageServer) -> None:
    old_day = date(2024, 1, 5)
    url = serve_rates(page_server, "/old.xml", rates_file(old_day))
    with fast_app() as app:
        record = update(app, url)
        assert record.state is TaskState.SUCCESS
        assert record.result == {"rate_date": "2024-01-05", "currencies": 5, "stale": True}
        assert app.exchange_rates().table.rate_date == old_day
        assert app.rates_stale()


def test_a_weekend_old_file_is_not_stale(page_server: PageServer) -> None:
    url = serve_rates(page_server, "/friday.xml", rates_file(utcnow().date() - timedelta(days=3)))
    with fast_app() as app:
        assert update(app, url).result["stale"] is False  # type: ignore[index]
        app.settings.currency.stale_after_days = 2
        assert app.rates_stale()


def test_a_wrong_content_type_is_refused(page_server: PageServer) -> None:
    url = page_server.add("/rates.json", b'{"USD": 1.25}', headers={"Content-Type": "application/json"})
    with fast_app() as app:
        record = update(app, url)
        assert record.state is TaskState.FAILURE and "not a data file" in (record.error or "")
        assert app.exchange_rates().last_error
