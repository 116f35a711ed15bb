"""PriceWatch: a desktop price tracker.

The public surface is deliberately small: the facade :class:`pricewatch.app.PriceWatch` and the version.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
