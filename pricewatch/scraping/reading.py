"""Reading a fetched page: its extraction and its page check (does it need a browser?) from one parse.

Both judge the same lxml tree, so a check parses a page once, and does so where the extraction runs (a worker
process of :mod:`pricewatch.scraping.pool`), not on the task thread that fetched it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pricewatch.scraping.extract import Extraction, extract
from pricewatch.scraping.extract.document import Page
from pricewatch.scraping.page_check import PageCheck, check_page, check_parsed


@dataclass(frozen=True, slots=True)
class PageReading:
    extraction: Extraction
    check: PageCheck


def read_page(
    html: str, url: str | None = None, *, selector: str | None = None, encoding: str | None = None
) -> PageReading:
    """Extract ``html`` and check it on the extraction's tree; never raises (like both of them)."""
    checks: list[PageCheck] = []

    def judge(page: Page) -> None:
        checks.append(check_parsed(html, page.root))

    extraction = extract(html, url, selector=selector, encoding=encoding, parsed=judge)
    # Not parsed for the extraction (empty, too large, unreadable): the check decides on its own parse.
    return PageReading(extraction, checks[0] if checks else check_page(html))


__all__ = ["PageReading", "read_page"]
