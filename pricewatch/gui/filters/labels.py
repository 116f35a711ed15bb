"""The Tags column per product: its tags, and whether it (or one of its rules) is snoozed."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.product_filters import ProductFacts

MAX_SHOWN = 80  # characters of the joined tags in the cell (the tooltip has them all)


def labels(facts: Mapping[int, ProductFacts]) -> dict[int, tuple[str, str]]:
    """``product id -> (cell text, tooltip)`` for every product with tags or a snooze."""
    snoozed = QCoreApplication.translate("ProductTags", "Snoozed")
    snoozed_tip = QCoreApplication.translate(
        "ProductTags",
        "Snoozed: its notifications, or some of its rules', are held back (right-click to unsnooze)",
    )
    result: dict[int, tuple[str, str]] = {}
    for product_id, fact in facts.items():
        if not fact.tag_names and not fact.snoozed:
            continue
        tags = ", ".join(fact.tag_names)
        text = " · ".join(part for part in (snoozed if fact.snoozed else "", tags) if part)
        tip = "\n".join(part for part in (snoozed_tip if fact.snoozed else "", tags) if part)
        result[product_id] = (fmt.clean_text(text, MAX_SHOWN), fmt.plain_tooltip(tip) or "")
    return result
