"""Extracting price, currency, availability and title from a product page.

Public names: :func:`extract`, :class:`Extraction`, :class:`Offer`, :class:`PriceCandidate` and
:data:`UNSURE_BELOW`; the modules behind them are private.
"""

from pricewatch.scraping.extract.pipeline import extract
from pricewatch.scraping.extract.result import UNSURE_BELOW, Extraction, Offer, PriceCandidate

__all__ = ["UNSURE_BELOW", "Extraction", "Offer", "PriceCandidate", "extract"]
