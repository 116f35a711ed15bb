"""The daily exchange-rate update: fetch the reference rates from ``settings.currency.rates_url``, store them.

A feed that gives no usable rates (not XML, no rate, an error page) leaves the last good rates in place: the
failure is recorded for the front ends to show and the task fails with the reason. Rates for an old day are
stored all the same (they are the newest the source has) and the result says they are stale.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from pricewatch.errors import PermanentError, ScrapeError
from pricewatch.models import utcnow
from pricewatch.scraping.rates_feed import RatesFeedError, fetch_daily_rates
from pricewatch.storage.rates import RateRepository
from pricewatch.tasks.registry import task

if TYPE_CHECKING:
    from pricewatch.tasks.context import TaskContext

log = logging.getLogger(__name__)


@task("currency.update_rates", queue="default")
def update_rates(ctx: TaskContext) -> dict[str, Any]:
    """Fetch and store the day's exchange rates; returns their date, count and whether they are stale."""
    services = ctx.services
    options = services.settings.currency
    url = options.rates_url
    repository = RateRepository(services.db)
    kept = repository.table().rate_date
    try:
        daily = fetch_daily_rates(services.fetcher, url, cancel=ctx.cancel_event)
    except RatesFeedError as exc:
        repository.record_failure(str(exc), url)
        raise PermanentError(f"{exc}; {_kept(kept)}", kind="bad_rates") from None
    except ScrapeError as exc:
        if not ctx.cancelled:
            repository.record_failure(str(exc), url)
        raise
    repository.replace(daily.per_eur, daily.rate_date, url)
    stale = repository.table().stale(utcnow().date(), options.stale_after_days)
    if stale:
        log.warning("the exchange rates from %s are for %s: stale", url, daily.rate_date)
    return {"rate_date": daily.rate_date.isoformat(), "currencies": len(daily.per_eur), "stale": stale}


def _kept(rate_date: object) -> str:
    return f"the rates of {rate_date} are kept" if rate_date else "no rates are stored yet"
