"""The built-in tasks; importing this package registers them (the task manager does on construction)."""

from __future__ import annotations

from pricewatch.tasks.builtin import currency, images, maintenance, notifications, price_tracking, scraping

__all__ = ["currency", "images", "maintenance", "notifications", "price_tracking", "scraping"]
