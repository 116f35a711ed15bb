"""Extracting price, currency, availability and title from a product page.

Public names: :func:`extract`, :class:`Extraction` and :class:`Offer`; the modules behind them are private.
"""

from pricewatch.scraping.extract.pipeline import extract
from pricewatch.scraping.extract.result import Extraction, Offer

__all__ = ["Extraction", "Offer", "extract"]
